import { price } from '@relay/prices';
import type { StackInput } from './synthesized';

/**
 * What use costs, per million, with the arithmetic shown. Counts come from the code's own
 * numbers where it has them and from measurements where it does not; each says which.
 */
export const USAGE_BASIS = {
  /** Posts per fan-out chunk and the largest room the deliver consumer posts itself (DELIVERY_FANOUT). */
  chunkSize: 100,
  directRoomMax: 64,
  /** DynamoDB calls a message makes (docs/architecture.md, bench:fanout at 1,000 connections): GetItem 2, UpdateItem 1, PutItem 2 on the send path; Query 1 probe + 4 segments on delivery. */
  sendReads: 2,
  sendWrites: 3,
  deliveryQueries: 5,
  /** A connection item as the segments read it (keys only, ~100 bytes): reads are billed per 4 KB a page returns. */
  connectionItemBytes: 100,
  /** Handler durations: send and deliver measured locally (the fixed path's ~18-24 ms, docs/architecture.md), rounded up; a fan-out post's ~0.3 ms of CPU (the same page). */
  sendSeconds: 0.03,
  deliverSeconds: 0.03,
  secondsPerPost: 0.0003,
  /** One EMF line of ~1 KB per invocation (Powertools metrics). */
  logBytesPerInvocation: 1024,
  /** A broadcast REST call as the ALB meters it: the request, the admission and ALB headers (load-balancer-reservation.ts's BYTES_PER_POST). */
  restBytesPerCall: 1200,
} as const;

export interface UnitCost {
  what: string;
  usd: number;
  lines: string[];
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3));

/** The memory (GB) and architecture of one of the chat stack's functions, by its name's suffix. */
function lambdaOf(chat: StackInput, suffix: string): { gb: number; architecture: string } {
  const fn = Object.values(chat.stack.resource['aws_lambda_function'] ?? {}).find((f) => String(f['function_name']).endsWith(`-${suffix}`));
  if (!fn) throw new Error(`${chat.id} has no ${suffix} function`);
  return { gb: Number(fn['memory_size']) / 1024, architecture: String((fn['architectures'] as string[] | undefined)?.[0] ?? 'x86_64') };
}

/** A million chat messages, each delivered to a room of `roomSize` connections. */
export function perMillionMessages(chat: StackInput, roomSize: number): UnitCost {
  const region = chat.env.region;
  const b = USAGE_BASIS;
  const direct = roomSize <= b.directRoomMax;
  const chunks = direct ? 0 : Math.ceil(roomSize / b.chunkSize);
  const send = lambdaOf(chat, 'send');
  const deliver = lambdaOf(chat, 'deliver');
  const fanout = lambdaOf(chat, 'fanout');
  const gbSeconds = (fn: { gb: number }, seconds: number) => fn.gb * seconds;
  const lambdaSeconds = {
    send: gbSeconds(send, b.sendSeconds),
    deliver: gbSeconds(deliver, b.deliverSeconds + (direct ? roomSize * b.secondsPerPost : 0)),
    fanout: gbSeconds(fanout, chunks * b.chunkSize * b.secondsPerPost),
  };
  const invocations = 2 + chunks;
  const segmentReads = Math.max(1, Math.ceil((roomSize * b.connectionItemBytes) / 4096));
  const reads = b.sendReads + (direct ? 1 : 1 + segmentReads);
  const writes = b.sendWrites;
  const sqsRequests = chunks === 0 ? 0 : Math.ceil(chunks / 10) + 2 * chunks;
  const messages = 2 + roomSize;
  const logGb = (invocations * b.logBytesPerInvocation) / 1024 ** 3;
  // [what, per message, price, units per million messages (a per-million price counts millions)]
  const rows: [string, number, string, string][] = [
    ['API Gateway messages (in, ack, one post per connection)', messages, 'apigateway.websocket.million-messages', 'M messages'],
    ['Lambda requests (send, deliver, fan-out chunks)', invocations, 'lambda.million-requests', 'M requests'],
    [`Lambda send (${send.gb.toFixed(3)} GB × ${b.sendSeconds} s)`, lambdaSeconds.send, `lambda.${send.architecture}.gb-second`, 'GB-s'],
    ['Lambda deliver', lambdaSeconds.deliver, `lambda.${deliver.architecture}.gb-second`, 'GB-s'],
    [
      `Lambda fan-out (${chunks} chunk(s) × ${b.chunkSize} posts × ${b.secondsPerPost * 1000} ms at ${fanout.gb.toFixed(3)} GB)`,
      lambdaSeconds.fanout,
      `lambda.${fanout.architecture}.gb-second`,
      'GB-s',
    ],
    ['DynamoDB reads (send path, probe, member pages)', reads, 'dynamodb.on-demand.million-reads', 'M read units'],
    ['DynamoDB writes (counter, claim, message)', writes, 'dynamodb.on-demand.million-writes', 'M write units'],
    ['SQS requests (send batches, receive, delete)', sqsRequests, 'sqs.standard.million-requests', 'M requests'],
    ['EMF logs ingested', logGb, 'cloudwatch.logs-ingested-gb', 'GB'],
  ];
  const lines: string[] = [];
  let usd = 0;
  for (const [label, perMessage, key, unit] of rows) {
    if (perMessage === 0) continue;
    const rate = price(key, region);
    const units = unit.startsWith('M ') ? perMessage : perMessage * 1e6;
    const cost = units * rate;
    usd += cost;
    lines.push(`${label}: ${fmt(perMessage)} a message = ${fmt(units)} ${unit} × $${rate} = $${fmt(cost)}`);
  }
  return { what: `1M chat messages to a room of ${roomSize.toLocaleString('en-US')}`, usd, lines };
}

/**
 * A million broadcast REST calls at the env's front door: the load balancer's LCUs and, where the
 * env has one, its web ACL's requests; or the HTTP API's requests. Delivery is a chat message's.
 */
export function perMillionRestCalls(env: { region: string; waf: boolean; apiFrontDoor: 'load-balancer' | 'http-api' }): UnitCost {
  const { region } = env;
  if (env.apiFrontDoor === 'http-api') {
    const requests = price('apigateway.http.million-requests', region);
    return {
      what: '1M broadcast REST calls',
      usd: requests,
      lines: [
        `HTTP API requests: 1M × $${requests}/1M = $${fmt(requests)}`,
        'Cloud Map discovery calls: API Gateway caches the tasks it finds, so a handful a minute, not one a request',
        'compute: the service tasks priced above, up to their capacity; delivery: one chat message at the artist room size',
      ],
    };
  }
  const gb = (USAGE_BASIS.restBytesPerCall * 1e6) / 1024 ** 3;
  const lcu = price('elb.lcu-hour', region);
  const lines = [`ALB processed bytes: ${fmt(gb)} GB (1 LCU-hour each) × $${lcu} = $${fmt(gb * lcu)}`];
  let usd = gb * lcu;
  if (env.waf) {
    const requests = price('waf.million-requests', region);
    usd += requests;
    lines.push(`WAF requests: 1M × $${requests}/1M = $${fmt(requests)}`);
  }
  lines.push('compute: the service tasks priced above, up to their capacity; delivery: one chat message at the artist room size');
  return { what: '1M broadcast REST calls', usd, lines };
}
