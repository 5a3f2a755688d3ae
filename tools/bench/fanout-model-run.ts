import { DELIVERY_EVENT_SOURCE, DELIVERY_FANOUT, type ChatTableNames } from '@relay/runtime-contract';
import { createSignedPoster, DEFAULT_RETRY, DEFAULT_TIME_RESERVE_MS, type ConnectionPoster } from '@relay/chat-handlers';
import { createDocumentClient, MembershipsRepository } from '@relay/chat-store';
import { resolveEnvironment } from '@relay/platform-config';
import type { LocalRuntimeProcess } from '@relay/local-stack';
import { runModel, type ModelParams, type ModelResult } from '@relay/delivery-model';
import { joinRoom, percentile, postOnce, type BenchRoom } from './local-fanout';
import { createManagementPoster } from './sdk-poster';
import { measureSignerCost } from './signer-cost';

export interface ModelOptions {
  env: string;
  quota: number;
  postLatencyMs: number;
  realN: number;
}

interface RuntimeInfo {
  managementEndpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  dynamoEndpoint: string;
  tables: ChatTableNames;
  queueWorkers: number;
}

/** API Gateway's account-level burst on top of the steady quota. */
const QUOTA_BURST = 5000;
/** SendMessageBatch round trip, and from a sent chunk to its worker running (poll + invoke), on AWS. */
const QUEUE_SEND_MS = 20;
const QUEUE_TO_WORKER_MS = 30;
const POSTS_MEASURED = 2000;

/** What the model takes from the code as it is deployed (DELIVERY_FANOUT, the retry policy, the timeout). */
function fromCode(pageReadMs: number) {
  return {
    pageSize: DELIVERY_FANOUT.pageSize,
    pageReadMs,
    readAhead: DELIVERY_FANOUT.readSegments,
    chunkSize: DELIVERY_FANOUT.chunkSize,
    directMax: DELIVERY_FANOUT.directMax,
    retry: DEFAULT_RETRY,
    requeueDelaySeconds: DELIVERY_FANOUT.requeueDelaySeconds,
    functionTimeoutMs: DELIVERY_EVENT_SOURCE.functionTimeoutSeconds * 1000,
    timeReserveMs: DEFAULT_TIME_RESERVE_MS,
    seed: 1,
  };
}

export async function modelMode(runtime: LocalRuntimeProcess, options: ModelOptions): Promise<void> {
  if (!(options.quota > 0) || !(options.postLatencyMs >= 0) || !Number.isInteger(options.realN) || options.realN < 1) {
    throw new Error('--quota and --real-n take positive numbers, --post-latency-ms a non-negative one');
  }
  const env = resolveEnvironment(options.env);
  const info = await runtime.call<RuntimeInfo>('info');
  // The local endpoints check these (random) keys; never a developer's real credentials.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: info.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: info.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: '',
  });
  const room = await joinRoom(runtime, 'model', options.realN);
  const pageReadMs = await measurePageRead(info, room.room);
  const posterOptions = { endpoint: info.managementEndpoint, region: 'us-east-1', maxSockets: 32 };
  const sdkCpuMs = await measureCpuPerPost(info, room.room, createManagementPoster(posterOptions));
  const cpuPerPostMs = await measureCpuPerPost(info, room.room, createSignedPoster(posterOptions));
  console.log(
    `measured here: CPU per PostToConnection ${cpuPerPostMs.toFixed(3)} ms as a signed request (deployed: the poster's own SigV4, keep-alive pool of 32), ` +
      `${sdkCpuMs.toFixed(3)} ms through the SDK client; ${pageReadMs.toFixed(1)} ms per member page of ${DELIVERY_FANOUT.pageSize} (dynalite)`,
  );
  const signer = await measureSignerCost();
  console.log(
    `measured here: one post's SigV4 signature ${signer.posterUs.toFixed(1)} us as the poster signs, ${signer.aws4Us.toFixed(1)} us with aws4, ${signer.sdkUs.toFixed(1)} us with the SDK's own signer`,
  );

  const deployed = (followers: number, mode: ModelParams['mode'], quotaPerSecond: number): ModelResult =>
    runModel({
      followers,
      mode,
      quotaPerSecond,
      quotaBurst: Math.min(QUOTA_BURST, quotaPerSecond),
      postLatencyMs: options.postLatencyMs,
      cpuPerPostMs,
      concurrency: env.lambda.deliveryConcurrency,
      workers: env.lambda.fanoutWorkers,
      queueSendMs: QUEUE_SEND_MS,
      queueToWorkerMs: QUEUE_TO_WORKER_MS,
      ...fromCode(pageReadMs),
    });

  console.log(
    `\nMODEL (discrete-event simulation, not a measurement) of ${env.name}: ${env.lambda.deliveryConcurrency} posts in flight per container, ` +
      `${env.lambda.fanoutWorkers} workers, chunks of ${DELIVERY_FANOUT.chunkSize}, rooms up to ${DELIVERY_FANOUT.directMax} direct, ` +
      `${options.postLatencyMs} ms per post, one vCPU per container`,
  );
  const targets: string[] = [];
  for (const quota of [options.quota, 100_000]) {
    console.log(`\naccount quota ${quota.toLocaleString('en-US')} requests/s (burst ${Math.min(QUOTA_BURST, quota)})`);
    console.log(header());
    for (const followers of [1_000, 10_000, 100_000]) {
      for (const mode of ['single-stage', 'two-stage'] as const) {
        const result = deployed(followers, mode, quota);
        console.log(row(followers, mode, result));
        if (mode === 'two-stage' && quota === options.quota && followers === 100_000) {
          const ratio = result.lastDeliveryMs / result.quotaFloorMs;
          targets.push(
            `${verdict(ratio <= 1.2)} two-stage, 100k at ${quota}/s: last delivery ${seconds(result.lastDeliveryMs)} = ${ratio.toFixed(2)} x the quota floor (target <= 1.20)`,
          );
        }
        if (mode === 'two-stage' && quota === 100_000 && followers === 10_000) {
          targets.push(`${verdict(result.p95Ms < 200)} two-stage, 10k at 100,000/s: p95 ${Math.round(result.p95Ms)} ms (target < 200 ms)`);
        }
      }
    }
  }
  console.log(`\n${targets.join('\n')}`);

  await compareWithLocal(runtime, info, room, options, pageReadMs);
  await room.close();
}

function header(): string {
  return 'followers  design        last delivery  p95 ms   floor  posts   429s    Query  SendMsgBatch  invocations  failed';
}

function row(followers: number, mode: string, r: ModelResult): string {
  return [
    String(followers).padStart(9),
    mode.padEnd(12),
    seconds(r.lastDeliveryMs).padStart(13),
    String(Math.round(r.p95Ms)).padStart(7),
    seconds(r.quotaFloorMs).padStart(7),
    String(r.calls.PostToConnection).padStart(6),
    String(r.calls.throttled).padStart(6),
    String(r.calls.Query).padStart(7),
    String(r.calls.SendMessageBatch).padStart(12),
    String(r.calls.invocations).padStart(11),
    String(r.failed).padStart(7),
  ].join('  ');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (met: boolean) => (met ? 'MET   ' : 'MISSED');

/** Median time to read one member page of the consumer's page size from the runtime's DynamoDB. */
async function measurePageRead(info: RuntimeInfo, roomId: string): Promise<number> {
  const db = createDocumentClient({ endpoint: info.dynamoEndpoint, region: 'us-east-1' });
  const memberships = new MembershipsRepository(db, info.tables.memberships);
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    let started = performance.now();
    for await (const page of memberships.memberPages(roomId, { pageSize: DELIVERY_FANOUT.pageSize })) {
      if (page.connectionIds.length === DELIVERY_FANOUT.pageSize) times.push(performance.now() - started);
      started = performance.now();
    }
  }
  db.destroy();
  if (times.length === 0) throw new Error(`--real-n must be at least ${DELIVERY_FANOUT.pageSize} to time a full member page`);
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

/** CPU this process spends per post (signing, HTTP, keep-alive), 32 posts in flight as a worker has them. */
async function measureCpuPerPost(info: RuntimeInfo, roomId: string, poster: ConnectionPoster): Promise<number> {
  const db = createDocumentClient({ endpoint: info.dynamoEndpoint, region: 'us-east-1' });
  const { items } = await new MembershipsRepository(db, info.tables.memberships).list(roomId, 1);
  db.destroy();
  const connectionId = items[0]?.connectionId;
  if (!connectionId) throw new Error('no member to post to');
  const frame = JSON.stringify({ type: 'message', body: 'x'.repeat(100) });
  const run = async (count: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next++ < count) await poster.post(connectionId, frame);
      }),
    );
  };
  await run(200); // warm: sockets, JIT
  const before = process.cpuUsage();
  await run(POSTS_MEASURED);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / POSTS_MEASURED;
}

/** The real local runtime at N with the per-post latency, beside the model of that same run. */
async function compareWithLocal(runtime: LocalRuntimeProcess, info: RuntimeInfo, room: BenchRoom, options: ModelOptions, pageReadMs: number): Promise<void> {
  await runtime.call('faults', { postLatencyMs: options.postLatencyMs });
  await postOnce(room, 'warm-up');
  await runtime.call('settle');
  const cpuBefore = await runtime.call<number>('cpu');
  const latencies = await postOnce(room, 'measured');
  await runtime.call('settle');
  const cpuPerPost = ((await runtime.call<number>('cpu')) - cpuBefore) / options.realN;
  await runtime.call('faults', {});
  const model = runModel({
    followers: options.realN,
    mode: 'two-stage',
    // The local gateway has no quota; its one process is the CPU every "container" shares.
    quotaPerSecond: 1e9,
    quotaBurst: 1e9,
    sharedCpu: true,
    postLatencyMs: options.postLatencyMs,
    cpuPerPostMs: cpuPerPost,
    // The local runtime's DELIVERY_CONCURRENCY default.
    concurrency: 64,
    workers: info.queueWorkers,
    queueSendMs: 1,
    queueToWorkerMs: 1,
    ...fromCode(pageReadMs),
  });
  const real = { last: latencies.at(-1) ?? NaN, p95: percentile(latencies, 95) };
  console.log(
    `\nmodel against reality: ${options.realN} followers through the local runtime, ${options.postLatencyMs} ms per post, ` +
      `${info.queueWorkers} workers sharing one process (${cpuPerPost.toFixed(2)} ms of its CPU per delivered post)`,
  );
  console.log('               last delivery  p95 ms');
  console.log(`real (local)   ${seconds(real.last).padStart(13)}  ${String(Math.round(real.p95)).padStart(6)}   from the send frame (send path included)`);
  console.log(`model          ${seconds(model.lastDeliveryMs).padStart(13)}  ${String(Math.round(model.p95Ms)).padStart(6)}   from the stored message`);
}
