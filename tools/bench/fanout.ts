/**
 * npm run bench:fanout [-- --sizes 100,1000,5000 --messages 5]
 * One room of N connections; an artist posts; every member's delivery latency is measured
 * from just before the send frame leaves to the message frame's arrival. Prints DynamoDB
 * calls per message (send path + fan-out), the median message's first arrival (the fixed path
 * before any post) and p50/p95/max delivery latency per N.
 *
 * npm run bench:fanout -- --model [--env prod --quota 10000 --post-latency-ms 20 --real-n 1000]
 * The deployed design's model (fanout-model.ts) for 1k, 10k and 100k followers, single-stage
 * beside two-stage, with CPU per post and page read time measured first in this run; then a
 * real local run at --real-n with the same per-post latency, set beside the model of it.
 */
import { parseArgs } from 'node:util';
import { LocalRuntimeProcess } from '@relay/local-stack';
import { modelMode } from './fanout-model-run';
import { benchSize } from './local-fanout';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,5000' },
    messages: { type: 'string', default: '5' },
    model: { type: 'boolean', default: false },
    env: { type: 'string', default: 'prod' },
    quota: { type: 'string', default: '10000' },
    'post-latency-ms': { type: 'string', default: '20' },
    'real-n': { type: 'string', default: '1000' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const messagesPerSize = Number(values.messages);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(messagesPerSize >= 1)) {
  throw new Error('--sizes takes positive integers, --messages a positive integer');
}

async function main(): Promise<void> {
  const runtime = await LocalRuntimeProcess.start();
  if (values.model) {
    await modelMode(runtime, {
      env: values.env,
      quota: Number(values.quota),
      postLatencyMs: Number(values['post-latency-ms']),
      realN: Number(values['real-n']),
    });
    await runtime.stop();
    return;
  }
  console.log(`fan-out through the local runtime (${messagesPerSize} messages per size; runtime in its own process)`);
  console.log('connections  dynamo calls/msg  first ms  p50 ms   p95 ms   max ms  runtime CPU/delivery   calls by operation');
  for (const n of sizes) {
    const r = await benchSize(runtime, n, messagesPerSize);
    const ms = (x: number) => x.toFixed(1);
    console.log(
      `${String(r.n).padStart(11)}  ${r.callsPerMessage.padStart(16)}  ${ms(r.first).padStart(8)}  ${ms(r.p50).padStart(6)}  ${ms(r.p95).padStart(7)}  ${ms(r.max).padStart(7)}  ${`${r.cpuMsPerDelivery.toFixed(3)} ms`.padStart(20)}   ${r.breakdown}`,
    );
  }
  await runtime.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
