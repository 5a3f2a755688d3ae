import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FLEET_ADMISSION_CLOSED, FLEET_ADMISSION_HEADER } from '@relay/platform-config';
import { everythingStackCount, synthesizeInto } from '@relay/emulators';
import { runCheckov, type CheckovReport } from './checkov';
import { writeCheckovReport } from './report';

/** Every environment's stacks and one preview's, as `nx run stacks:synth` writes them. */
const outdir = mkdtempSync(path.join(tmpdir(), 'relay-checkov-synth-'));
let report: CheckovReport;

beforeAll(() => {
  synthesizeInto(outdir);
  synthesizeInto(outdir, { RELAY_PREVIEW: 'erin' });
  const started = performance.now();
  report = runCheckov(outdir);
  writeCheckovReport(report, (performance.now() - started) / 1000);
}, 300_000);

describe('checkov over every synthesized stack', () => {
  it('reads every stack: no parsing error, nothing skipped', () => {
    expect(report.parsingErrors).toEqual([]);
    expect(report.stacks).toHaveLength(everythingStackCount());
    expect(report.passed).toBeGreaterThan(500);
  });

  it('has zero open findings: each failed check is an accepted, reasoned exception for that check and resource', () => {
    expect(report.open.map((f) => `${f.check} ${f.stack} ${f.resource}: ${f.name}`)).toEqual([]);
    expect(report.accepted.length + report.open.length).toBe(report.failed.length);
  });

  it('carries no stale exception', () => {
    expect(report.unused.map((e) => `${e.check} ${e.stack} ${e.resource}`)).toEqual([]);
  });

  it('finds in place the controls that re-argued exceptions name', () => {
    const stack = (id: string) =>
      JSON.parse(readFileSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    // CKV2_AWS_76: each ALB's web ACL limits every address by rate (prod's front door, and the
    // nightly's load-test edge which is its copy).
    const withLoadBalancers = readdirSync(path.join(outdir, 'stacks')).filter((id) => stack(id).resource['aws_lb']);
    expect(withLoadBalancers.sort()).toEqual(['edge-stag', 'platform-prod']);
    for (const id of withLoadBalancers) {
      const acls = Object.values(stack(id).resource['aws_wafv2_web_acl'] ?? {});
      const rules = acls.flatMap((acl) => acl['rule'] as { statement: { rate_based_statement?: { aggregate_key_type: string } } }[]);
      expect({ id, perIpRate: rules.some((r) => r.statement.rate_based_statement?.aggregate_key_type === 'IP') }).toEqual({ id, perIpRate: true });
    }
    // The fleet's admission narrows only the rate rule, only where a fleet runs (stag's edge), and
    // only for a header matching the exemption set, which Terraform leaves to the orchestrator.
    const stag = stack('edge-stag').resource;
    const [set] = Object.entries(stag['aws_wafv2_regex_pattern_set'] ?? {});
    expect(set?.[1]).toMatchObject({ regular_expression: [{ regex_string: FLEET_ADMISSION_CLOSED }], lifecycle: { ignore_changes: ['regular_expression'] } });
    const [stagAcl] = Object.values(stag['aws_wafv2_web_acl'] ?? {});
    const scoped = (stagAcl!['rule'] as { name: string; statement: Record<string, Record<string, unknown>> }[]).map((r) => [
      r.name,
      JSON.stringify(Object.values(r.statement)[0]?.['scope_down_statement'] ?? null),
    ]);
    expect(Object.fromEntries(scoped)).toEqual({
      'rate-limit-per-ip': JSON.stringify({
        not_statement: {
          statement: {
            regex_pattern_set_reference_statement: {
              arn: `\${aws_wafv2_regex_pattern_set.${set![0]}.arn}`,
              field_to_match: { single_header: { name: FLEET_ADMISSION_HEADER } },
              text_transformation: [{ priority: 0, type: 'NONE' }],
            },
          },
        },
      }),
      AWSManagedRulesAmazonIpReputationList: 'null',
      AWSManagedRulesKnownBadInputsRuleSet: 'null',
      AWSManagedRulesCommonRuleSet: 'null',
    });
    const [logging] = Object.values(stag['aws_wafv2_web_acl_logging_configuration'] ?? {});
    expect(JSON.stringify(logging!['redacted_fields'])).toContain(FLEET_ADMISSION_HEADER);
    expect(JSON.stringify(stack('platform-prod').resource)).not.toMatch(/regex_pattern_set|fleet-admission/);
    // CKV_AWS_272: the only role that can update function code trusts definitions on main only.
    for (const id of ['bootstrap-dev', 'bootstrap-stag', 'bootstrap-prod']) {
      const deploy = Object.values(stack(id).resource['aws_iam_role'] ?? {}).find((r) => r['name'] === 'relay-deploy')!;
      const subjects = (
        JSON.parse(String(deploy['assume_role_policy'])) as { Statement: { Condition: { StringLike: Record<string, string[]> } }[] }
      ).Statement.flatMap((st) => Object.values(st.Condition.StringLike).flat());
      expect({ id, outsideMain: subjects.filter((sub) => !sub.endsWith('@refs/heads/main')) }).toEqual({ id, outsideMain: [] });
    }
  });

  it('fails a stack that regresses: plain HTTP in front of prod, an unencrypted bucket', () => {
    const broken = mkdtempSync(path.join(tmpdir(), 'relay-checkov-broken-'));
    cpSync(path.join(outdir, 'stacks', 'platform-prod'), path.join(broken, 'stacks', 'platform-prod'), { recursive: true });
    const file = path.join(broken, 'stacks', 'platform-prod', 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const listeners = json.resource['aws_lb_listener']!;
    const [httpsName] = Object.entries(listeners).find(([, l]) => l['protocol'] === 'HTTPS')!;
    listeners[httpsName] = { ...listeners[httpsName], port: 80, protocol: 'HTTP', ssl_policy: undefined, certificate_arn: undefined };
    json.resource['aws_s3_bucket'] = { extra: { bucket: 'relay-prod-extra' } };
    writeFileSync(file, JSON.stringify(json));
    const regressed = runCheckov(broken);
    const open = regressed.open.map((f) => f.check);
    expect(open).toEqual(expect.arrayContaining(['CKV_AWS_2', 'CKV_AWS_103']));
    expect(regressed.open.some((f) => f.resource.includes('aws_s3_bucket.extra'))).toBe(true);
  }, 120_000);
});
