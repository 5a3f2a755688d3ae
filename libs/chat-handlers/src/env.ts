import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { CursorCodec, type TokenSettings } from '@relay/chat-core';
import { checkSecret, DELIVERY_FANOUT, DELIVERY_METRICS } from '@relay/runtime-contract';
// English messages: chat-core configures them when it loads.
import * as z from 'zod/mini';
import { createChatStores, createDocumentClient } from '@relay/chat-store';
import type { ConnectDeps, HandlerDeps, PagingDeps } from './deps';
import { AdaptiveLimit } from './adaptive-limit';
import { createSqsChunkQueue } from './chunk-queue';
import type { DeliverDeps } from './deliver';
import type { FanoutWorkerDeps } from './fanout-worker';
import { createSignedPoster } from './signed-poster';

/**
 * Lambda configuration comes from the environment the infrastructure sets (names of tables,
 * endpoints, SSM parameter names). It is validated once per cold start with a message that
 * names every missing or bad variable.
 */
const tableName = z.string().check(z.minLength(3));
const text = z.string().check(z.minLength(1));
/** A whole number from an environment variable, within bounds, with its default. */
const count = (min: number, max: number, fallback: number) => z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);

const baseEnv = z.object({
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1'),
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  CHAT_CONNECTIONS_TABLE: tableName,
  CHAT_MEMBERSHIPS_TABLE: tableName,
  CHAT_ROOMS_TABLE: tableName,
  CHAT_MESSAGES_TABLE: tableName,
});

/**
 * A secret comes from SSM on AWS (<NAME>_PARAMETER, decrypted, cached) and directly locally
 * (<NAME>); exactly one of the two is set. A placeholder or short value fails closed.
 */
function secretEnv<N extends string>(name: N) {
  return z.object({ [name]: z.optional(z.string()), [`${name}_PARAMETER`]: z.optional(z.string().check(z.startsWith('/'))) }).check(
    z.refine((e) => (e[name] === undefined) !== (e[`${name}_PARAMETER`] === undefined), {
      message: `set exactly one of ${name} and ${name}_PARAMETER`,
      path: [name],
    }),
  );
}

/** Rotating a secret in SSM reaches every warm container within this long. */
const SECRET_CACHE_SECONDS = 300;

function secretSource(env: Record<string, unknown>, name: string): () => Promise<string> {
  const direct = env[name];
  if (typeof direct === 'string') {
    const checked = checkSecret(direct, name);
    return async () => checked;
  }
  const parameterName = env[`${name}_PARAMETER`] as string;
  return async () => checkSecret(await getParameter(parameterName, { decrypt: true, maxAge: SECRET_CACHE_SECONDS }), parameterName);
}

/** join, leave and $disconnect post presence changes to the room's other members. */
const presenceEnv = z.extend(baseEnv, { WS_MANAGEMENT_ENDPOINT: z.url() });
const connectEnv = z.intersection(z.extend(baseEnv, { AUTH_ISSUER: text, AUTH_AUDIENCE: text }), secretEnv('AUTH_TOKEN_SECRET'));
const pagingEnv = z.intersection(baseEnv, secretEnv('CURSOR_SECRET'));

const deliveryEnv = z.extend(baseEnv, {
  /** The environment's name, a dimension of every delivery metric. */
  RELAY_ENV: z._default(text, 'local'),
  WS_MANAGEMENT_ENDPOINT: z.url(),
  DELIVERY_CONCURRENCY: count(1, 1000, 64),
  /** The fan-out chunk queue: the stream consumer sends to it, workers re-queue to it. */
  DELIVERY_QUEUE_URL: z.url(),
  /** Set only for the local runtime's queue; on AWS the SDK resolves the regional endpoint. */
  SQS_ENDPOINT: z.optional(z.url()),
  DELIVERY_CHUNK_SIZE: count(1, 2000, DELIVERY_FANOUT.chunkSize),
  DELIVERY_DIRECT_MAX: count(0, 100_000, DELIVERY_FANOUT.directMax),
});

function readEnv<S extends z.ZodMiniType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid Lambda environment: ${problems}`);
  }
  return result.data;
}

// Only the functions that post build a poster: the others' bundles leave its HTTP client out.
function baseDeps(env: z.infer<typeof baseEnv>): HandlerDeps {
  const db = createDocumentClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  return {
    stores: createChatStores(db, {
      connections: env.CHAT_CONNECTIONS_TABLE,
      memberships: env.CHAT_MEMBERSHIPS_TABLE,
      rooms: env.CHAT_ROOMS_TABLE,
      messages: env.CHAT_MESSAGES_TABLE,
    }),
    logger: new Logger({ serviceName: 'chat' }),
  };
}

export function handlerDepsFromEnv(env = process.env): HandlerDeps {
  return baseDeps(readEnv(baseEnv, env));
}

export function presenceDepsFromEnv(env = process.env): HandlerDeps {
  const config = readEnv(presenceEnv, env);
  return { ...baseDeps(config), poster: createSignedPoster({ endpoint: config.WS_MANAGEMENT_ENDPOINT, region: config.AWS_REGION, maxSockets: 16 }) };
}

export function connectDepsFromEnv(env = process.env): ConnectDeps {
  const config = readEnv(connectEnv, env);
  const secret = secretSource(config, 'AUTH_TOKEN_SECRET');
  return {
    ...baseDeps(config),
    tokenSettings: async (): Promise<TokenSettings> => ({ secret: await secret(), issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
  };
}

/** history and members hand out cursors sealed with the cursor secret. */
export function pagingDepsFromEnv(env = process.env): PagingDeps {
  const config = readEnv(pagingEnv, env);
  const secret = secretSource(config, 'CURSOR_SECRET');
  let codec: { secret: string; codec: CursorCodec } | undefined;
  return {
    ...baseDeps(config),
    cursors: async () => {
      const current = await secret();
      if (codec?.secret !== current) codec = { secret: current, codec: new CursorCodec(current) };
      return codec.codec;
    },
  };
}

/** What both delivery stages share: the poster and its socket pool, the queue, the metrics. */
function deliveryDeps(env: NodeJS.ProcessEnv) {
  const config = readEnv(deliveryEnv, env);
  return {
    ...baseDeps(config),
    poster: createSignedPoster({
      endpoint: config.WS_MANAGEMENT_ENDPOINT,
      region: config.AWS_REGION,
      maxSockets: config.DELIVERY_CONCURRENCY,
    }),
    concurrency: config.DELIVERY_CONCURRENCY,
    limiter: new AdaptiveLimit(config.DELIVERY_CONCURRENCY),
    chunkSize: config.DELIVERY_CHUNK_SIZE,
    pageSize: DELIVERY_FANOUT.pageSize,
    directMax: config.DELIVERY_DIRECT_MAX,
    queue: createSqsChunkQueue({ queueUrl: config.DELIVERY_QUEUE_URL, region: config.AWS_REGION, endpoint: config.SQS_ENDPOINT }),
    metrics: new Metrics({
      namespace: DELIVERY_METRICS.namespace,
      serviceName: DELIVERY_METRICS.service,
      defaultDimensions: { environment: config.RELAY_ENV },
    }),
  };
}

export function deliverDepsFromEnv(env = process.env): DeliverDeps {
  return deliveryDeps(env);
}

export function fanoutDepsFromEnv(env = process.env): FanoutWorkerDeps {
  return deliveryDeps(env);
}
