/**
 * npm run bench:fanout [-- --sizes 100,1000,5000 --messages 5]
 * One room of N connections; an artist posts; every member's delivery latency is measured
 * from just before the send frame leaves to the message frame's arrival. Prints DynamoDB
 * calls per message (send path + fan-out) and p50/p95/max delivery latency per N.
 */
import { parseArgs } from 'node:util';
import { signToken } from '@relay/chat-core';
import { ChatClient, LOCAL_AUTH } from '@relay/chat-local-runtime';
import { LocalRuntimeProcess } from '../scripts/local-runtime-client';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '100,1000,5000' }, messages: { type: 'string', default: '5' } },
});
const sizes = values.sizes.split(',').map(Number);
const messagesPerSize = Number(values.messages);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(messagesPerSize >= 1)) {
  throw new Error('--sizes takes positive integers, --messages a positive integer');
}

async function inBatches<T>(count: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => make(i + j)))));
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function benchSize(runtime: LocalRuntimeProcess, n: number) {
  const room = `bench-${n}`;
  const join = async (userId: string) => {
    const client = await ChatClient.connect(runtime.wsUrl, await signToken({ userId, name: userId }, LOCAL_AUTH));
    const ack = await client.request({ action: 'join', roomId: room }, 60_000);
    if (ack['type'] !== 'ack') throw new Error(`join failed: ${JSON.stringify(ack)}`);
    return client;
  };
  const followers = await inBatches(n, 100, (i) => join(`fan-${n}-${i}`));
  const artist = await join(`artist-${n}`);
  await runtime.call('settle');

  const latencies: number[] = [];
  let calls = 0;
  const byOperation: Record<string, number> = {};
  for (let m = 0; m < messagesPerSize; m++) {
    await runtime.call('reset');
    const id = `post-${m}`;
    const arrivals = followers.map((f) => f.next((x) => x['clientMessageId'] === id && x.type === 'message', 120_000));
    const t0 = performance.now();
    artist.sendRaw(JSON.stringify({ action: 'send', roomId: room, clientMessageId: id, body: `drop ${m}` }));
    await Promise.all(arrivals);
    for (const follower of followers) {
      const arrival = follower.frames.find((f) => f.frame['clientMessageId'] === id && f.frame.type === 'message');
      if (!arrival) throw new Error(`${id} resolved but was not recorded`);
      latencies.push(arrival.at - t0);
    }
    await runtime.call('settle');
    const counts = await runtime.call<Record<string, number>>('counts');
    for (const [op, c] of Object.entries(counts)) {
      byOperation[op] = (byOperation[op] ?? 0) + c;
      calls += c;
    }
  }
  await Promise.all([...followers, artist].map((c) => c.close()));
  await runtime.call('settle');
  latencies.sort((a, b) => a - b);
  const perMessage = (x: number) => (x / messagesPerSize).toFixed(1);
  return {
    n,
    callsPerMessage: perMessage(calls),
    breakdown: Object.entries(byOperation)
      .map(([op, c]) => `${op} ${perMessage(c)}`)
      .join(', '),
    p50: percentile(latencies, 50).toFixed(1),
    p95: percentile(latencies, 95).toFixed(1),
    max: (latencies.at(-1) ?? NaN).toFixed(1),
  };
}

async function main(): Promise<void> {
  const runtime = await LocalRuntimeProcess.start();
  console.log(`fan-out through the local runtime (${messagesPerSize} messages per size; runtime in its own process)`);
  console.log('connections  dynamo calls/msg  p50 ms   p95 ms   max ms   calls by operation');
  for (const n of sizes) {
    const r = await benchSize(runtime, n);
    console.log(
      `${String(r.n).padStart(11)}  ${r.callsPerMessage.padStart(16)}  ${r.p50.padStart(6)}  ${r.p95.padStart(7)}  ${r.max.padStart(7)}   ${r.breakdown}`,
    );
  }
  await runtime.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
