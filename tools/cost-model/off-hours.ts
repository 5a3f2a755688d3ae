import type { SynthesizedStack } from './synthesized';

/**
 * A week of an off-hours schedule, as the synthesized stack would run it: the EventBridge
 * Scheduler schedules (cron in a named time zone) that register the service's scalable target
 * with new bounds, and Application Auto Scaling's documented behaviour (RegisterScalableTarget
 * sets min/max and moves the desired count into them; target tracking has no datapoints at 0
 * tasks, so nothing scales up from there). The cost model counts its task-hours; the schedule's
 * own spec checks its working hours and the drift runs against it.
 */
export const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const TIMEZONE_OFFSET_HOURS: Record<string, number> = { 'Asia/Seoul': 9, UTC: 0 };

/** Does one cron field (numbers, names, *, ?, ranges, lists) admit this value? */
export function fieldMatches(field: string, value: number, names: string[] = [], base = 0): boolean {
  if (field === '*' || field === '?') return true;
  const number = (token: string) => (names.includes(token) ? names.indexOf(token) + base : Number(token));
  return field.split(',').some((part) => {
    const [from = '', to] = part.split('-');
    return to === undefined ? number(from) === value : value >= number(from) && value <= number(to);
  });
}

/** An hour of the week, in the schedule's local time: day 0 = Sunday. */
export interface Hour {
  day: number;
  hour: number;
}
export const shift = ({ day, hour }: Hour, by: number): Hour => {
  const total = (((day * 24 + hour + by) % 168) + 168) % 168;
  return { day: Math.floor(total / 24), hour: total % 24 };
};

/** EventBridge Scheduler: cron(minutes hours day-of-month month day-of-week year), SUN = 1. */
export function awsCronFires(expression: string, at: Hour): boolean {
  const fields = /^cron\((.*)\)$/.exec(expression)?.[1]?.split(' ') ?? [];
  if (fields.length !== 6) throw new Error(`not an EventBridge Scheduler cron expression: ${expression}`);
  const [minutes, hours = '', , , dow = ''] = fields;
  return minutes === '0' && fieldMatches(hours, at.hour) && fieldMatches(dow, at.day + 1, DAYS, 1);
}

export interface ScheduledHour {
  at: Hour;
  min: number;
  max: number;
  desired: number;
  phase: 'night' | 'day';
}

export interface ScheduledWeek {
  timezone: string;
  /** Hours from UTC to the schedule's time zone. */
  offset: number;
  hours: ScheduledHour[];
}

/**
 * The 168 hours from Sunday 00:00 (local), after the weekend's stop has held since Friday: each
 * hour's bounds and desired count once that hour's schedules have fired. Undefined when the
 * stack has no off-hours schedule.
 */
export function scheduledWeek(stack: SynthesizedStack): ScheduledWeek | undefined {
  const schedules = Object.values(stack.resource['aws_scheduler_schedule'] ?? {});
  const [first] = schedules;
  if (!first) return undefined;
  const timezone = String(first['schedule_expression_timezone']);
  const offset = TIMEZONE_OFFSET_HOURS[timezone];
  if (offset === undefined) throw new Error(`no UTC offset known for the schedule's time zone ${timezone}`);
  const bounds = schedules.map((s) => {
    const target = [s['target']].flat()[0] as { input?: string } | undefined;
    if (!target?.input) throw new Error(`schedule ${String(s['name'])} has no target input`);
    const input = JSON.parse(target.input) as { MinCapacity: number; MaxCapacity: number };
    return { expression: String(s['schedule_expression']), min: input.MinCapacity, max: input.MaxCapacity };
  });
  const night = bounds.find((b) => b.max === 0);
  if (!night) throw new Error('no schedule stops the service');
  const live = { min: night.min, max: night.max, desired: 0 };
  let phase: ScheduledHour['phase'] = 'night';
  const hours: ScheduledHour[] = [];
  for (let i = 0; i < 168; i++) {
    const at = shift({ day: 0, hour: 0 }, i);
    for (const b of bounds.filter((x) => awsCronFires(x.expression, at))) {
      live.min = b.min;
      live.max = b.max;
      live.desired = Math.min(Math.max(live.desired, b.min), b.max);
      phase = b.max === 0 ? 'night' : 'day';
    }
    hours.push({ at, ...live, phase });
  }
  return { timezone, offset, hours };
}
