/**
 * What other tools use of the operations: the fleet's plan and cost (bench:loadgen, the cost model), the delivery
 * model (bench:fanout --model), and the fleet's image entrypoint and the moto seedings (the fleet's,
 * the web stack's), which the workflow rehearsals share with the operations' own specs.
 */
export * from './delivery-model/fanout-model';
export * from './fleet/plan';
export * from './fleet/run-cost';
export * from './fleet/run-estimate';
export { FLEET_TASK_ENTRYPOINT } from './fleet/fleet-task';
export * from './fleet/loadgen-in-moto';
export * from './fleet/load-test-target-in-moto';
export * from './web/web-in-moto';
