import type { ChatConnection, Frame } from './connection';

export interface ChatMessage {
  roomId: string;
  seq: number;
  senderId: string;
  senderName: string;
  clientMessageId: string;
  body: string;
  sentAt: string;
}

export interface RoomSyncOptions {
  /** Newest page on first entry, and the page size of a catch-up. */
  pageSize?: number;
  /** How long a seq gap may stay open before history is asked (deliveries may arrive out of order). */
  reorderWindowMs?: number;
  /**
   * Whether this client shows the member list. An artist room's audience never does, so it never
   * asks: in a 100,000-member room that is a 100-row read per member per (re)connect saved.
   */
  members?: boolean;
  /** The member list is polled this often (large rooms get no presence pushes), each client at its own phase. */
  membersPollMs?: number;
  random?: () => number;
}

/** What a caller hears about: messages new to it, the member list, and refusals. */
export interface RoomSyncEvents {
  messages(fresh: ChatMessage[], source: 'live' | 'history' | 'older'): void;
  members(reply: Frame): void;
  problem(frame: Frame): void;
  joinRefused(frame: Frame): void;
  presence(frame: Frame): void;
}

/** Sends of one request refused `rate_limited` before the refusal is shown. */
const RATE_LIMITED_ATTEMPTS = 5;

/** Largest page the server serves (chat-core MAX_PAGE_SIZE). */
const MAX_PAGE = 100;

/**
 * One room's copy of the conversation, kept complete with as few reads as possible: every seq
 * held once, a reconnect re-joins and reads only what the join says it lacks, a gap left after
 * the reorder window is read exactly (`after` the last seq before it, as many as are missing),
 * and older pages on demand. Framework-free: the web client renders from it, tests drive it
 * over real sockets.
 */
export class RoomSync {
  readonly held = new Map<number, ChatMessage>();
  /** Seqs history was asked for and does not have (a twin's burned number): never asked again. */
  private readonly absent = new Set<number>();
  /** Requests sent, by action: what a storm costs, as this client saw it. */
  readonly sent: Record<string, number> = {};
  private olderCursor: string | null = null;
  private readonly pageSize: number;
  private readonly reorderWindowMs: number;
  private readonly random: () => number;
  private gapTimer?: ReturnType<typeof setTimeout>;
  private catchingUp?: Promise<void>;
  private pollTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly connection: ChatConnection,
    readonly roomId: string,
    private readonly events: Partial<RoomSyncEvents>,
    private readonly options: RoomSyncOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 30;
    this.reorderWindowMs = options.reorderWindowMs ?? 500;
    this.random = options.random ?? Math.random;
  }

  /** The highest seq held (0 for none). */
  get newest(): number {
    let newest = 0;
    for (const seq of this.held.keys()) if (seq > newest) newest = seq;
    return newest;
  }

  /**
   * On every (re)connect: join; the join's answer says the room's last seq, so history is read
   * only when something was stored that this client lacks (after its newest), or, on first
   * entry, the newest page. Then the member list, for clients that show it.
   */
  async enter(): Promise<void> {
    const joined = await this.request({ action: 'join', roomId: this.roomId });
    if (joined.type === 'error') return this.events.joinRefused?.(joined);
    const lastSeq = typeof joined['lastSeq'] === 'number' ? joined['lastSeq'] : undefined;
    if (this.held.size === 0) {
      if (lastSeq !== 0) {
        const page = await this.request({ action: 'history', roomId: this.roomId, limit: this.pageSize });
        if (page.type === 'error') return this.events.problem?.(page);
        this.olderCursor = (page['cursor'] as string | null) ?? null;
        this.add(page['items'] as ChatMessage[], 'history');
      }
    } else if (lastSeq === undefined || lastSeq > this.newest) {
      await this.catchUp(this.newest, lastSeq === undefined ? undefined : lastSeq - this.newest);
    }
    if (this.options.members ?? true) {
      this.schedulePoll();
      await this.refreshMembers();
    }
  }

  onFrame(frame: Frame): void {
    if (frame['roomId'] !== this.roomId) return;
    if (frame.type === 'message') {
      const message = frame as unknown as ChatMessage;
      const before = this.newest;
      this.add([message], 'live');
      // Delivery is at-least-once and may reorder slightly: a jump in seq gets a short window
      // for the missing ones to arrive before history is read for them.
      if (before > 0 && message.seq > before + 1) this.checkGapSoon();
    } else if (frame.type === 'presence') {
      this.events.presence?.(frame);
    }
  }

  /** Older messages above the oldest held, one page; false when there are none left. */
  async loadOlder(): Promise<boolean> {
    if (!this.olderCursor) return false;
    const page = await this.request({ action: 'history', roomId: this.roomId, limit: this.pageSize, cursor: this.olderCursor });
    if (page.type === 'error') {
      this.events.problem?.(page);
      return false;
    }
    this.olderCursor = (page['cursor'] as string | null) ?? null;
    this.add(page['items'] as ChatMessage[], 'older');
    return true;
  }

  /** Posts a message; the ack (or error) is the answer, the message itself arrives as a delivery. */
  send(body: string, clientMessageId: string): Promise<Frame> {
    return this.request({ action: 'send', roomId: this.roomId, clientMessageId, body });
  }

  async refreshMembers(): Promise<void> {
    if (!(this.options.members ?? true)) return;
    const reply = await this.request({ action: 'members', roomId: this.roomId, limit: 100 });
    if (reply.type === 'members') this.events.members?.(reply);
  }

  /** Seqs missing between the oldest and newest held (what a gap-fill would read). */
  missing(): number[] {
    const seqs = [...this.held.keys()].sort((a, b) => a - b);
    const gaps: number[] = [];
    for (let i = 1; i < seqs.length; i++) {
      for (let seq = (seqs[i - 1] ?? 0) + 1; seq < (seqs[i] ?? 0); seq++) if (!this.absent.has(seq)) gaps.push(seq);
    }
    return gaps;
  }

  stop(): void {
    clearTimeout(this.gapTimer);
    clearTimeout(this.pollTimer);
  }

  /** One request; refused `rate_limited`, it is sent again when the server says (a few times at most). */
  private async request(frame: Record<string, unknown>): Promise<Frame> {
    const action = String(frame['action']);
    for (let attempt = 1; ; attempt++) {
      this.sent[action] = (this.sent[action] ?? 0) + 1;
      const reply = await this.connection.request(frame);
      if (reply['code'] !== 'rate_limited' || attempt >= RATE_LIMITED_ATTEMPTS) return reply;
      const wait = Number((reply['details'] as { retryAfterMs?: unknown } | undefined)?.retryAfterMs);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, Number.isFinite(wait) && wait > 0 ? wait : 100)));
    }
  }

  private checkGapSoon(): void {
    if (this.gapTimer !== undefined) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      // The first run of missing seqs, read exactly; a later run is looked at when it ends.
      const missing = this.missing();
      const [first] = missing;
      if (first === undefined) return;
      let run = 1;
      while (missing[run] === first + run) run++;
      void this.catchUp(first - 1, run).catch(() => undefined);
    }, this.reorderWindowMs);
  }

  /**
   * Reads what follows `after`, `count` messages when the caller knows how many it lacks,
   * otherwise page by page until a short page. One catch-up at a time: a second gap found
   * meanwhile is looked at again when this one ends.
   */
  private async catchUp(after: number, count?: number): Promise<void> {
    if (this.catchingUp) return this.catchingUp;
    let answered = false;
    const run = async () => {
      let from = after;
      let left = count;
      for (;;) {
        const limit = Math.max(1, Math.min(MAX_PAGE, left ?? this.pageSize));
        const page = await this.request({ action: 'history', roomId: this.roomId, after: from, limit });
        if (page.type === 'error') return this.events.problem?.(page);
        const items = page['items'] as ChatMessage[];
        answered = true;
        this.add(items, 'history');
        const last = items[items.length - 1];
        if (!last || items.length < limit) return;
        if (left !== undefined) {
          left -= items.length;
          if (left <= 0) return;
        }
        from = last.seq;
      }
    };
    this.catchingUp = run().finally(() => {
      this.catchingUp = undefined;
      if (answered && count !== undefined) for (let seq = after + 1; seq <= after + count; seq++) if (!this.held.has(seq)) this.absent.add(seq);
      if (this.missing().length > 0) this.checkGapSoon();
    });
    return this.catchingUp;
  }

  private schedulePoll(): void {
    if (this.pollTimer !== undefined) return;
    const period = this.options.membersPollMs ?? 30_000;
    // Each client polls at its own phase, drawn afresh every round, so members reads of a room
    // that reconnected together do not stay bunched together.
    const next = () => {
      this.pollTimer = setTimeout(
        () => {
          void this.refreshMembers()
            .catch(() => undefined)
            .finally(next);
        },
        period / 2 + this.random() * period,
      );
    };
    next();
  }

  private add(items: ChatMessage[], source: 'live' | 'history' | 'older'): void {
    const fresh = items.filter((m) => !this.held.has(m.seq));
    if (fresh.length === 0) return;
    for (const m of fresh) this.held.set(m.seq, m);
    this.events.messages?.(fresh, source);
  }
}
