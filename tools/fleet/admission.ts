import { randomBytes } from 'node:crypto';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { GetRegexPatternSetCommand, UpdateRegexPatternSetCommand, type WAFV2Client } from '@aws-sdk/client-wafv2';
import { FLEET_ADMISSION_CLOSED, FLEET_ADMISSION_HEADER, fleetAdmissionSecret, loadTestTarget, type Environment } from '@relay/platform-config';

/**
 * Admits one run's traffic past the target's WAF per-IP rate rule, and only that rule: a
 * 100,000 posts/s spike comes from a few dozen task IPs, which the rule (2,000 requests per 5
 * minutes per IP) would block within a second. The rule's scope-down leaves out requests whose
 * admission header matches the target stack's regex pattern set; for the run the set holds
 * exactly this run's secret (random, anchored), and the tasks read the secret from a
 * SecureString only their role and this one can read. Every other rule (IP reputation, known
 * bad inputs, the common rule set) still sees every request. Afterwards the set matches
 * nothing again and the secret is deleted: a secret that leaked is worth one run.
 */
export interface Admission {
  header: string;
  /** The SecureString the tasks read the secret from. */
  parameter: string;
  secret: string;
  setArn: string;
}

export class AdmissionError extends Error {}

/** The set's name and id, from its ARN (…:regional/regexpatternset/<name>/<id>). */
function setOf(arn: string): { Name: string; Id: string; Scope: 'REGIONAL' | 'CLOUDFRONT' } {
  const [, scope, name, id] = /:(regional|global)\/regexpatternset\/([^/]+)\/([^/]+)$/.exec(arn) ?? [];
  if (!name || !id) throw new AdmissionError(`not a WAF regex pattern set ARN: ${arn}`);
  return { Scope: scope === 'regional' ? 'REGIONAL' : 'CLOUDFRONT', Name: name, Id: id };
}

async function setPatterns(waf: WAFV2Client, arn: string, pattern: string): Promise<void> {
  const set = setOf(arn);
  // The lock token makes a concurrent change fail instead of being overwritten.
  const { LockToken } = await waf.send(new GetRegexPatternSetCommand(set));
  await waf.send(new UpdateRegexPatternSetCommand({ ...set, LockToken, RegularExpressionList: [{ RegexString: pattern }] }));
}

/** Opens admission for one run: a new secret in SSM, then the set matching exactly it. */
export async function admitFleet(env: Environment, clients: { ssm: SSMClient; waf: WAFV2Client }): Promise<Admission> {
  const target = loadTestTarget(env);
  if (!target.admission) throw new AdmissionError(`${env.name}'s load-test target has no WAF to admit the fleet past`);
  const { setArnParameter } = target.admission;
  const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: setArnParameter })).catch((error: unknown) => {
    throw new AdmissionError(`reading ${setArnParameter} failed (${(error as Error).name}): is ${target.stack}-${env.name} applied with its fleet exemption?`);
  });
  const setArn = Parameter?.Value ?? '';
  setOf(setArn);
  // Hex only: nothing in it is special to the WAF's regex engine.
  const secret = randomBytes(24).toString('hex');
  const parameter = fleetAdmissionSecret(env);
  await clients.ssm.send(new PutParameterCommand({ Name: parameter, Type: 'SecureString', Value: secret, Overwrite: true }));
  await setPatterns(clients.waf, setArn, `^${secret}$`);
  return { header: FLEET_ADMISSION_HEADER, parameter, secret, setArn };
}

/** Closes it: the set matches nothing, the secret is gone. Both are attempted even when one fails. */
export async function closeAdmission(admission: Pick<Admission, 'parameter' | 'setArn'>, clients: { ssm: SSMClient; waf: WAFV2Client }): Promise<void> {
  const results = await Promise.allSettled([
    setPatterns(clients.waf, admission.setArn, FLEET_ADMISSION_CLOSED),
    clients.ssm.send(new DeleteParameterCommand({ Name: admission.parameter })).catch((error: unknown) => {
      if ((error as Error).name !== 'ParameterNotFound') throw error;
    }),
  ]);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
  if (failed.length > 0) throw new AdmissionError(`closing the fleet's admission failed: ${failed.join('; ')}`);
}
