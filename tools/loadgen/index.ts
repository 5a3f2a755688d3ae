/**
 * What other tools use of the load generator: the fleet's plan and cost (bench:loadgen, the cost
 * model), the fleet image's entrypoint, and what an applied fleet and load-test edge leave in moto
 * (the nightly rehearsal).
 */
export * from './fleet/plan';
export * from './fleet/run-cost';
export * from './fleet/run-estimate';
export { FLEET_TASK_ENTRYPOINT } from './fleet/fleet-task';
export * from './fleet/loadgen-in-moto';
export * from './fleet/load-test-target-in-moto';
