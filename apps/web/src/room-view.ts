import { RoomSync, type ChatConnection, type ChatMessage, type Frame } from '@relay/chat-client';
import type { Banner } from './banner';
import { artistOf } from './rooms';

const PAGE = 30;
const NEAR_TOP_PX = 40;
/** Several joins at once cost one refresh. */
const PRESENCE_DEBOUNCE_MS = 150;

/** What to tell the person for a refused join, by error code. */
const JOIN_ADVICE: Record<string, string> = {
  invalid_request: 'the room name is not valid: change ?room= in the address',
  unauthorized: 'your connection was not recognised: reload the page to sign in again',
  forbidden: 'you may not enter this room',
};

/**
 * One room on screen, drawn from its RoomSync (@relay/chat-client): messages in seq order
 * (each once), older pages when scrolled to the top, and the member list for those who see it.
 * An artist room's audience is never shown presence, so it never reads the member list.
 */
export class RoomView {
  private readonly sync: RoomSync;
  private loadingOlder = false;
  private presenceTimer?: ReturnType<typeof setTimeout>;
  /** Presence frames received: the page exposes the count for its tests. */
  presenceEvents = 0;
  private readonly artist: string | undefined;

  constructor(
    connection: ChatConnection,
    roomId: string,
    private readonly elements: { messages: HTMLElement; members: HTMLElement; count: HTMLElement },
    private readonly banner: Banner,
    /** Who this client signed in as, when known: in an artist room only the artist sees members. */
    user?: string,
  ) {
    this.artist = artistOf(roomId);
    const audience = this.artist !== undefined && user !== this.artist;
    this.sync = new RoomSync(
      connection,
      roomId,
      {
        messages: (fresh, source) => this.draw(fresh, source),
        members: (reply) => this.drawMembers(reply),
        problem: (frame) => this.showError(frame),
        joinRefused: (frame) => {
          const advice = JOIN_ADVICE[String(frame['code'])] ?? 'try again later';
          this.banner.show(`could not join #${roomId}: ${String(frame['message'] ?? frame['code'])}. What to do: ${advice}`);
        },
        presence: () => {
          this.presenceEvents++;
          document.body.dataset['presenceEvents'] = String(this.presenceEvents);
          clearTimeout(this.presenceTimer);
          this.presenceTimer = setTimeout(() => void this.sync.refreshMembers().catch(() => undefined), PRESENCE_DEBOUNCE_MS);
        },
      },
      { pageSize: PAGE, members: !audience },
    );
    if (audience) elements.members.closest('aside')?.setAttribute('hidden', '');
    elements.messages.addEventListener('scroll', () => {
      if (elements.messages.scrollTop < NEAR_TOP_PX) void this.loadOlder();
    });
  }

  /** On every (re)connect: join, then only what this page lacks, then the member list. */
  enter(): Promise<void> {
    return this.sync.enter();
  }

  onFrame(frame: Frame): void {
    this.sync.onFrame(frame);
  }

  async send(body: string): Promise<void> {
    const clientMessageId = crypto.randomUUID().replaceAll('-', '');
    const ack = await this.sync.send(body, clientMessageId);
    if (ack.type === 'error') this.showError(ack);
    else this.banner.hide();
  }

  private drawMembers(reply: Frame): void {
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
    if (this.loadingOlder) return;
    this.loadingOlder = true;
    try {
      const before = this.elements.messages.scrollHeight;
      if (await this.sync.loadOlder()) {
        // Keep the reader where they were while older messages appear above.
        this.elements.messages.scrollTop += this.elements.messages.scrollHeight - before;
      }
    } finally {
      this.loadingOlder = false;
    }
  }

  private draw(fresh: ChatMessage[], source: 'live' | 'history' | 'older'): void {
    const [only] = fresh;
    const newestBefore = Math.max(0, ...[...this.sync.held.keys()].filter((seq) => !fresh.some((m) => m.seq === seq)));
    const stickToEnd = source === 'history' || this.nearBottom();
    if (fresh.length === 1 && only && only.seq > newestBefore) {
      // The common case, a live delivery: append instead of rebuilding the list.
      this.elements.messages.append(this.render(only));
    } else {
      const ordered = [...this.sync.held.values()].sort((a, b) => a.seq - b.seq);
      this.elements.messages.replaceChildren(...ordered.map((m) => this.render(m)));
    }
    if (source !== 'older' && stickToEnd) this.elements.messages.scrollTop = this.elements.messages.scrollHeight;
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
