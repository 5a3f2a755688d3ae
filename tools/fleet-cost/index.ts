/**
 * What a fleet run costs, at the dated prices: estimated before launch from k6's own run length
 * (the fleet's command prints it, the cost commands price a night with it, bench:loadgen a
 * profile) and from the seconds the tasks ran. A project apart from the fleet, so a price edit
 * re-runs what prints a cost (and the nightly rehearsals that run the command), not the fleet's
 * own tests and role proof.
 */
export * from './run-cost';
export * from './run-estimate';
