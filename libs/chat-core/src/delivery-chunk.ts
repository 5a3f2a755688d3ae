import * as z from './zod';

/**
 * One unit of fan-out work on the chunk queue: a message's frame (serialized once by the stream
 * consumer) and the connections to post it to. `round` counts re-queues of posts that kept
 * failing, so a worker knows when to stop trying.
 */
export const deliveryChunkSchema = z.object({
  roomId: z.string().check(z.minLength(1)),
  seq: z.int().check(z.positive()),
  sentAt: z.string(),
  frame: z.string().check(z.minLength(2)),
  connectionIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  round: z._default(z.int().check(z.minimum(0)), 0),
});

export type DeliveryChunk = z.infer<typeof deliveryChunkSchema>;

/** Splits ids into chunks of at most `size`, in order. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunk size must be a positive integer, not ${size}`);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
