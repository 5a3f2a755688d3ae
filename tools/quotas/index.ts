/**
 * The account quotas an environment's catalogue records need, and the check of their live values
 * through Service Quotas: the terraform runner runs it before an apply (quota-check.ts), the
 * fleet before a run. Apart from the operations so that the fleet, and everything that runs it,
 * does not re-run for every edit to the plugin.
 */
export { quotaNeeds, quotaProblems, unmetQuotas, type QuotaNeed } from './quotas';
export { serviceQuotas, type Quotas } from './service-quotas-stand-in';
