import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GITHUB_ENVIRONMENTS } from '@relay/platform-config';
import { applyEnvironments, githubApi, undeclaredEnvironments } from './github-environments';

/**
 * GitHub Environments as code, against a GitHub stand-in on 127.0.0.1. GitHub's API cannot be
 * reached from here and has no emulator: the stand-in answers the four routes the script uses
 * with the shapes of GitHub's REST documentation examples (not recorded responses), keeps the
 * branch policies it is given, and records every request so their shapes can be asserted.
 */
interface Call {
  method: string;
  url: string;
  body?: Record<string, unknown>;
}

function githubStandIn(options: { failPut?: string } = {}) {
  const calls: Call[] = [];
  const policies = new Map<string, { id: number; name: string; type: string }[]>([['prod', [{ id: 900, name: 'release/*', type: 'branch' }]]]);
  let nextId = 1;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      calls.push({ method: req.method ?? '', url: req.url ?? '', ...(body ? { body } : {}) });
      const send = (status: number, payload?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      };
      const team = /^\/orgs\/relay-chat\/teams\/([a-z-]+)$/.exec(req.url ?? '');
      const env = /^\/repos\/relay-chat\/relay\/environments\/([a-z]+)(\/deployment-branch-policies)?(?:\/(\d+))?$/.exec(req.url ?? '');
      if (team && req.method === 'GET')
        return team[1] === 'platform' ? send(200, { id: 42, slug: 'platform', name: 'Platform' }) : send(404, { message: 'Not Found' });
      if (!env) return send(404, { message: 'Not Found' });
      const [, name = '', sub, id] = env;
      if (!sub && req.method === 'PUT') return options.failPut === name ? send(422, { message: 'Validation Failed' }) : send(200, { id: 1, name });
      const list = policies.get(name) ?? [];
      if (sub && req.method === 'GET') return send(200, { total_count: list.length, branch_policies: list });
      if (sub && req.method === 'POST') {
        const policy = { id: nextId++, name: String(body?.['name']), type: String(body?.['type']) };
        policies.set(name, [...list, policy]);
        return send(200, policy);
      }
      if (sub && id && req.method === 'DELETE') {
        policies.set(
          name,
          list.filter((p) => p.id !== Number(id)),
        );
        return send(204);
      }
      return send(404, { message: 'Not Found' });
    });
  });
  return {
    calls,
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Collects the script's report lines instead of printing them. */
const report = () => {
  const lines: string[] = [];
  return Object.assign((line: string) => void lines.push(line), { lines });
};

describe('GitHub Environments as code', () => {
  it('declares every Environment the workflows name', () => {
    expect(undeclaredEnvironments(path.resolve(__dirname, '../../../.github/workflows'))).toEqual([]);
  });

  it('fails, naming it, on a workflow that names an undeclared Environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relay-workflows-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'x.yml'),
      'on: push\njobs:\n  go:\n    runs-on: ubuntu-latest\n    environment: { name: sandbox }\n    steps: [{ run: "true" }]\n',
    );
    expect(undeclaredEnvironments(dir)).toEqual(['sandbox (x.yml#go)']);
  });

  it('sets reviewers, self-review and branch policies, removes stray policies, and changes nothing when run again', async () => {
    const github = githubStandIn();
    const api = githubApi(await github.start(), 'test-token');
    try {
      const first = report();
      await applyEnvironments(api, 'relay-chat/relay', GITHUB_ENVIRONMENTS, first);
      expect(first.lines).toContain('prod: reviewers platform, self-review refused, branches main');
      const puts = github.calls.filter((c) => c.method === 'PUT');
      expect(puts.map((c) => c.url).sort()).toEqual(
        Object.keys(GITHUB_ENVIRONMENTS)
          .map((n) => `/repos/relay-chat/relay/environments/${n}`)
          .sort(),
      );
      const prod = puts.find((c) => c.url.endsWith('/prod'))!.body!;
      expect(prod).toEqual({
        prevent_self_review: true,
        reviewers: [{ type: 'Team', id: 42 }],
        deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
      });
      expect(puts.find((c) => c.url.endsWith('/preview'))!.body!['prevent_self_review']).toBe(true);
      // main is added everywhere; prod's stray release/* policy is deleted.
      expect(github.calls.filter((c) => c.method === 'POST').map((c) => [c.url.split('/')[5], c.body])).toEqual(
        Object.keys(GITHUB_ENVIRONMENTS).map((n) => [n, { name: 'main', type: 'branch' }]),
      );
      expect(github.calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([
        '/repos/relay-chat/relay/environments/prod/deployment-branch-policies/900',
      ]);

      github.calls.length = 0;
      await applyEnvironments(api, 'relay-chat/relay', GITHUB_ENVIRONMENTS, report());
      expect(github.calls.filter((c) => c.method === 'POST' || c.method === 'DELETE')).toEqual([]);
    } finally {
      await github.stop();
    }
  });

  it('stops with an error that names the call and GitHub’s answer', async () => {
    const github = githubStandIn({ failPut: 'prod' });
    const api = githubApi(await github.start(), 'test-token');
    try {
      await expect(applyEnvironments(api, 'relay-chat/relay', GITHUB_ENVIRONMENTS, report())).rejects.toThrow(
        /GitHub API PUT \/repos\/relay-chat\/relay\/environments\/prod answered 422: .*Validation Failed/,
      );
      await expect(
        applyEnvironments(api, 'relay-chat/relay', { x: { reviewerTeams: ['nobody'], preventSelfReview: true, branches: ['main'] } }, report()),
      ).rejects.toThrow(/GET \/orgs\/relay-chat\/teams\/nobody answered 404/);
    } finally {
      await github.stop();
    }
  });
});
