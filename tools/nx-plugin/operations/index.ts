/**
 * What other tools use of the operations: the quota checks the load generator runs before a
 * fleet, the web stack's moto seeding (the deploy rehearsal) and the entry wrapper of a tool
 * script.
 */
export { unmetQuotas, type QuotaNeed } from './terraform/quotas';
export { serviceQuotas, type Quotas } from './terraform/service-quotas-stand-in';
export * from './web/web-in-moto';
export { runIfMain } from '../scripts/run-if-main';
