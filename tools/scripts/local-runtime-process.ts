/**
 * The local runtime in its own process for benchmarks, so the load generator and the system
 * under test do not share an event loop. Speaks a tiny IPC protocol with its parent.
 */
import { startLocalRuntime } from '@relay/chat-local-runtime';

type Command = { id: number; op: 'counts' | 'reset' | 'settle' | 'stop' };

async function main(): Promise<void> {
  const runtime = await startLocalRuntime({ logLevel: 'ERROR' });
  const send = (message: unknown) => process.send?.(message);
  process.on('message', async ({ id, op }: Command) => {
    if (op === 'counts') send({ id, result: runtime.dynamoCalls() });
    if (op === 'reset') send({ id, result: runtime.resetDynamoCalls() });
    if (op === 'settle') send({ id, result: await runtime.settle() });
    if (op === 'stop') {
      await runtime.stop();
      send({ id, result: null });
      process.exit(0);
    }
  });
  send({ ready: { wsUrl: runtime.wsUrl } });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
