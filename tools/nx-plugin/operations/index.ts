/**
 * What other tools use of the operations: the web stack's moto seeding (the deploy rehearsal) and
 * the entry wrapper of a tool script. The quota checks the fleet shares with the terraform runner
 * are @relay/quotas (tools/quotas).
 */
export * from './web/web-in-moto';
export { runIfMain } from '../scripts/run-if-main';
