import type { Banner } from './banner';
import type { ChatConnection, Frame } from './connection';
import { artistOf } from './rooms';

export interface ChatMessage {
  roomId: string;
  seq: number;
  senderId: string;
  senderName: string;
  clientMessageId: string;
  body: string;
  sentAt: string;
}

const PAGE = 30;
const NEAR_TOP_PX = 40;
/** Small rooms get presence pushed (a `presence` frame); this poll only backs up large rooms. */
const PRESENCE_POLL_MS = 30_000;
/** How long a seq gap may stay open before history is asked (deliveries may arrive out of order). */
const REORDER_WINDOW_MS = 500;
/** Several joins at once cost one refresh. */
const PRESENCE_DEBOUNCE_MS = 150;

/** What to tell the person for a refused join, by error code. */
const JOIN_ADVICE: Record<string, string> = {
  invalid_request: 'the room name is not valid: change ?room= in the address',
  unauthorized: 'your connection was not recognised: reload the page to sign in again',
  forbidden: 'you may not enter this room',
};

/**
 * One room on screen: messages in seq order (deduplicated, so a retry or a history page never
 * shows one twice), older pages loaded when scrolled to the top, gaps after a reconnect filled
 * from history, and the presence list.
 */
export class RoomView {
  private readonly messages = new Map<number, ChatMessage>();
  private olderCursor: string | null = null;
  private loadingOlder = false;
  private presenceTimer?: number;
  /** Presence frames received: the page exposes the count for its tests. */
  presenceEvents = 0;
  private readonly artist: string | undefined;

  constructor(
    private readonly connection: ChatConnection,
    private readonly roomId: string,
    private readonly elements: { messages: HTMLElement; members: HTMLElement; count: HTMLElement },
    private readonly banner: Banner,
  ) {
    this.artist = artistOf(roomId);
    elements.messages.addEventListener('scroll', () => {
      if (elements.messages.scrollTop < NEAR_TOP_PX) void this.loadOlder();
    });
    window.setInterval(() => void this.refreshMembers().catch(() => undefined), PRESENCE_POLL_MS);
  }

  /** On every (re)connect: join, then newest history (fills whatever was missed), then presence. */
  async enter(): Promise<void> {
    const joined = await this.connection.request({ action: 'join', roomId: this.roomId });
    if (joined.type === 'error') {
      const advice = JOIN_ADVICE[String(joined['code'])] ?? 'try again later';
      return this.banner.show(`could not join #${this.roomId}: ${String(joined['message'] ?? joined['code'])}. What to do: ${advice}`);
    }
    const page = await this.connection.request({ action: 'history', roomId: this.roomId, limit: PAGE });
    if (page.type === 'error') return this.showError(page);
    if (this.messages.size === 0) this.olderCursor = (page['cursor'] as string | null) ?? null;
    this.add(page['items'] as ChatMessage[], true);
    await this.refreshMembers();
  }

  onFrame(frame: Frame): void {
    if (frame.type === 'message' && frame['roomId'] === this.roomId) {
      const message = frame as unknown as ChatMessage;
      const newest = Math.max(0, ...this.messages.keys());
      this.add([message], this.nearBottom());
      // Delivery is at-least-once and may reorder slightly: a jump in seq gets a short window for
      // the missing ones to arrive, then history fills whatever is still missing (e.g. after a
      // reconnect). Duplicates are dropped by seq in add().
      if (newest > 0 && message.seq > newest + 1) this.fillGapSoon(newest + 1, message.seq - 1);
    } else if (frame.type === 'presence' && frame['roomId'] === this.roomId) {
      this.presenceEvents++;
      document.body.dataset['presenceEvents'] = String(this.presenceEvents);
      window.clearTimeout(this.presenceTimer);
      this.presenceTimer = window.setTimeout(() => void this.refreshMembers().catch(() => undefined), PRESENCE_DEBOUNCE_MS);
    }
  }

  private fillGapSoon(from: number, to: number): void {
    window.setTimeout(() => {
      for (let seq = from; seq <= to; seq++) {
        if (!this.messages.has(seq)) return void this.enter().catch(() => undefined);
      }
    }, REORDER_WINDOW_MS);
  }

  async send(body: string): Promise<void> {
    const clientMessageId = crypto.randomUUID().replaceAll('-', '');
    const ack = await this.connection.request({ action: 'send', roomId: this.roomId, clientMessageId, body });
    if (ack.type === 'error') this.showError(ack);
    else this.banner.hide();
  }

  async refreshMembers(): Promise<void> {
    const reply = await this.connection.request({ action: 'members', roomId: this.roomId, limit: 100 });
    if (reply.type !== 'members') return;
    const items = (reply['members'] as { userId: string; name: string }[]).map((m) => {
      const li = document.createElement('li');
      li.textContent = m.name;
      li.dataset['userId'] = m.userId;
      return li;
    });
    this.elements.members.replaceChildren(...items);
    this.elements.count.textContent = `(${items.length}${reply['cursor'] ? '+' : ''})`;
  }

  private async loadOlder(): Promise<void> {
    if (!this.olderCursor || this.loadingOlder) return;
    this.loadingOlder = true;
    try {
      const page = await this.connection.request({ action: 'history', roomId: this.roomId, limit: PAGE, cursor: this.olderCursor });
      if (page.type === 'error') return this.showError(page);
      const before = this.elements.messages.scrollHeight;
      this.add(page['items'] as ChatMessage[], false);
      // Keep the reader where they were while older messages appear above.
      this.elements.messages.scrollTop += this.elements.messages.scrollHeight - before;
      this.olderCursor = (page['cursor'] as string | null) ?? null;
    } finally {
      this.loadingOlder = false;
    }
  }

  private add(items: ChatMessage[], scrollToEnd: boolean): void {
    const fresh = items.filter((m) => !this.messages.has(m.seq));
    if (fresh.length === 0) return;
    const newest = Math.max(0, ...this.messages.keys());
    for (const m of fresh) this.messages.set(m.seq, m);
    const [only] = fresh;
    if (fresh.length === 1 && only && only.seq > newest) {
      // The common case, a live delivery: append instead of rebuilding the list.
      this.elements.messages.append(this.render(only));
    } else {
      const ordered = [...this.messages.values()].sort((a, b) => a.seq - b.seq);
      this.elements.messages.replaceChildren(...ordered.map((m) => this.render(m)));
    }
    if (scrollToEnd) this.elements.messages.scrollTop = this.elements.messages.scrollHeight;
  }

  private nearBottom(): boolean {
    const el = this.elements.messages;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  }

  private showError(frame: Frame): void {
    this.banner.show(`${String(frame['code'] ?? 'error')}: ${String(frame['message'] ?? '')}`);
  }

  private render(m: ChatMessage): HTMLElement {
    return renderMessage(m, this.artist !== undefined && m.senderId === this.artist);
  }
}

/** A message row; the artist's own posts in their broadcast room carry a badge and the display name. */
function renderMessage(m: ChatMessage, byArtist: boolean): HTMLElement {
  const row = document.createElement('div');
  row.className = byArtist ? 'message artist-post' : 'message';
  row.dataset['seq'] = String(m.seq);
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = m.senderName || m.senderId;
  who.title = m.senderId;
  if (byArtist) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = 'artist';
    row.append(badge);
  }
  const body = document.createElement('span');
  body.className = 'body';
  body.textContent = m.body;
  const when = document.createElement('time');
  when.className = 'when';
  when.dateTime = m.sentAt;
  when.textContent = new Date(m.sentAt).toLocaleTimeString();
  row.append(who, body, when);
  return row;
}
