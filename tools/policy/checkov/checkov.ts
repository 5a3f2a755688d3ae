import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureVenv } from '@relay/emulators';
import { CHECKOV_EXCEPTIONS, type CheckovException } from './exceptions';

export interface CheckovFinding {
  check: string;
  name: string;
  /** The stack folder, e.g. platform-prod. */
  stack: string;
  /** type.name as checkov reports it. */
  resource: string;
}

export interface CheckovReport {
  version: string;
  passed: number;
  failed: CheckovFinding[];
  /** Failed checks an exception covers, with its reason. */
  accepted: (CheckovFinding & { reason: string })[];
  /** Findings no exception covers: each one fails the gate. */
  open: CheckovFinding[];
  /** Exceptions that matched nothing: stale, and a gate that excuses nothing is a defect. */
  unused: CheckovException[];
  parsingErrors: string[];
  stacks: string[];
}

/**
 * Top-level blocks checkov's terraform_json parser cannot read: it treats every top-level
 * block as labelled, and a `removed` block (which forgets a resource from state) has no label.
 * They hold no resource, so checkov sees each stack without them.
 */
const UNPARSEABLE_BLOCKS = ['removed'];
/** Likewise inside the `terraform` block, where it expects only nested blocks: required_version is a plain string. */
const UNPARSEABLE_TERRAFORM_SETTINGS = ['required_version'];

/**
 * Runs pinned checkov (tools/policy/checkov/requirements.txt, in a venv under .tools/) over every
 * synthesized stack in `<outdir>/stacks` with the terraform_json framework, and sorts each
 * failed check into accepted (a per-check, per-resource exception with a reason) or open.
 */
export function runCheckov(synthOutdir: string): CheckovReport {
  const bin = ensureVenv('checkov', path.resolve(__dirname, 'requirements.txt'));
  const stacksDir = path.join(synthOutdir, 'stacks');
  const stacks = readdirSync(stacksDir).sort();
  if (stacks.length === 0) throw new Error(`no synthesized stacks in ${stacksDir}`);
  const scanDir = mkdtempSync(path.join(tmpdir(), 'relay-checkov-'));
  for (const stack of stacks) {
    const json = JSON.parse(readFileSync(path.join(stacksDir, stack, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>;
    for (const block of UNPARSEABLE_BLOCKS) delete json[block];
    const settings = json['terraform'] as Record<string, unknown> | undefined;
    for (const setting of UNPARSEABLE_TERRAFORM_SETTINGS) delete settings?.[setting];
    mkdirSync(path.join(scanDir, stack));
    writeFileSync(path.join(scanDir, stack, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  }
  const result = spawnSync(
    path.join(bin, 'checkov'),
    ['-d', scanDir, '--framework', 'terraform_json', '-o', 'json', '--quiet', '--compact', '--skip-download'],
    {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false' },
    },
  );
  // checkov exits 1 when any check fails; anything else, or no JSON, is a broken run.
  if (result.status !== 0 && result.status !== 1) throw new Error(`checkov failed (exit ${result.status}):\n${result.stderr.slice(-4000)}`);
  const parsed = JSON.parse(result.stdout) as CheckovJson | CheckovJson[];
  const runs = Array.isArray(parsed) ? parsed : [parsed];
  const failed: CheckovFinding[] = [];
  let passed = 0;
  let version = '';
  const parsingErrors: string[] = [];
  for (const run of runs) {
    version = run.summary.checkov_version;
    passed += run.summary.passed;
    parsingErrors.push(...(run.results.parsing_errors ?? []));
    for (const f of run.results.failed_checks) {
      failed.push({ check: f.check_id, name: f.check_name, stack: path.relative(scanDir, f.file_abs_path).split(path.sep)[0] ?? '', resource: f.resource });
    }
  }
  if (result.stderr.includes('Failed to parse template')) {
    parsingErrors.push(...[...result.stderr.matchAll(/Failed to parse template: (\S+)/g)].map((m) => m[1] ?? ''));
  }
  const used = new Set<CheckovException>();
  const accepted: CheckovReport['accepted'] = [];
  const open: CheckovFinding[] = [];
  for (const finding of failed) {
    const exception = CHECKOV_EXCEPTIONS.find((e) => e.check === finding.check && e.stack.test(finding.stack) && e.resource.test(finding.resource));
    if (exception) {
      used.add(exception);
      accepted.push({ ...finding, reason: exception.reason });
    } else {
      open.push(finding);
    }
  }
  return { version, passed, failed, accepted, open, unused: CHECKOV_EXCEPTIONS.filter((e) => !used.has(e)), parsingErrors, stacks };
}

interface CheckovJson {
  summary: { passed: number; failed: number; checkov_version: string };
  results: {
    failed_checks: { check_id: string; check_name: string; resource: string; file_abs_path: string }[];
    parsing_errors?: string[];
  };
}
