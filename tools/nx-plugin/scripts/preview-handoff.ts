/**
 * The hand-off between the two halves of a preview (docs/security-model.md, "PR to dev"):
 * preview.yml builds a pull request's Lambda zips with no AWS access at all; preview-deploy.yml,
 * whose definition always comes from main, deploys them with dev's deploy role. Nothing the
 * pull request wrote decides anything here:
 *   decide: what to do, from GitHub's own record of the run and of the pull request;
 *   admit:  copies from the downloaded artifact exactly the zips main's stacks expect, each a
 *           regular file that is a zip, and nothing else (no paths, links or extra files).
 *   node --import tsx tools/nx-plugin/scripts/preview-handoff.ts decide   (env: RUN_JSON, PR_JSON)
 *   node --import tsx tools/nx-plugin/scripts/preview-handoff.ts admit <artifact dir> <dist/apps dir>
 */
import { copyFileSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, closeSync } from 'node:fs';
import path from 'node:path';
import { CHAT_FUNCTIONS } from '@relay/runtime-contract';
import { previewNameForBranch } from '@relay/platform-config';
import { runIfMain } from './run-if-main';

export const PREVIEW_LABEL = 'preview';

/** The parts of GitHub's workflow_run event that matter (github.event.workflow_run). */
export interface TriggeringRun {
  event: string;
  conclusion: string | null;
  head_sha: string;
  head_branch: string;
  head_repository: { full_name: string };
  repository: { full_name: string };
  pull_requests: { number: number }[];
}

/** The pull request as GitHub's REST API returns it now (GET /repos/{repo}/pulls/{number}). */
export interface PullRequest {
  number: number;
  state: 'open' | 'closed';
  labels: { name: string }[];
  head: { sha: string; ref: string };
}

export type Decision = { verb: 'open' | 'close'; preview: string; pr: number } | { verb: 'skip'; reason: string };

/**
 * What the privileged job does for a finished preview.yml run. A run from a fork is never
 * deployed (its branch name and code are a stranger's); a run for a commit that is no longer
 * the pull request's head is stale; an open pull request without the label gets nothing.
 */
export function decide(run: TriggeringRun, pr: PullRequest | undefined): Decision {
  if (run.event !== 'pull_request') return { verb: 'skip', reason: `triggered by ${run.event}, not a pull request` };
  if (run.head_repository.full_name !== run.repository.full_name) return { verb: 'skip', reason: 'the pull request comes from a fork' };
  if (!pr || !run.pull_requests.some((p) => p.number === pr.number)) return { verb: 'skip', reason: 'the run names no pull request of this repository' };
  const preview = previewNameForBranch(pr.head.ref);
  if (pr.state === 'closed') return { verb: 'close', preview, pr: pr.number };
  if (!pr.labels.some((l) => l.name === PREVIEW_LABEL)) return { verb: 'skip', reason: `pull request #${pr.number} is not labelled "${PREVIEW_LABEL}"` };
  if (run.conclusion !== 'success') return { verb: 'skip', reason: `the build ended "${String(run.conclusion)}"` };
  if (pr.head.sha !== run.head_sha) return { verb: 'skip', reason: `the run built ${run.head_sha}, the pull request is now at ${pr.head.sha}` };
  return { verb: 'open', preview, pr: pr.number };
}

const isZip = (file: string) => {
  const fd = openSync(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && magic.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  } finally {
    closeSync(fd);
  }
};

/** Every regular file and link below dir, as relative paths. */
function entries(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(prefix, e.name);
    return e.isDirectory() && !e.isSymbolicLink() ? entries(dir, rel) : [rel];
  });
}

/** Copies the expected <app>/<function>.zip files into dest; throws, naming them, on anything else. */
export function admit(artifactDir: string, dest: string): string[] {
  const expected = CHAT_FUNCTIONS.map((fn) => path.join(fn.app, `${fn.name}.zip`)).sort();
  const found = entries(artifactDir).sort();
  const unexpected = found.filter((f) => !expected.includes(f));
  const missing = expected.filter((f) => !found.includes(f));
  const bad = found.filter((f) => expected.includes(f) && (!lstatSync(path.join(artifactDir, f)).isFile() || !isZip(path.join(artifactDir, f))));
  const problems = [...unexpected.map((f) => `unexpected ${f}`), ...missing.map((f) => `missing ${f}`), ...bad.map((f) => `${f} is not a regular zip file`)];
  if (problems.length > 0) throw new Error(`the preview artifact is refused: ${problems.join('; ')}`);
  for (const file of expected) {
    mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    copyFileSync(path.join(artifactDir, file), path.join(dest, file));
  }
  return expected;
}

function main(): void {
  const [verb, ...args] = process.argv.slice(2);
  if (verb === 'decide') {
    const run = JSON.parse(process.env['RUN_JSON'] ?? 'null') as TriggeringRun | null;
    if (!run) throw new Error('RUN_JSON (github.event.workflow_run) is required');
    const prJson = process.env['PR_JSON'];
    const decision = decide(run, prJson ? (JSON.parse(prJson) as PullRequest) : undefined);
    // Key=value lines for $GITHUB_OUTPUT; the reason goes to the log.
    if (decision.verb === 'skip') {
      console.error(`nothing to do: ${decision.reason}`);
      console.log('verb=skip');
    } else console.log([`verb=${decision.verb}`, `preview=${decision.preview}`, `pr=${decision.pr}`].join('\n'));
  } else if (verb === 'admit') {
    const [artifactDir, dest] = args;
    if (!artifactDir || !dest) throw new Error('usage: preview-handoff.ts admit <artifact dir> <dist/apps dir>');
    console.log(`admitted ${admit(artifactDir, dest).length} zips`);
  } else {
    throw new Error('usage: preview-handoff.ts <decide|admit> …');
  }
}

runIfMain(module, main);
