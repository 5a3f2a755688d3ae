/**
 * The discrete-event model of deployed delivery: bench:fanout --model runs it, bench:reconnect
 * reads its clock and quota.
 */
export * from './fanout-model';
