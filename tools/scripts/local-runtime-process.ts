/**
 * The local stack (chat runtime and broadcast service) in its own process for benchmarks and
 * load tests, so the load generator and the system under test do not share an event loop.
 * Speaks a tiny IPC protocol with its parent (local-runtime-client.ts).
 */
import { startLocalStack } from '@relay/local-stack';

type Command = { id: number; op: 'counts' | 'reset' | 'settle' | 'stop' };

async function main(): Promise<void> {
  const stack = await startLocalStack({ logLevel: 'ERROR', web: false });
  const { runtime } = stack;
  const send = (message: unknown) => process.send?.(message);
  process.on('message', async ({ id, op }: Command) => {
    if (op === 'counts') send({ id, result: runtime.dynamoCalls() });
    if (op === 'reset') send({ id, result: runtime.resetDynamoCalls() });
    if (op === 'settle') send({ id, result: await runtime.settle() });
    if (op === 'stop') {
      await stack.stop();
      send({ id, result: null });
      process.exit(0);
    }
  });
  send({ ready: { wsUrl: runtime.wsUrl, broadcastUrl: stack.broadcast.url } });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
