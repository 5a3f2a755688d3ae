import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { dockerfileProblems } from './dockerfile-rules';

const root = path.resolve(__dirname, '../..');

describe('the broadcast image (apps/broadcast-api/Dockerfile)', () => {
  const text = readFileSync(path.join(root, 'apps/broadcast-api/Dockerfile'), 'utf8');

  it('pins its base by digest, runs as non-root with an exec-form CMD and a liveness HEALTHCHECK', () => {
    expect(dockerfileProblems(text)).toEqual([]);
  });

  it('gets a build context of the built output only (.dockerignore), not the workspace', () => {
    const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const copied = [...text.matchAll(/^COPY (?!--from)(\S+)/gm)].map((m) => m[1]!);
    expect(copied.length).toBeGreaterThan(0);
    for (const source of copied) expect(ignore).toContain(`!${source}`);
  });

  it('runs as the uid the task definition runs it as', () => {
    expect(text).toMatch(/^USER node$/m);
    // The node image's "node" user is uid 1000 (the task definition says user 1000:1000).
    expect(readFileSync(path.join(root, 'libs/infra-constructs/src/fargate-service.ts'), 'utf8')).toContain("user: '1000:1000'");
  });
});

describe('the k6 fleet image (loadtests/Dockerfile)', () => {
  const text = readFileSync(path.join(root, 'loadtests/Dockerfile'), 'utf8');

  it("pins its base by digest, runs as the task definition's uid with an exec-form CMD, and declares no probe", () => {
    expect(dockerfileProblems(text, 'task')).toEqual([]);
    expect(dockerfileProblems(text, 'service')).toEqual(['the HEALTHCHECK does not probe /health/live']);
    expect(text).toMatch(/^USER node$/m);
    expect(readFileSync(path.join(root, 'libs/infra-constructs/src/load-generator.ts'), 'utf8')).toContain("user: '1000:1000'");
  });

  it('gets a build context of what it copies only', () => {
    const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const copied = [...text.matchAll(/^COPY (?!--from)(\S+)/gm)].map((m) => m[1]!);
    expect(copied).toEqual(['dist/loadtests/fleet-task/', 'dist/loadtests/k6/', 'loadtests/src/']);
    for (const source of copied) expect(ignore).toContain(`!${source}`);
  });
});

describe('dockerfileProblems', () => {
  it('catches each class it exists for', () => {
    const bad = [
      'FROM node:24-slim AS build',
      'COPY . .',
      'FROM node:24-slim',
      'ADD https://example.com/tool.tgz /tmp/',
      'ENV API_TOKEN=abc',
      'CMD node main.js',
    ].join('\n');
    const problems = dockerfileProblems(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^FROM node:24-slim AS build: not pinned by digest/),
        expect.stringMatching(/^FROM node:24-slim: not pinned by digest/),
        'the final stage has no USER: it would run as root',
        expect.stringMatching(/^CMD node main.js: shell form/),
        'no HEALTHCHECK',
        expect.stringMatching(/^ADD https:\/\/example.com/),
        expect.stringMatching(/^ENV API_TOKEN=abc: a secret/),
      ]),
    );
    expect(dockerfileProblems('FROM node@sha256:' + 'a'.repeat(64) + '\nUSER root\nHEALTHCHECK CMD ["true"]\nCMD ["node"]')).toEqual([
      'the final stage runs as root',
      'the HEALTHCHECK does not probe /health/live',
    ]);
  });
});

describe('nx run broadcast-api:container without a container engine', () => {
  it('says SKIPPED and why, and does not exit as a success', () => {
    // PATH without docker: exactly the situation of this machine and of most CI runners' test jobs.
    const result = spawnSync('bash', [path.join(root, 'tools/nx-plugin/scripts/container-build.sh'), 'broadcast-api', 'test'], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp' },
    });
    expect(result.stdout).toMatch(/^SKIPPED: relay\/broadcast-api:test was not built: /);
    expect(result.status).toBe(3);
  });
});
