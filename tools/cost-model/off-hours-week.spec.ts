import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { synthesizeStacks, type SynthesizedStack } from '@relay/emulators';
import { DAYS, fieldMatches, scheduledWeek, shift, type Hour } from './off-hours';

/**
 * A week of the off-hours schedule, simulated against what is synthesized (scheduledWeek: the
 * schedules, the scalable target and its lifecycle) and the drift workflow's cron: the broadcast
 * service has at least one task in working hours and none at night, and no drift run reports
 * the bounds the schedule owns as drift. The cost model counts the same week's task-hours.
 */
jest.setTimeout(120_000);

/** GitHub Actions: five fields in UTC, SUN = 0. */
function githubCronFires(expression: string, utc: Hour): boolean {
  const [minutes, hours, , , dow] = expression.split(' ');
  return minutes === '0' && fieldMatches(hours!, utc.hour) && fieldMatches(dow!, utc.day, DAYS, 0);
}

interface Week {
  problems: string[];
  workingHours: number;
}

function simulateWeek(stack: SynthesizedStack, driftCrons: string[]): Week {
  const [target] = Object.values(stack.resource['aws_appautoscaling_target'] ?? {});
  const week = scheduledWeek(stack);
  if (!target || !week) throw new Error('no scalable target or schedule in the stack');
  const ignored = ((target['lifecycle'] as { ignore_changes?: string[] } | undefined)?.ignore_changes ?? []).map(String);
  const problems: string[] = [];
  let workingHours = 0;
  for (const { at, min, max, desired, phase } of week.hours) {
    const when = `${DAYS[at.day]} ${String(at.hour).padStart(2, '0')}:00`;
    if (phase === 'day') {
      workingHours++;
      if (desired < 1) problems.push(`${when}: working hours with ${desired} tasks`);
    } else if (desired !== 0) problems.push(`${when}: night with ${desired} tasks`);
    const utc = shift(at, -week.offset);
    if (driftCrons.some((c) => githubCronFires(c, utc))) {
      for (const [attribute, configured, actual] of [
        ['min_capacity', Number(target['min_capacity']), min],
        ['max_capacity', Number(target['max_capacity']), max],
      ] as const) {
        if (configured !== actual && !ignored.includes(attribute))
          problems.push(`${when}: drift run reports ${attribute} ${actual} (configured ${configured})`);
      }
    }
  }
  return { problems, workingHours };
}

const drift = parse(readFileSync(path.resolve(__dirname, '../../.github/workflows/drift.yml'), 'utf8')) as { on: { schedule: { cron: string }[] } };
const driftCrons = drift.on.schedule.map((s) => s.cron);
const stacks = synthesizeStacks({ RELAY_COMPONENTS: 'platform' });
const scheduled = Object.entries(stacks).filter(([, s]) => s.resource['aws_scheduler_schedule']);

describe('a week of off-hours', () => {
  it('finds the scheduled environments and the drift runs (so an empty table cannot pass)', () => {
    expect(scheduled.map(([id]) => id).sort()).toEqual(['platform-dev', 'platform-stag']);
    expect(driftCrons.length).toBeGreaterThan(0);
  });

  it.each(scheduled.map(([id]) => id))('%s: a task in every working hour, none at night, no false drift', (id) => {
    const week = simulateWeek(stacks[id]!, driftCrons);
    expect(week.problems).toEqual([]);
    // Weekdays 08:00 to 21:00: 5 × 13 hours.
    expect(week.workingHours).toBe(65);
  });

  it('catches a morning start that leaves the service at 0 and a target that does not ignore the bounds', () => {
    const stack = structuredClone(stacks['platform-dev']!);
    const target = Object.values(stack.resource['aws_appautoscaling_target']!)[0]!;
    delete target['lifecycle'];
    for (const s of Object.values(stack.resource['aws_scheduler_schedule']!)) {
      const t = s['target'] as { input: string } | { input: string }[];
      const one = Array.isArray(t) ? t[0]! : t;
      const input = JSON.parse(one.input) as { MinCapacity: number; MaxCapacity: number };
      if (input.MaxCapacity > 0) one.input = JSON.stringify({ ...input, MinCapacity: 0 });
    }
    const problems = simulateWeek(stack, driftCrons).problems;
    expect(problems.some((p) => /working hours with 0 tasks/.test(p))).toBe(true);
    expect(problems.some((p) => /drift run reports max_capacity 0/.test(p))).toBe(true);
  });
});
