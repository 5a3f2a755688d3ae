import type { ChatMessage } from '@relay/chat-core';
import type { Page } from '@relay/chat-store';

/**
 * The newest history page of recently read rooms, per function instance, keyed by the room's
 * last seq when it was read. Everyone entering a room at once (a push notification, a deploy's
 * reconnects on first load) asks for the same page: each is answered with one strongly
 * consistent read of the room's counter instead of a page query, and a page is only reused
 * while the counter says nothing was posted since. A page is kept only if it already holds
 * that last seq, so a write still in flight is never cached as absent.
 */
export class NewestPageCache {
  private readonly pages = new Map<string, { seq: number; page: Page<ChatMessage> }>();

  constructor(private readonly maxEntries = 1_000) {}

  get(roomId: string, limit: number, latestSeq: number): Page<ChatMessage> | undefined {
    const entry = this.pages.get(key(roomId, limit));
    return entry?.seq === latestSeq ? entry.page : undefined;
  }

  /** Keeps `page` for `latestSeq` when it is that complete; answers whether it did. */
  offer(roomId: string, limit: number, latestSeq: number, page: Page<ChatMessage>): boolean {
    if ((page.items[0]?.seq ?? 0) !== latestSeq) return false;
    const k = key(roomId, limit);
    this.pages.delete(k);
    if (this.pages.size >= this.maxEntries) {
      const oldest = this.pages.keys().next();
      if (!oldest.done) this.pages.delete(oldest.value);
    }
    this.pages.set(k, { seq: latestSeq, page });
    return true;
  }

  get size(): number {
    return this.pages.size;
  }
}

const key = (roomId: string, limit: number) => `${limit}:${roomId}`;
