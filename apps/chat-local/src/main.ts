import { parseArgs } from 'node:util';
import { startLocalRuntime, type HandlerSource } from '@relay/chat-local-runtime';

/** `npm start`: the whole chat on 127.0.0.1, no AWS account needed. Ctrl-C stops it cleanly. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env['RELAY_LOCAL_PORT'] ?? '8080' },
      handlers: { type: 'string', default: 'source' },
      'log-level': { type: 'string', default: 'INFO' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (values.handlers !== 'source' && values.handlers !== 'artifact') {
    throw new Error(`--handlers must be "source" or "artifact", got ${values.handlers}`);
  }

  const runtime = await startLocalRuntime({
    gatewayPort: port,
    handlers: values.handlers as HandlerSource,
    logLevel: values['log-level'],
  });
  const token = await runtime.issueToken('demo-user', 'Demo User');
  console.log(
    [
      'Relay local chat is up (127.0.0.1 only)',
      `  WebSocket API     ${runtime.wsUrl}?token=<jwt>`,
      `  @connections API  ${runtime.managementEndpoint}/@connections/{connectionId}`,
      `  DynamoDB (local)  ${runtime.dynamoEndpoint}`,
      `  tables            ${Object.values(runtime.tables).join(', ')}`,
      `  handlers          ${values.handlers}`,
      '',
      `  demo token        ${token}`,
      `  try               npx wscat -c '${runtime.wsUrl}?token=${token}'`,
      `                    > {"action":"join","roomId":"lobby"}`,
      `                    > {"action":"send","roomId":"lobby","clientMessageId":"m1","body":"hello"}`,
    ].join('\n'),
  );

  const shutdown = async (signal: string) => {
    console.log(`\n${signal}: stopping local runtime`);
    await runtime.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
