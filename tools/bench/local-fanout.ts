import { signToken } from '@relay/chat-core';
import { ChatClient } from '@relay/serverless-emulator';
import { LOCAL_AUTH } from '@relay/platform-config';
import type { LocalRuntimeProcess } from '@relay/local-stack';

/** Fan-out through the local runtime, measured from the outside: shared by bench:fanout's modes. */
async function inBatches<T>(count: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => make(i + j)))));
  }
  return out;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export interface BenchRoom {
  room: string;
  followers: ChatClient[];
  artist: ChatClient;
  close(): Promise<void>;
}

/** N followers and an artist, joined for real (in waves of 100, as an audience arrives). */
export async function joinRoom(runtime: LocalRuntimeProcess, room: string, n: number): Promise<BenchRoom> {
  const join = async (userId: string) => {
    const client = await ChatClient.connect(runtime.wsUrl, await signToken({ userId, name: userId }, LOCAL_AUTH));
    const ack = await client.request({ action: 'join', roomId: room }, 60_000);
    if (ack['type'] !== 'ack') throw new Error(`join failed: ${JSON.stringify(ack)}`);
    return client;
  };
  const followers = await inBatches(n, 100, (i) => join(`${room}-fan-${i}`));
  const artist = await join(`${room}-artist`);
  await runtime.call('settle');
  return {
    room,
    followers,
    artist,
    async close() {
      // In waves, as an audience leaves: 5,000 $disconnects at once would only measure dynalite's queue.
      const everyone = [...followers, artist];
      for (let i = 0; i < everyone.length; i += 200) await Promise.all(everyone.slice(i, i + 200).map((c) => c.close()));
      await runtime.call('settle');
    },
  };
}

/** The artist posts once; each follower's latency from just before the send frame leaves to its arrival, sorted. */
export async function postOnce(room: BenchRoom, id: string): Promise<number[]> {
  const arrivals = room.followers.map((f) => f.next((x) => x['clientMessageId'] === id && x.type === 'message', 120_000));
  const t0 = performance.now();
  room.artist.sendRaw(JSON.stringify({ action: 'send', roomId: room.room, clientMessageId: id, body: `drop ${id}` }));
  await Promise.all(arrivals);
  const latencies = room.followers.map((follower) => {
    const arrival = follower.frames.find((f) => f.frame['clientMessageId'] === id && f.frame.type === 'message');
    if (!arrival) throw new Error(`${id} resolved but was not recorded`);
    return arrival.at - t0;
  });
  return latencies.sort((a, b) => a - b);
}

export async function benchSize(runtime: LocalRuntimeProcess, n: number, messagesPerSize: number) {
  const room = await joinRoom(runtime, `bench-${n}`, n);
  const latencies: number[] = [];
  // Each message's first arrival: the fixed path before any post (send, stream, reads, queue hop).
  const firsts: number[] = [];
  let calls = 0;
  const byOperation: Record<string, number> = {};
  // The runtime process's CPU (every thread) over the messages alone: what one delivery costs the emulated cloud.
  const cpuBefore = await runtime.call<number>('cpu');
  for (let m = 0; m < messagesPerSize; m++) {
    await runtime.call('reset');
    const arrivals = await postOnce(room, `post-${m}`);
    firsts.push(arrivals[0] ?? NaN);
    latencies.push(...arrivals);
    await runtime.call('settle');
    const counts = await runtime.call<Record<string, number>>('counts');
    for (const [op, c] of Object.entries(counts)) {
      byOperation[op] = (byOperation[op] ?? 0) + c;
      calls += c;
    }
  }
  const cpuMs = (await runtime.call<number>('cpu')) - cpuBefore;
  await room.close();
  latencies.sort((a, b) => a - b);
  const perMessage = (x: number) => (x / messagesPerSize).toFixed(1);
  return {
    n,
    callsPerMessage: perMessage(calls),
    breakdown: Object.entries(byOperation)
      .map(([op, c]) => `${op} ${perMessage(c)}`)
      .join(', '),
    first: percentile(
      firsts.sort((a, b) => a - b),
      50,
    ),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: latencies.at(-1) ?? NaN,
    cpuMsPerDelivery: cpuMs / (n * messagesPerSize),
  };
}
