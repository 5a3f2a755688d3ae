/**
 * Creates or updates the repository's GitHub Environments from GITHUB_ENVIRONMENTS
 * (libs/platform-config/src/github-environments.ts) through GitHub's REST API:
 *   GH_TOKEN=… node --import tsx tools/nx-plugin/scripts/github-environments.ts apply [--dry-run]
 * For each Environment: PUT its required reviewers (teams, by id), prevent-self-review and a
 * custom deployment-branch policy; then add the branch policies it lacks and delete any other.
 * Running it twice changes nothing the second time. GITHUB_API_URL points it elsewhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { GITHUB_ENVIRONMENTS, GITHUB_REPOSITORY, type GithubEnvironment } from '@relay/platform-config';
import { runIfMain } from './run-if-main';

export interface GithubApi {
  request(method: string, route: string, body?: unknown): Promise<unknown>;
}

/** A small REST client: JSON in and out, a clear error naming the call on any non-2xx. */
export function githubApi(baseUrl: string, token: string): GithubApi {
  return {
    async request(method, route, body) {
      const response = await fetch(`${baseUrl.replace(/\/$/, '')}${route}`, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          'x-github-api-version': '2022-11-28',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`GitHub API ${method} ${route} answered ${response.status}: ${text.slice(0, 300)}`);
      return text ? (JSON.parse(text) as unknown) : undefined;
    },
  };
}

export async function applyEnvironments(
  api: GithubApi,
  repository = GITHUB_REPOSITORY,
  declared: Record<string, GithubEnvironment> = GITHUB_ENVIRONMENTS,
  log: (line: string) => void = console.log,
): Promise<void> {
  const [owner] = repository.split('/');
  const teamIds = new Map<string, number>();
  for (const slug of new Set(Object.values(declared).flatMap((e) => e.reviewerTeams))) {
    teamIds.set(slug, ((await api.request('GET', `/orgs/${owner}/teams/${slug}`)) as { id: number }).id);
  }
  for (const [name, env] of Object.entries(declared)) {
    const base = `/repos/${repository}/environments/${name}`;
    await api.request('PUT', base, {
      prevent_self_review: env.preventSelfReview,
      reviewers: env.reviewerTeams.map((slug) => ({ type: 'Team', id: teamIds.get(slug) })),
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
    const existing = ((await api.request('GET', `${base}/deployment-branch-policies`)) as { branch_policies: { id: number; name: string; type?: string }[] })
      .branch_policies;
    for (const branch of env.branches.filter((b) => !existing.some((p) => p.name === b && (p.type ?? 'branch') === 'branch'))) {
      await api.request('POST', `${base}/deployment-branch-policies`, { name: branch, type: 'branch' });
    }
    for (const stray of existing.filter((p) => !env.branches.includes(p.name) || (p.type ?? 'branch') !== 'branch')) {
      await api.request('DELETE', `${base}/deployment-branch-policies/${stray.id}`);
    }
    log(
      `${name}: reviewers ${env.reviewerTeams.join(', ') || 'none'}, self-review ${env.preventSelfReview ? 'refused' : 'allowed'}, branches ${env.branches.join(', ')}`,
    );
  }
}

/** Environments that a workflow's job names but GITHUB_ENVIRONMENTS does not declare. */
export function undeclaredEnvironments(workflowsDir: string, declared: Record<string, GithubEnvironment> = GITHUB_ENVIRONMENTS): string[] {
  const named = readdirSync(workflowsDir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .flatMap((file) => {
      const doc = parse(readFileSync(path.join(workflowsDir, file), 'utf8')) as { jobs?: Record<string, { environment?: string | { name: string } }> };
      return Object.entries(doc.jobs ?? {}).flatMap(([job, config]) => {
        const env = typeof config.environment === 'object' ? config.environment.name : config.environment;
        return env === undefined ? [] : [`${env} (${file}#${job})`];
      });
    });
  return named.filter((entry) => !((entry.split(' ')[0] ?? '') in declared));
}

async function main(): Promise<void> {
  const [verb, ...flags] = process.argv.slice(2);
  if (verb !== 'apply') throw new Error('usage: github-environments.ts apply [--dry-run]');
  const undeclared = undeclaredEnvironments(path.resolve(__dirname, '../../../.github/workflows'));
  if (undeclared.length > 0) throw new Error(`workflows name Environments that are not declared: ${undeclared.join(', ')}`);
  if (flags.includes('--dry-run')) {
    for (const [name, env] of Object.entries(GITHUB_ENVIRONMENTS)) console.log(`would set ${name}: ${JSON.stringify(env)}`);
    return;
  }
  const token = process.env['GH_TOKEN'] ?? process.env['GITHUB_TOKEN'];
  if (!token) throw new Error('GH_TOKEN (a token that may administer the repository) is required');
  await applyEnvironments(githubApi(process.env['GITHUB_API_URL'] ?? 'https://api.github.com', token));
}

runIfMain(module, main);
