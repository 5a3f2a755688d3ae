import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { synthesizeStacks, type SynthesizedStack } from '@relay/emulators';

/**
 * A week of the off-hours schedule, simulated against what is synthesized (the EventBridge
 * Scheduler schedules, the scalable target and its lifecycle) and the drift workflow's cron:
 * the broadcast service has at least one task in working hours and none at night, and no drift
 * run reports the bounds the schedule owns as drift. Application Auto Scaling's behaviour is the
 * documented one: RegisterScalableTarget sets min/max and moves the desired count into them;
 * target tracking has no datapoints at 0 tasks, so it never scales up from there.
 */
jest.setTimeout(120_000);

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const TIMEZONE_OFFSET_HOURS: Record<string, number> = { 'Asia/Seoul': 9, UTC: 0 };

/** Does one cron field (numbers, names, *, ?, ranges, lists) admit this value? */
function fieldMatches(field: string, value: number, names: string[] = [], base = 0): boolean {
  if (field === '*' || field === '?') return true;
  const number = (token: string) => (names.includes(token) ? names.indexOf(token) + base : Number(token));
  return field.split(',').some((part) => {
    const [from, to] = part.split('-');
    return to === undefined ? number(from!) === value : value >= number(from!) && value <= number(to);
  });
}

/** An hour of the simulated week, in local (schedule) time: day 0 = Sunday. */
interface Hour {
  day: number;
  hour: number;
}
const shift = ({ day, hour }: Hour, by: number): Hour => {
  const total = (((day * 24 + hour + by) % 168) + 168) % 168;
  return { day: Math.floor(total / 24), hour: total % 24 };
};

/** EventBridge Scheduler: cron(minutes hours day-of-month month day-of-week year), SUN = 1. */
function awsCronFires(expression: string, at: Hour): boolean {
  const [minutes, hours, , , dow] = /^cron\((.*)\)$/.exec(expression)![1]!.split(' ');
  return minutes === '0' && fieldMatches(hours!, at.hour) && fieldMatches(dow!, at.day + 1, DAYS, 1);
}
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
  const schedules = Object.values(stack.resource['aws_scheduler_schedule'] ?? {});
  if (!target || schedules.length === 0) throw new Error('no scalable target or schedule in the stack');
  const ignored = ((target['lifecycle'] as { ignore_changes?: string[] } | undefined)?.ignore_changes ?? []).map(String);
  const timezone = String(schedules[0]!['schedule_expression_timezone']);
  const offset = TIMEZONE_OFFSET_HOURS[timezone];
  if (offset === undefined) throw new Error(`no offset for ${timezone}`);
  const bounds = schedules.map((s) => {
    const t = s['target'] as { input: string } | { input: string }[];
    const input = JSON.parse((Array.isArray(t) ? t[0]! : t).input) as { MinCapacity: number; MaxCapacity: number };
    return { name: String(s['name']), expression: String(s['schedule_expression']), min: input.MinCapacity, max: input.MaxCapacity };
  });
  // The week starts after the weekend's stop: the night bounds hold, no task runs.
  const night = bounds.find((b) => b.max === 0);
  if (!night) throw new Error('no schedule stops the service');
  const live = { min: night.min, max: night.max, desired: 0 };
  let phase: 'night' | 'day' = 'night';
  const problems: string[] = [];
  let workingHours = 0;
  for (let i = 24; i < 24 + 168; i++) {
    const at = shift({ day: 0, hour: 0 }, i);
    for (const b of bounds.filter((x) => awsCronFires(x.expression, at))) {
      live.min = b.min;
      live.max = b.max;
      live.desired = Math.min(Math.max(live.desired, b.min), b.max);
      phase = b.max === 0 ? 'night' : 'day';
    }
    const when = `${DAYS[at.day]} ${String(at.hour).padStart(2, '0')}:00`;
    if (phase === 'day') {
      workingHours++;
      if (live.desired < 1) problems.push(`${when}: working hours with ${live.desired} tasks`);
    } else if (live.desired !== 0) problems.push(`${when}: night with ${live.desired} tasks`);
    const utc = shift(at, -offset);
    if (driftCrons.some((c) => githubCronFires(c, utc))) {
      for (const [attribute, configured, actual] of [
        ['min_capacity', Number(target['min_capacity']), live.min],
        ['max_capacity', Number(target['max_capacity']), live.max],
      ] as const) {
        if (configured !== actual && !ignored.includes(attribute))
          problems.push(`${when}: drift run reports ${attribute} ${actual} (configured ${configured})`);
      }
    }
  }
  return { problems, workingHours };
}

const drift = parse(readFileSync(path.resolve(__dirname, '../../../.github/workflows/drift.yml'), 'utf8')) as { on: { schedule: { cron: string }[] } };
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
