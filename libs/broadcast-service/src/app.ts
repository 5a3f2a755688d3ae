import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  artistRoom,
  ChatError,
  CursorCodec,
  isArtist,
  isChatError,
  MAX_FRAME_BYTES,
  MAX_PAGE_SIZE,
  messageBodySchema,
  messageFrame,
  roomIdSchema,
  utf8Bytes,
  type Identity,
} from '@relay/chat-core';
import type { MessagesRepository, PriorAttempt } from '@relay/chat-store';
import { authenticate } from './auth';
import type { BroadcastConfig } from './config';
import { documentedStatus, errorResponse, errorResponseSchema, HttpError, type RestErrorStatus } from './errors';
import type { FollowsRepository } from './follows';

export interface BroadcastDeps {
  config: Pick<BroadcastConfig, 'AUTH_TOKEN_SECRET' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE' | 'CURSOR_SECRET' | 'POSTS_PER_MINUTE' | 'LOG_LEVEL'>;
  messages: MessagesRepository;
  follows: FollowsRepository;
  /** Readiness: false once draining, or when storage is unreachable. */
  ready: () => Promise<boolean>;
  clock?: () => Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** What an earlier post with this Idempotency-Key left: a retry is answered from storage, without spending the limit or a sequence number. */
    priorPost?: PriorAttempt;
  }
}

const BODY_LIMIT_BYTES = 128 * 1024;
const idSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ . : -');
const postBody = z.object({ body: messageBodySchema, roomId: z.optional(roomIdSchema) }).strict();
const idempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Idempotency-Key must be 1-64 characters of A-Z a-z 0-9 _ -');
const postResult = z.object({ roomId: z.string(), seq: z.number().int(), sentAt: z.string(), duplicate: z.boolean() });
const followersPage = z.object({ artistId: z.string(), followers: z.array(z.string()), cursor: z.string().nullable() });

/** The documented error responses of a route, so the OpenAPI document lists every status it may answer. */
function errors(...statuses: RestErrorStatus[]) {
  return Object.fromEntries([...statuses, 500].map((status) => [status, errorResponseSchema]));
}

export { artistRoom };

export function buildBroadcastApp(deps: BroadcastDeps): FastifyInstance {
  const app = Fastify({
    logger: { level: deps.config.LOG_LEVEL },
    requestIdHeader: 'x-request-id',
    // Idle keep-alive sockets close at once on shutdown; busy ones finish their request.
    forceCloseConnections: 'idle',
    bodyLimit: BODY_LIMIT_BYTES,
    // Room for the longest request line the schemas allow (a 2 KB cursor of 4-byte characters,
    // percent-encoded), so an over-long one is validated to a documented 400 instead of Node's bare 431.
    http: { maxHeaderSize: 64 * 1024 },
    // The router's own refusals (malformed escapes, over-long path parameters) in the documented shape too.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      const status = documentedStatus(error.statusCode ?? 400);
      void reply.code(status).send(errorResponse(status, error.message, String(request.id)));
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const now = () => (deps.clock ? deps.clock() : new Date());
  const auth = authenticate({ secret: deps.config.AUTH_TOKEN_SECRET, issuer: deps.config.AUTH_ISSUER, audience: deps.config.AUTH_AUDIENCE });
  const cursors = new CursorCodec(deps.config.CURSOR_SECRET);
  const fail = (reply: FastifyReply, status: RestErrorStatus, message: string, details?: unknown) =>
    reply.code(status).send(errorResponse(status, message, String(reply.request.id), details));

  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, request, reply) => {
    if (error.validation) return fail(reply, 400, error.message, error.validation);
    if (isChatError(error)) return fail(reply, documentedStatus(error.status), error.message);
    const status = error.statusCode ?? 500;
    if (status < 500) return fail(reply, documentedStatus(status), error.message);
    request.log.error({ err: error }, 'request failed');
    return fail(reply, 500, 'internal error, safe to retry');
  });
  app.setNotFoundHandler((request, reply) => fail(reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`));

  // Methods per route pattern, so a known path with an unsupported method is a 405 with Allow,
  // answered before any body parsing (an unknown method must not look like a bad body).
  const methodsByPattern = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  app.addHook('onRoute', (route) => {
    const entry = methodsByPattern.get(route.url) ?? { pattern: new RegExp(`^${route.url.replace(/:[^/]+/g, '[^/]+')}$`), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method);
    methodsByPattern.set(route.url, entry);
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0] ?? '';
    const allowed = [...methodsByPattern.values()].find((e) => e.pattern.test(path))?.methods;
    if (allowed) return fail(reply.header('allow', [...allowed].join(', ')), 405, `${request.method} is not allowed here; use ${[...allowed].join(', ')}`);
  });

  app.register(swagger, {
    // A 204 has no body, so it documents no media type.
    transformObject: (documents) => {
      const spec = 'openapiObject' in documents ? documents.openapiObject : documents.swaggerObject;
      for (const item of Object.values(
        (spec as { paths?: Record<string, Record<string, { responses?: Record<string, { content?: unknown }> }>> }).paths ?? {},
      )) {
        for (const operation of Object.values(item)) delete operation.responses?.['204']?.content;
      }
      return spec;
    },
    openapi: {
      info: { title: 'Relay broadcast API', version: '1.0.0', description: 'Artists post to their followers; followers manage follows.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });

  app.get('/health/live', { schema: { response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  app.get(
    '/health/ready',
    { schema: { response: { 200: z.object({ status: z.literal('ready') }), 503: z.object({ status: z.literal('draining') }) } } },
    async (_request, reply) => ((await deps.ready()) ? { status: 'ready' as const } : reply.code(503).send({ status: 'draining' as const })),
  );
  // The server's clock, for load generators to measure their offset against it before a run
  // (tools/fleet/clock-offset.ts): delivery latency spans both clocks.
  app.get('/health/time', { schema: { response: { 200: z.object({ now: z.number().int() }) } } }, async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ now: Date.now() }),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.register(async (api) => {
    await api.register(rateLimit, { global: false });
    const typed = api.withTypeProvider<ZodTypeProvider>();
    const security = [{ bearer: [] }];

    /**
     * Everything that can refuse a post runs before the rate limit, so no rejected request
     * (400/401/403/409/413) spends the artist's quota, and a retry of a stored post is answered
     * from storage even when the quota is used up.
     */
    const screenPost = async (request: FastifyRequest) => {
      // Runs after schema validation: params, body and headers have their declared types.
      const { params, body, headers } = request as FastifyRequest<{
        Params: { artistId: string };
        Body: z.infer<typeof postBody>;
        Headers: { 'idempotency-key': string };
      }>;
      const { artistId } = params;
      const identity = request.identity as Identity;
      if (!isArtist(identity, artistId)) throw new HttpError(403, 'only the artist can post as the artist');
      const roomId = body.roomId ?? artistRoom(artistId);
      if (roomId !== artistRoom(artistId)) {
        throw new HttpError(403, `an artist posts only into their own broadcast room ${artistRoom(artistId)}`);
      }
      const draft = draftOf(artistId, identity, body.body, headers['idempotency-key']);
      const size = utf8Bytes(JSON.stringify(messageFrame({ ...draft, seq: Number.MAX_SAFE_INTEGER, sentAt: now().toISOString() })));
      if (size > MAX_FRAME_BYTES) throw new ChatError('message_too_large', `post would be ${size} bytes when delivered; the limit is ${MAX_FRAME_BYTES}`);
      const prior = await deps.messages.priorAttempt(draft);
      if (prior.kind === 'conflict') throw new HttpError(409, 'Idempotency-Key was already used for a different post');
      request.priorPost = prior;
    };

    typed.post(
      '/v1/artists/:artistId/posts',
      {
        schema: {
          summary: "Post to the artist's followers",
          security,
          params: z.object({ artistId: idSchema }),
          headers: z.looseObject({ 'idempotency-key': idempotencyKey }),
          body: postBody,
          response: { 200: postResult, 201: postResult, ...errors(400, 401, 403, 409, 413, 415, 429) },
        },
        preHandler: [
          auth,
          screenPost,
          api.rateLimit({
            max: deps.config.POSTS_PER_MINUTE,
            timeWindow: '1 minute',
            keyGenerator: (req) => `artist:${req.identity?.userId ?? 'anonymous'}`,
            allowList: (req) => req.priorPost?.kind === 'same',
            errorResponseBuilder: (_req, context) => new HttpError(429, `rate limit: ${context.max} posts per minute per artist; retry in ${context.after}`),
          }),
        ],
      },
      async (request, reply) => {
        const draft = draftOf(request.params.artistId, request.identity as Identity, request.body.body, request.headers['idempotency-key']);
        try {
          const { message, duplicate } = await deps.messages.append(draft, now(), request.priorPost);
          return reply.code(duplicate ? 200 : 201).send({ roomId: message.roomId, seq: message.seq, sentAt: message.sentAt, duplicate });
        } catch (error) {
          // A concurrent post with the same key and another body won the claim.
          if (isChatError(error) && error.code === 'invalid_request') throw new HttpError(409, 'Idempotency-Key was already used for a different post');
          throw error;
        }
      },
    );

    const followParams = z.object({ artistId: idSchema, userId: idSchema });
    const requireSelf = (userId: string, identity: Identity | undefined) => {
      if (userId !== identity?.userId) throw new HttpError(403, 'you can only change your own follows');
    };
    const followSchema = (summary: string) => ({ summary, security, params: followParams, response: { 204: z.null(), ...errors(400, 401, 403) } });
    typed.put('/v1/artists/:artistId/followers/:userId', { schema: followSchema('Follow an artist'), preHandler: auth }, async (request, reply) => {
      requireSelf(request.params.userId, request.identity);
      await deps.follows.follow(request.params.artistId, request.params.userId, now());
      return reply.code(204).send(null);
    });
    typed.delete('/v1/artists/:artistId/followers/:userId', { schema: followSchema('Unfollow an artist'), preHandler: auth }, async (request, reply) => {
      requireSelf(request.params.userId, request.identity);
      await deps.follows.unfollow(request.params.artistId, request.params.userId);
      return reply.code(204).send(null);
    });
    typed.get(
      '/v1/artists/:artistId/followers',
      {
        schema: {
          summary: "List an artist's followers (opaque cursor paging)",
          security,
          params: z.object({ artistId: idSchema }),
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
            cursor: z
              .string()
              .regex(/^[A-Za-z0-9_-]{1,2048}$/, 'cursor must be one this API handed out')
              .optional(),
          }),
          response: { 200: followersPage, ...errors(400, 401) },
        },
        preHandler: auth,
      },
      async (request) => {
        const { artistId } = request.params;
        const start = cursors.decode('followers', artistId, 'artistId', request.query.cursor);
        const page = await deps.follows.followers(artistId, request.query.limit, start);
        return { artistId, followers: page.userIds, cursor: cursors.encode('followers', artistId, page.lastKey) };
      },
    );
  });
  return app;
}

function draftOf(artistId: string, identity: Identity, body: string, clientMessageId: string) {
  return { roomId: artistRoom(artistId), senderId: artistId, senderName: identity.name, clientMessageId, body };
}
