import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { startLocalStack } from '@relay/local-stack';

/**
 * Starts the local stack (no web client), then lets schemathesis generate requests from the
 * broadcast service's OpenAPI document, once as the artist `star` and once as a follower, and
 * exits with schemathesis's status. Reports go to reports/schemathesis/.
 */
async function main(): Promise<number> {
  const [binary, ...extra] = process.argv.slice(2);
  if (!binary) throw new Error('usage: contract.ts <schemathesis binary> [schemathesis options]');
  const stack = await startLocalStack({ logLevel: 'ERROR' });
  try {
    const identities = [
      ['artist', await stack.runtime.issueToken('star', 'Star', ['artist'])],
      ['follower', await stack.runtime.issueToken('fan', 'Fan')],
    ] as const;
    let status = 0;
    for (const [who, token] of identities) {
      const reports = `reports/schemathesis/${who}`;
      rmSync(reports, { recursive: true, force: true });
      mkdirSync(reports, { recursive: true });
      console.log(`== schemathesis as the ${who}`);
      const args = [
        '--config-file',
        'tools/contract/schemathesis.toml',
        'run',
        `${stack.broadcast.url}/openapi.json`,
        '--header',
        `Authorization: Bearer ${token}`,
        '--max-examples',
        process.env['SCHEMATHESIS_MAX_EXAMPLES'] ?? '40',
        '--seed',
        process.env['SCHEMATHESIS_SEED'] ?? '1',
        '--report',
        'junit',
        '--report-dir',
        reports,
        '--no-color',
        ...extra,
      ];
      const code = await new Promise<number>((resolve) => {
        const child = spawn(binary, args, { stdio: 'inherit', env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } });
        child.once('exit', (c) => resolve(c ?? 1));
      });
      if (code !== 0) status = code;
    }
    return status;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
