/**
 * The cost model over the synthesized stacks: each resource type's price or reason to be free,
 * an env's fixed monthly cost per stack with its arithmetic, the budgets, the cost per million
 * messages and REST calls, the report's formats, and a pull request's cost diff (pr-diff.ts,
 * which pr.yml runs). It prices no load-test run: a night of the spike is the fleet's plan,
 * which the estimate command (tools/cost) adds. Apart from that command so that the pull
 * request's diff, and the ci rehearsal that runs it, do not re-run for every edit to the fleet.
 */
export { DAYS_PER_MONTH, estimateEnvs, overBudget, type EnvEstimate } from './estimate';
export { costReport, formatReport, reportJson } from './report';
export { readSynthesized, type StackInput } from './synthesized';
export type { UnitCost } from './usage';
