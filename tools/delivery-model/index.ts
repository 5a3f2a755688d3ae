/**
 * The discrete-event model of deployed delivery: bench:fanout --model runs it, the load
 * generator reads its fan-out floor, bench:reconnect its clock and quota.
 */
export * from './fanout-model';
