import type * as EnvRun from './env-run';

export { seedUsers, writeUsers, secretFromSsm, ARTIST_COUNT, type SeededUsers } from './seed-users';
export { LATENCY } from './latency';

// Loaded when called: the load generator's local runs import this for the users they sign, and
// never need the AWS SDK clients and the fleet's orchestration that a run against an env does.
const envRun = () => require('./env-run') as typeof EnvRun;
export const runOnEnv: typeof EnvRun.runOnEnv = (...args) => envRun().runOnEnv(...args);
export const putBackOnly: typeof EnvRun.putBackOnly = (...args) => envRun().putBackOnly(...args);
