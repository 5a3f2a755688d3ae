import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTestTarget, resolveEnvironment } from '@relay/platform-config';
import { ensureK6 } from '@relay/k6-process';
import { SHA, startFixture, type Fixture } from '@relay/rehearsal';

export const stag = resolveEnvironment('stag');

/** Where stag's chat answers, and the secret it signs tokens with. */
export interface ChatEndpoints {
  wsUrl: string;
  secret: string;
  edgeUrl: string;
}

/**
 * nightly-spike.yml's fixture (workflow_dispatch, the smoke profiles) against stag's account in
 * moto: the chat's URL and token secret in SSM, K6_BIN standing for the runner's build
 * (tools/k6/install.sh), and terraform's apply and destroy of the edge done to moto by
 * terraform-effects.ts (logged to `effectsLog`), the edge's URL being `edgeUrl`. The chat may
 * still be starting: the account starts meanwhile, and is stopped if the chat does not come up.
 */
export async function startNightly(starting: ChatEndpoints | Promise<ChatEndpoints>): Promise<{ fixture: Fixture; effectsLog: string }> {
  const fixture = await startFixture({ name: 'workflow_dispatch', ref: 'refs/heads/main', sha: SHA, payload: { inputs: { profile: 'smoke' } } }, {}, 'stag');
  let chat: ChatEndpoints;
  try {
    chat = await starting;
  } catch (error) {
    await fixture.stop();
    throw error;
  }
  for (const [name, value, type] of [
    ['/relay/stag/chat/ws-url', chat.wsUrl, 'String'],
    ['/relay/stag/chat/auth-token-secret', chat.secret, 'SecureString'],
  ] as const) {
    // As JSON: the CLI would fetch a value that looks like a URL.
    fixture.aws('ssm', 'put-parameter', '--cli-input-json', JSON.stringify({ Name: name, Type: type, Value: value }));
  }
  fixture.options.env['K6_BIN'] = ensureK6();
  const effectsLog = path.join(mkdtempSync(path.join(tmpdir(), 'relay-edge-effects-')), 'effects.jsonl');
  Object.assign(fixture.options.env, {
    RELAY_REHEARSAL_TF_EFFECTS: path.join(__dirname, 'terraform-effects.ts'),
    RELAY_REHEARSAL_TF_EFFECTS_LOG: effectsLog,
    RELAY_REHEARSAL_EDGE_URL: chat.edgeUrl,
    // Moto and the stand-in answer at once: the fleet asks every 200 ms, not at AWS's pace.
    RELAY_FLEET_POLL_MS: '200',
  });
  return { fixture, effectsLog };
}

/** What of the load-test edge is in stag's account. */
export function edgeLeft(fixture: Fixture): { loadBalancers: string[]; scalableTargets: string[]; url: boolean } {
  const target = loadTestTarget(stag);
  const { LoadBalancers = [] } = fixture.aws.json<{ LoadBalancers?: { LoadBalancerName: string }[] }>('elbv2', 'describe-load-balancers');
  const { ScalableTargets = [] } = fixture.aws.json<{ ScalableTargets?: { ResourceId: string }[] }>(
    ...['application-autoscaling', 'describe-scalable-targets', '--service-namespace', 'ecs', '--resource-ids', target.scalableTarget],
  );
  let url = true;
  try {
    fixture.aws('ssm', 'get-parameter', '--name', target.urlParameter);
  } catch {
    url = false;
  }
  return {
    loadBalancers: LoadBalancers.map((lb) => lb.LoadBalancerName).filter((n) => n === target.loadBalancer),
    scalableTargets: ScalableTargets.map((t) => t.ResourceId),
    url,
  };
}
