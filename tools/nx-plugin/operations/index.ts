/**
 * What other tools use of the operations: the fleet's plan and cost (bench:loadgen, the cost model), the delivery
 * model (bench:fanout --model), and the fleet's image entrypoint and moto seedings, which the
 * workflow rehearsals share with the fleet's own specs.
 */
export * from './delivery-model/fanout-model';
export * from './fleet/plan';
export * from './fleet/run-cost';
export * from './fleet/run-estimate';
export { FLEET_TASK_ENTRYPOINT } from './fleet/fleet-task';
export * from './fleet/loadgen-in-moto';
export * from './fleet/load-test-target-in-moto';
