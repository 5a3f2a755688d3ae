/**
 * How often a run asks ECS and the target for state. Against AWS the run keeps its own intervals
 * (ECS's reads are rate-limited: 1 s to RUNNING, 2 s to STOPPED and while waking the target). An
 * emulated account answers at once, so a rehearsal names a shorter one in RELAY_FLEET_POLL_MS
 * rather than spend most of its time asleep between answers it already has.
 */
export const FLEET_POLL_VARIABLE = 'RELAY_FLEET_POLL_MS';

/** The interval named in the environment, or undefined for the run's own; anything else is refused. */
export function pollIntervalFrom(env: NodeJS.ProcessEnv): number | undefined {
  const value = env[FLEET_POLL_VARIABLE];
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 50 || ms > 60_000)
    throw new Error(`${FLEET_POLL_VARIABLE} must be a whole number of milliseconds from 50 to 60000, not "${value}"`);
  return ms;
}
