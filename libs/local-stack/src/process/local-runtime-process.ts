/**
 * The local stack (chat runtime and broadcast service) in its own process for benchmarks and
 * load tests, so the load generator and the system under test do not share an event loop.
 * Speaks a tiny IPC protocol with its parent (local-runtime-client.ts).
 */
import type { TokenSettings } from '@relay/chat-core';
import type { PostFaults } from '@relay/serverless-emulator';
import { startLocalStack } from '../local-stack';
import type { RuntimeOp } from './local-runtime-client';

type Command = { id: number; op: RuntimeOp; arg?: unknown };

async function main(): Promise<void> {
  // Handlers on threads of their own: the load test measures the emulated cloud, not one event loop.
  // RELAY_LOCAL_AUTH (JSON TokenSettings): sign and verify as a deployed env does, for rehearsals of its operations.
  const auth = process.env['RELAY_LOCAL_AUTH'] ? (JSON.parse(process.env['RELAY_LOCAL_AUTH']) as TokenSettings) : undefined;
  const stack = await startLocalStack({ auth, logLevel: 'ERROR', placement: { workerThreads: Number(process.env['RELAY_HANDLER_THREADS'] ?? 1) } });
  const { runtime } = stack;
  const send = (message: unknown) => process.send?.(message);
  // A parent that dies (or is killed) must not leave the stack running.
  process.on('disconnect', () => void stack.stop().finally(() => process.exit(0)));
  process.on('message', async ({ id, op, arg }: Command) => {
    if (op === 'counts') send({ id, result: runtime.dynamoCalls() });
    if (op === 'reset') send({ id, result: runtime.resetDynamoCalls() });
    if (op === 'settle') send({ id, result: await runtime.settle() });
    if (op === 'faults') send({ id, result: runtime.gateway.setFaults(arg as PostFaults) });
    // This process's CPU so far (user + system, ms): benchmarks divide it by the work done.
    if (op === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ id, result: (user + system) / 1000 });
    }
    if (op === 'info') {
      send({
        id,
        result: {
          managementEndpoint: runtime.managementEndpoint,
          credentials: runtime.gateway.managementCredentials,
          dynamoEndpoint: runtime.dynamoEndpoint,
          tables: runtime.tables,
          queueWorkers: runtime.queue.maxConcurrency,
        },
      });
    }
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
