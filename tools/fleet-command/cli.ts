/**
 * The load-generator fleet against an env, as nightly-spike.yml runs it:
 *   node --import tsx tools/fleet-command/cli.ts --profile seed-http --target stag [--tasks N] [--report-dir D]
 *   node --import tsx tools/fleet-command/cli.ts --put-back --target stag
 * The first prints the plan (tasks from bench:loadgen's per-task capacities) and its cost, checks
 * the env's quotas through Service Quotas, refusing a profile a quota would throttle, admits the
 * fleet past the target's WAF rate rule (admission.ts), wakes the target's broadcast service (the
 * env's load-test edge where it has one: loadTestTarget; wake.ts) and, for a spike at prod's size,
 * reserves its load balancer's capacity (load-balancer-reservation.ts), then runs the profile on
 * the env's k6 fleet (loadgen stack, remote-fleet.ts) with users it seeds with the env's token
 * secret, and puts the target back. Exits 0 (pass), 1 (a threshold failed on the merged run, or
 * the p95 regressed), 2 (refused or broken) or 3 (inconclusive: generator-bound).
 * --put-back puts back what a run that never reached its cleanup left changed in the env
 * (in-flight.ts), and does nothing else. `nx run loadgen:fleet --env=<env>` runs the same.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { workspaceRoot } from '@relay/k6-process';
import { FLEET_PROFILES } from '@relay/fleet';
import { putBackOnly, runOnEnv } from './env-run';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string' },
      target: { type: 'string' },
      tasks: { type: 'string' },
      'report-dir': { type: 'string', default: path.join(workspaceRoot, 'reports/fleet') },
      'put-back': { type: 'boolean', default: false },
    },
  });
  const target = values.target;
  if (!target || target === 'local')
    throw new Error('--target names an env (dev, stag, prod); the local fleet is `npx nx run loadgen:fleet` (tools/loadgen/fleet/cli.ts)');
  if (values['put-back']) return putBackOnly(target);
  if (!values.profile) throw new Error(`--profile names the fleet profile to run: ${Object.keys(FLEET_PROFILES).join(', ')}`);
  return runOnEnv(values.profile, target, values.tasks === undefined ? undefined : Number(values.tasks), values['report-dir']);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
