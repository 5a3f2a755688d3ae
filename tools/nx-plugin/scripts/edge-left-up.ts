/**
 * Is an env's load-test edge (ADR 10) up outside the nightly window? Its state object says: the
 * nightly's edge-down leaves it with no resources, and an edge left up bills by the hour. Prints
 * what is up and how to take it down, and exits 1; exits 0 where nothing is, or the env has no
 * edge. drift.yml runs it each weekday morning, with the plan role (which reads state objects).
 *   node --import tsx tools/nx-plugin/scripts/edge-left-up.ts <env>
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { resolveEnvironment, stateLocation, type Environment } from '@relay/platform-config';
import { runIfMain } from './run-if-main';

/** The resources a Terraform state records (`type.name`, data sources left out: they are not billed). */
export function resourcesInState(state: string): string[] {
  const parsed = JSON.parse(state) as { resources?: { mode?: string; type: string; name: string }[] };
  return (parsed.resources ?? []).filter((r) => r.mode !== 'data').map((r) => `${r.type}.${r.name}`);
}

/** What of the env's edge its state says is up; [] where there is no state (never applied). */
export async function edgeLeftUp(client: S3Client, env: Environment): Promise<string[]> {
  const state = stateLocation(env, 'edge');
  const object = await client.send(new GetObjectCommand({ Bucket: state.bucket, Key: state.key })).catch((error: unknown) => {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  });
  return object?.Body ? resourcesInState(await object.Body.transformToString()) : [];
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name) throw new Error('usage: edge-left-up.ts <env>');
  const env = resolveEnvironment(name);
  if (!env.loadTestEdge) {
    console.log(`${env.name} has no load-test edge`);
    return;
  }
  const up = await edgeLeftUp(new S3Client({ region: env.region }), env);
  if (up.length === 0) {
    console.log(`edge-${env.name} is down`);
    return;
  }
  throw new Error(
    `edge-${env.name} is up outside the nightly window (${up.length} resources, billing by the hour: ${up.slice(0, 5).join(', ')}${up.length > 5 ? ', …' : ''}).\n` +
      'Take it down: gh workflow run nightly-spike.yml -f profile=none (docs/operations-runbook.md#the-load-test-edge-is-up-outside-the-nightly-window)',
  );
}

runIfMain(module, main);
