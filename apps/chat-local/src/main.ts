import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { HandlerSource } from '@relay/serverless-emulator';
import { humanLogStream, startLocalStack } from '@relay/local-stack';
import { CATALOGUE } from '@relay/platform-config';
import { builtWebClient } from './web-client';

const USAGE = `npm start -- [options]: the whole product on 127.0.0.1 (chat, broadcast API, web client)

  --port N             WebSocket API port (default 8080, or $RELAY_LOCAL_PORT)
  --broadcast-port N   broadcast REST API port (default 8081)
  --web-port N         web client port (default 8082)
  --free-ports         put every port on a free one (for a second copy, or a busy machine)
  --handlers KIND      source (default): the TypeScript handlers; artifact: the built bundles in dist/
  --stage-throttle ENV the WebSocket stage throttle to mirror: an environment's (default dev:
                       200 requests/s, burst 500, shared by every socket) or off
  --log-level LEVEL    handler log level: DEBUG, INFO (default), WARN, ERROR
  --log-format FORMAT  human (default in a terminal: one readable line per log entry) or json
                       (default otherwise: the JSON lines CloudWatch gets)
  --help               this text`;

/** `npm start`: the whole product on 127.0.0.1, no AWS account needed. Ctrl-C stops it cleanly. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env['RELAY_LOCAL_PORT'] ?? '8080' },
      'broadcast-port': { type: 'string', default: '8081' },
      'web-port': { type: 'string', default: '8082' },
      'free-ports': { type: 'boolean', default: false },
      handlers: { type: 'string', default: 'source' },
      'stage-throttle': { type: 'string', default: 'dev' },
      'log-level': { type: 'string', default: 'INFO' },
      'log-format': { type: 'string', default: process.stdout.isTTY ? 'human' : 'json' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values['log-format'] !== 'human' && values['log-format'] !== 'json') {
    throw new Error(`--log-format must be "human" or "json", got ${values['log-format']}`);
  }
  if (values['log-format'] === 'human') return runWithHumanLogs();
  if (values['free-ports']) Object.assign(values, { port: '0', 'broadcast-port': '0', 'web-port': '0' });
  const portOf = (flag: string, value: string) => {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--${flag} must be 0-65535, got ${value}`);
    return port;
  };
  const port = portOf('port', values.port);
  if (values.handlers !== 'source' && values.handlers !== 'artifact') {
    throw new Error(`--handlers must be "source" or "artifact", got ${values.handlers}`);
  }

  const throttleEnv = values['stage-throttle'];
  const envs = Object.keys(CATALOGUE) as (keyof typeof CATALOGUE)[];
  if (throttleEnv !== 'off' && !envs.includes(throttleEnv as keyof typeof CATALOGUE)) {
    throw new Error(`--stage-throttle must be one of ${[...envs, 'off'].join(', ')}, got ${throttleEnv}`);
  }
  const stageThrottle = throttleEnv === 'off' ? undefined : CATALOGUE[throttleEnv as keyof typeof CATALOGUE].webSocket;

  const stack = await startLocalStack({
    stageThrottle,
    gatewayPort: port,
    broadcastPort: portOf('broadcast-port', values['broadcast-port']),
    webPort: portOf('web-port', values['web-port']),
    handlers: values.handlers as HandlerSource,
    logLevel: values['log-level'],
    web: builtWebClient(),
  });
  const { runtime } = stack;
  const token = await runtime.issueToken('demo-user', 'Demo User');
  const artistToken = await runtime.issueToken('demo-artist', 'Demo Artist', ['artist']);
  console.log(
    [
      'Relay is up locally (127.0.0.1 only)',
      `  web client        ${stack.webUrl}/?room=lobby&user=alice`,
      `  WebSocket API     ${runtime.wsUrl}?token=<jwt>`,
      `  broadcast API     ${stack.broadcast.url}/v1/artists/{artistId}/posts`,
      `  @connections API  ${runtime.managementEndpoint}/@connections/{connectionId}`,
      `  DynamoDB (local)  ${runtime.dynamoEndpoint}`,
      `  tables            ${Object.values(runtime.tables).join(', ')}`,
      `  handlers          ${values.handlers} on node ${process.version}`,
      `  stage throttle    ${stageThrottle ? `${throttleEnv}'s: ${stageThrottle.rateLimit} requests/s, burst ${stageThrottle.burstLimit}` : 'off'}`,
      '',
      `  demo token        ${token}`,
      `  try               npx wscat -c '${runtime.wsUrl}?token=${token}'`,
      `                    > {"action":"join","roomId":"lobby"}`,
      `                    > {"action":"send","roomId":"lobby","clientMessageId":"m1","body":"hello"}`,
      '',
      `  artist token      ${artistToken}`,
      `  post as the artist (followers in room artist-demo-artist receive it):`,
      `                    curl -sS -X POST '${stack.broadcast.url}/v1/artists/demo-artist/posts' \\`,
      `                      -H 'authorization: Bearer ${artistToken}' -H 'content-type: application/json' \\`,
      `                      -H 'idempotency-key: first-post' -d '{"body":"new single out now"}'`,
      `                    web: ${stack.webUrl}/?room=artist-demo-artist&user=fan`,
    ].join('\n'),
  );

  const shutdown = async (signal: string) => {
    console.log(`\n${signal}: stopping local runtime`);
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * The stack logs JSON (Powertools, pino), some of it straight to file descriptor 1: so the
 * readable mode runs this same program as a child with --log-format json and renders its
 * output, passing signals through so Ctrl-C still stops it cleanly.
 */
function runWithHumanLogs(): void {
  const args = [
    ...process.execArgv,
    process.argv[1] ?? '',
    ...process.argv.slice(2).filter((a, i, all) => a !== '--log-format' && all[i - 1] !== '--log-format' && !a.startsWith('--log-format=')),
    '--log-format',
    'json',
  ];
  const child = spawn(process.execPath, args, { stdio: ['inherit', 'pipe', 'inherit'] });
  child.stdout.pipe(humanLogStream(Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'])).pipe(process.stdout);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error: unknown) => {
  const { code, port } = (error ?? {}) as { code?: string; port?: number };
  if (code === 'EADDRINUSE') {
    console.error(
      `port ${port ?? ''} is already in use (another npm start?): stop it, choose ports with --port/--broadcast-port/--web-port, or run with --free-ports`,
    );
  } else if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
