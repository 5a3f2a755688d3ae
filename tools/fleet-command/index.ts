export { runOnEnv, putBackOnly, LATENCY } from './env-run';
export { seedUsers, writeUsers, secretFromSsm, ARTIST_COUNT, type SeededUsers } from './seed-users';
