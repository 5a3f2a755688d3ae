import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synthesizeInto } from '../synthesized-stacks';
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
    expect(report.stacks).toHaveLength(13);
    expect(report.passed).toBeGreaterThan(500);
  });

  it('has zero open findings: each failed check is an accepted, reasoned exception for that check and resource', () => {
    expect(report.open.map((f) => `${f.check} ${f.stack} ${f.resource}: ${f.name}`)).toEqual([]);
    expect(report.accepted.length + report.open.length).toBe(report.failed.length);
  });

  it('carries no stale exception', () => {
    expect(report.unused.map((e) => `${e.check} ${e.stack} ${e.resource}`)).toEqual([]);
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
