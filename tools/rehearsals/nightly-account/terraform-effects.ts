/**
 * What an apply or destroy would leave in the emulated account, for the terraform stub
 * (terraform-stub.cjs): the stub records commands and applies nothing, so for the stacks a
 * rehearsal needs to find applied, this does what the apply would have, with the aws CLI
 * against the step's emulated AWS. Today that is the load-test edge (ADR 10): its load balancer,
 * service, scalable target, admission set and parameters, whose URL is the rehearsal's stand-in
 * for stag (RELAY_REHEARSAL_EDGE_URL). An edge already there (a night whose edge-down never ran)
 * is taken over as Terraform would, not created twice. Before a destroy it writes what it found
 * to RELAY_REHEARSAL_TF_EFFECTS_LOG, so a rehearsal can see what the night left behind.
 *   node --import tsx tools/rehearsals/nightly-account/terraform-effects.ts <apply|destroy> <stack id>
 */
import { appendFileSync } from 'node:fs';
import { loadTestTarget, resolveEnvironment } from '@relay/platform-config';
import { removeLoadTestTargetFromMoto, seedLoadTestTargetInMoto } from '@relay/fleet';
import { awsCli } from '@relay/emulators';

const [action = '', stackId = ''] = process.argv.slice(2);
const [component, ...rest] = stackId.split('-');

const aws = awsCli(process.env);

/** The edge's bounds and admission patterns as the night leaves them, or null where they are gone. */
function found(env: ReturnType<typeof resolveEnvironment>): { bounds: number[] | null; patterns: string[] | null } {
  const target = loadTestTarget(env);
  const { ScalableTargets = [] } = JSON.parse(
    aws('application-autoscaling', 'describe-scalable-targets', '--service-namespace', 'ecs', '--resource-ids', target.scalableTarget),
  ) as { ScalableTargets?: { MinCapacity: number; MaxCapacity: number }[] };
  const bounds = ScalableTargets[0] ? [ScalableTargets[0].MinCapacity, ScalableTargets[0].MaxCapacity] : null;
  if (!target.admission) return { bounds, patterns: null };
  try {
    const arn = (JSON.parse(aws('ssm', 'get-parameter', '--name', target.admission.setArnParameter)) as { Parameter: { Value: string } }).Parameter.Value;
    const [, name = '', id = ''] = /regexpatternset\/([^/]+)\/([^/]+)$/.exec(arn) ?? [];
    const set = JSON.parse(aws('wafv2', 'get-regex-pattern-set', '--scope', 'REGIONAL', '--name', name, '--id', id)) as {
      RegexPatternSet: { RegularExpressionList: { RegexString: string }[] };
    };
    return { bounds, patterns: set.RegexPatternSet.RegularExpressionList.map((r) => r.RegexString) };
  } catch {
    return { bounds, patterns: null };
  }
}

if (component === 'edge') {
  const env = resolveEnvironment(rest.join('-'));
  const target = loadTestTarget(env);
  if (action === 'apply') {
    const { LoadBalancers = [] } = JSON.parse(aws('elbv2', 'describe-load-balancers')) as { LoadBalancers?: { LoadBalancerName: string }[] };
    if (LoadBalancers.some((lb) => lb.LoadBalancerName === target.loadBalancer)) console.log(`(rehearsal) ${stackId}: taken over as last night left it`);
    else {
      seedLoadTestTargetInMoto(aws, env, process.env['RELAY_REHEARSAL_EDGE_URL']);
      console.log(`(rehearsal) ${stackId}: created in the emulated account`);
    }
  }
  if (action === 'destroy') {
    const log = process.env['RELAY_REHEARSAL_TF_EFFECTS_LOG'];
    if (log) appendFileSync(log, `${JSON.stringify({ action, stackId, found: found(env) })}\n`);
    console.log(`(rehearsal) ${stackId}: removed ${removeLoadTestTargetFromMoto(aws, env).join(', ') || 'nothing'}`);
  }
}
