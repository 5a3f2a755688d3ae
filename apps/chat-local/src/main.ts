import { parseArgs } from 'node:util';
import type { HandlerSource } from '@relay/chat-local-runtime';
import { startLocalStack } from '@relay/local-stack';

/** `npm start`: the whole product on 127.0.0.1, no AWS account needed. Ctrl-C stops it cleanly. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env['RELAY_LOCAL_PORT'] ?? '8080' },
      'broadcast-port': { type: 'string', default: '8081' },
      'web-port': { type: 'string', default: '8082' },
      handlers: { type: 'string', default: 'source' },
      'log-level': { type: 'string', default: 'INFO' },
    },
  });
  const portOf = (flag: string, value: string) => {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--${flag} must be 0-65535, got ${value}`);
    return port;
  };
  const port = portOf('port', values.port);
  if (values.handlers !== 'source' && values.handlers !== 'artifact') {
    throw new Error(`--handlers must be "source" or "artifact", got ${values.handlers}`);
  }

  const stack = await startLocalStack({
    gatewayPort: port,
    broadcastPort: portOf('broadcast-port', values['broadcast-port']),
    webPort: portOf('web-port', values['web-port']),
    handlers: values.handlers as HandlerSource,
    logLevel: values['log-level'],
  });
  const { runtime } = stack;
  const token = await runtime.issueToken('demo-user', 'Demo User');
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
      '',
      `  demo token        ${token}`,
      `  try               npx wscat -c '${runtime.wsUrl}?token=${token}'`,
      `                    > {"action":"join","roomId":"lobby"}`,
      `                    > {"action":"send","roomId":"lobby","clientMessageId":"m1","body":"hello"}`,
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
