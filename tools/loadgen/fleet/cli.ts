/**
 * The load-generator fleet:
 *   node --import tsx tools/loadgen/fleet/cli.ts --profile smoke --target local --tasks 3
 * Behind `nx run loadgen:fleet`. Local: starts the local stack in its own process, seeds users,
 * and runs each of the profile's scenarios as N k6 processes split by execution segment, started
 * together, merged exactly and judged once (local-fleet.ts, @relay/fleet). Prints each scenario's
 * verdict and exits 0 (pass), 1 (a threshold failed on the merged run) or 3 (inconclusive:
 * generator-bound). --target <env> and --put-back --target <env> are the fleet's command against
 * an env (tools/fleet-command/cli.ts, what nightly-spike.yml runs), run here in this process.
 */
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_AUTH } from '@relay/platform-config';
import { ensureK6, workspaceRoot } from '@relay/k6-process';
import { runLocalFleet, EXIT } from '@relay/fleet';
import { LATENCY, putBackOnly, runOnEnv, seedUsers, writeUsers } from '@relay/fleet-command';

/** Scenarios per local profile. */
const PROFILES: Record<string, { scenarios: string[]; users: number }> = {
  smoke: { scenarios: ['broadcast-api', 'chat-spike'], users: 200 },
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'smoke' },
      target: { type: 'string', default: 'local' },
      tasks: { type: 'string' },
      'report-dir': { type: 'string', default: path.join(workspaceRoot, 'reports/fleet') },
      'put-back': { type: 'boolean', default: false },
    },
  });
  if (values['put-back']) return putBackOnly(values.target);
  if (values.target !== 'local')
    return runOnEnv(values.profile, values.target, values.tasks === undefined ? undefined : Number(values.tasks), values['report-dir']);
  const profile = PROFILES[values.profile];
  if (!profile) throw new Error(`unknown local fleet profile "${values.profile}": expected ${Object.keys(PROFILES).join(', ')}`);
  const tasks = Number(values.tasks ?? '3');
  const k6 = ensureK6();
  // Imported here: the local stack's barrel is the whole local runtime (fastify, dynalite, the
  // handlers), which a run against an env never starts.
  const { LocalRuntimeProcess } = require('@relay/local-stack') as typeof import('@relay/local-stack');
  const runtime = await LocalRuntimeProcess.start();
  let worst: number = EXIT.pass;
  try {
    const usersFile = path.join(values['report-dir'], `users-${values.profile}.json`);
    writeUsers(usersFile, await seedUsers(profile.users, LOCAL_AUTH));
    for (const scenario of profile.scenarios) {
      const reportDir = path.join(values['report-dir'], `${scenario}-${values.profile}`);
      const result = await runLocalFleet({
        k6,
        script: scenario,
        tasks,
        env: { PROFILE: values.profile, WS_URL: runtime.wsUrl, BROADCAST_URL: runtime.broadcastUrl, USERS_FILE: usersFile },
        reportDir,
        latencyMetric: LATENCY[scenario] ?? 'iteration_duration',
        // Local tasks share this machine's cores; each may use all of them.
        coresPerTask: cpus().length,
      });
      const { verdict, merged } = result;
      console.log(
        `${scenario} (${tasks} task(s)): ${verdict.status.toUpperCase()}; iterations ${merged.counters['iterations'] ?? 0}, ` +
          `dropped ${merged.counters['dropped_iterations'] ?? 0}, ${result.taskSeconds.toFixed(0)} task-seconds; report ${path.relative(workspaceRoot, reportDir)}/report.html`,
      );
      for (const reason of verdict.reasons) console.log(`  ${reason}`);
      worst = Math.max(worst, EXIT[verdict.status]);
    }
  } finally {
    await runtime.stop();
  }
  return worst;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
