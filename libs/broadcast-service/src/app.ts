import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChatError, decodeCursor, encodeCursor, isChatError, roomIdSchema, MAX_FRAME_BYTES, messageFrame, utf8Bytes } from '@relay/chat-core';
import type { MessagesRepository } from '@relay/chat-store';
import { authenticate } from './auth';
import type { BroadcastConfig } from './config';
import type { FollowsRepository } from './follows';

export interface BroadcastDeps {
  config: Pick<BroadcastConfig, 'AUTH_TOKEN_SECRET' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE' | 'POSTS_PER_MINUTE' | 'LOG_LEVEL'>;
  messages: MessagesRepository;
  follows: FollowsRepository;
  /** Readiness: false once draining, or when storage is unreachable. */
  ready: () => Promise<boolean>;
  clock?: () => Date;
}

const idSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ . : -');
const postBody = z.object({ body: z.string().min(1, 'body must not be empty'), roomId: roomIdSchema.optional() }).strict();
const idempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Idempotency-Key must be 1-64 characters of A-Z a-z 0-9 _ -');

/** An artist's broadcast room: every follower's client joins it. */
export const artistRoom = (artistId: string) => `artist-${artistId}`;

export function buildBroadcastApp(deps: BroadcastDeps): FastifyInstance {
  const app = Fastify({
    logger: { level: deps.config.LOG_LEVEL },
    requestIdHeader: 'x-request-id',
    // Idle keep-alive sockets close at once on shutdown; busy ones finish their request.
    forceCloseConnections: 'idle',
    bodyLimit: 128 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const now = () => (deps.clock ? deps.clock() : new Date());
  const auth = authenticate({ secret: deps.config.AUTH_TOKEN_SECRET, issuer: deps.config.AUTH_ISSUER, audience: deps.config.AUTH_AUDIENCE });

  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, request, reply) => {
    if (error.validation) {
      return reply.code(400).send({ error: 'invalid_request', message: error.message, details: error.validation });
    }
    if (isChatError(error)) return reply.code(error.status).send({ error: error.code, message: error.message });
    if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send({ error: 'bad_request', message: error.message });
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal_error', message: 'internal error, safe to retry' });
  });

  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => ((await deps.ready()) ? { status: 'ready' } : reply.code(503).send({ status: 'draining' })));

  app.register(async (api) => {
    await api.register(rateLimit, { global: false });
    const typed = api.withTypeProvider<ZodTypeProvider>();

    typed.post(
      '/v1/artists/:artistId/posts',
      {
        schema: { params: z.object({ artistId: idSchema }), headers: z.object({ 'idempotency-key': idempotencyKey }).passthrough(), body: postBody },
        // Order matters: validation runs first, then authentication, then the limit, keyed by the
        // authenticated artist. Junk or anonymous requests never spend an artist's quota, and a
        // label's backend posting for many artists from one address is not limited per IP.
        preHandler: [
          auth,
          api.rateLimit({
            max: deps.config.POSTS_PER_MINUTE,
            timeWindow: '1 minute',
            keyGenerator: (req) => `artist:${req.identity?.userId ?? 'anonymous'}`,
          }),
        ],
      },
      async (request, reply) => {
        const { artistId } = request.params;
        const identity = request.identity;
        if (!identity || identity.userId !== artistId || !identity.roles?.includes('artist')) {
          return reply.code(403).send({ error: 'forbidden', message: 'only the artist can post as the artist' });
        }
        const roomId = request.body.roomId ?? artistRoom(artistId);
        const draft = { roomId, senderId: artistId, senderName: identity.name, clientMessageId: request.headers['idempotency-key'], body: request.body.body };
        const size = utf8Bytes(JSON.stringify(messageFrame({ ...draft, seq: Number.MAX_SAFE_INTEGER, sentAt: now().toISOString() })));
        if (size > MAX_FRAME_BYTES) throw new ChatError('message_too_large', `post would be ${size} bytes when delivered; the limit is ${MAX_FRAME_BYTES}`);
        try {
          const { message, duplicate } = await deps.messages.append(draft, now());
          return reply.code(duplicate ? 200 : 201).send({ roomId, seq: message.seq, sentAt: message.sentAt, duplicate });
        } catch (error) {
          if (isChatError(error) && error.code === 'invalid_request') {
            return reply.code(409).send({ error: 'idempotency_conflict', message: 'Idempotency-Key was already used for a different post' });
          }
          throw error;
        }
      },
    );

    const followParams = z.object({ artistId: idSchema, userId: idSchema });
    const requireSelf = (userId: string, identityId: string | undefined) => {
      if (userId !== identityId) throw Object.assign(new Error('you can only change your own follows'), { statusCode: 403 });
    };
    typed.put('/v1/artists/:artistId/followers/:userId', { schema: { params: followParams }, preHandler: auth }, async (request, reply) => {
      requireSelf(request.params.userId, request.identity?.userId);
      await deps.follows.follow(request.params.artistId, request.params.userId, now());
      return reply.code(204).send();
    });
    typed.delete('/v1/artists/:artistId/followers/:userId', { schema: { params: followParams }, preHandler: auth }, async (request, reply) => {
      requireSelf(request.params.userId, request.identity?.userId);
      await deps.follows.unfollow(request.params.artistId, request.params.userId);
      return reply.code(204).send();
    });
    typed.get(
      '/v1/artists/:artistId/followers',
      {
        schema: { params: z.object({ artistId: idSchema }), querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().max(2048).optional() }) },
        preHandler: auth,
      },
      async (request) => {
        const { artistId } = request.params;
        const start = decodeCursor(request.query.cursor, artistId, 'artistId');
        const page = await deps.follows.followers(artistId, request.query.limit, start);
        return { artistId, followers: page.userIds, cursor: encodeCursor(page.lastKey) };
      },
    );
  });
  return app;
}
