/**
 * The k6 fleet as a library: its plan (its cost is @relay/fleet-cost's), the run on an
 * env's fleet or on this machine's cores, the exact merge and the verdict, the fleet image's
 * entrypoint, and what an applied fleet and load-test edge leave in moto (the
 * nightly rehearsal). The commands that run it, locally against the local stack or against an
 * env, are the load generator's (tools/loadgen).
 */
export * from './plan';
export { k6RunSeconds, parseK6Duration } from './k6-run-length';
export { FLEET_TASK_ENTRYPOINT } from './fleet-task';
export * from './loadgen-in-moto';
export * from './load-test-target-in-moto';
export { runLocalFleet, type LocalFleetRun } from './local-fleet';
export { compareRuns, loadHistory, saveRecord, targetConfig, trendMarkdown, type RunConditions, type RunRecord } from './history';
export { admitFleet, type Admission } from './admission';
export { loadInFlight, putBack, saveInFlight, type InFlight, type TargetClients } from './in-flight';
export { reserveLoadBalancer, spikeLcus, type Reservation } from './load-balancer-reservation';
export { boundsFor, wakeTarget } from './wake';
export { trendValues } from './merge';
export { sketch } from './task-results';
export { newRunId, readLaunchConfig, runRemoteFleet } from './remote-fleet';
export { pollIntervalFrom } from './poll-interval';
export { preflight } from './preflight';
export { EXIT } from './verdict';
