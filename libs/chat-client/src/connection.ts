export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'refused';

/** A problem retrying cannot fix (a bad room or user name, no way to sign in): shown, not retried. */
export class FatalConnectionError extends Error {}

/** After this many handshakes in a row that never opened, the person is told what is going on. */
const REFUSED_HANDSHAKES_BEFORE_NOTICE = 3;

export interface Frame {
  type?: string;
  requestId?: string;
  [key: string]: unknown;
}

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** API Gateway closes every WebSocket 2 hours after it opened. */
export const CONNECTION_LIMIT_MS = 2 * 60 * 60 * 1000;

/**
 * When to renew a socket: uniformly between 100 and 115 minutes after it opened, so the limit
 * never drops a room at once and the renewals of sockets opened together spread over 15 minutes.
 */
export function renewalDelay(random = Math.random): number {
  return CONNECTION_LIMIT_MS - 20 * 60 * 1000 + Math.floor(random() * 15 * 60 * 1000);
}

/** Full-jitter exponential backoff, so a room full of clients does not reconnect in lockstep. */
export function reconnectDelay(attempt: number, backoff: Backoff, random = Math.random): number {
  return Math.floor(random() * Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt));
}

/**
 * The chat WebSocket: request/reply matched by requestId, other frames handed to onFrame, and
 * reconnects with backoff for as long as the page lives (the token is fetched afresh each time).
 */
export class ChatConnection {
  onFrame: (frame: Frame) => void = () => undefined;
  onState: (state: ConnectionState) => void = () => undefined;
  /** Called on every (re)connect: the place to re-join and fill gaps. */
  onOpen: () => void = () => undefined;
  /** Something the person should know: why the page is not connected, and what to do. */
  onProblem: (message: string, fatal: boolean) => void = () => undefined;
  private socket?: WebSocket;
  private renewal?: ReturnType<typeof setTimeout>;
  private attempt = 0;
  private failedHandshakes = 0;
  private stopped = false;
  private counter = 0;
  private readonly pending = new Map<string, { resolve: (f: Frame) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly url: () => Promise<string>,
    private readonly backoff: Backoff = { baseMs: 500, maxMs: 15_000 },
    /** How long after opening a socket is renewed (before API Gateway's 2-hour limit closes it). */
    private readonly renewAfter: () => number = renewalDelay,
  ) {}

  start(): void {
    void this.open();
  }

  /** Gives up for good: the socket closes and no reconnect follows. */
  stop(message: string): void {
    this.stopped = true;
    clearTimeout(this.renewal);
    this.onState('refused');
    this.onProblem(message, true);
    this.socket?.close();
  }

  request(frame: Record<string, unknown>, timeoutMs = 10_000): Promise<Frame> {
    const requestId = `w${++this.counter}`;
    return new Promise((resolve, reject) => {
      if (this.socket?.readyState !== WebSocket.OPEN) return reject(new Error('not connected'));
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`no reply to ${String(frame['action'])} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ ...frame, requestId }));
    });
  }

  private async open(): Promise<void> {
    this.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let socket: WebSocket;
    try {
      socket = new WebSocket(await this.url());
    } catch (error) {
      if (error instanceof FatalConnectionError) return this.stop(error.message);
      this.onProblem(`cannot reach the chat (${error instanceof Error ? error.message : String(error)}); retrying`, false);
      return this.retry();
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.failedHandshakes = 0;
      this.onState('open');
      // Renewed at a time of this client's own: a reconnect at once, no backoff, and onOpen
      // catches up on whatever arrived in between.
      clearTimeout(this.renewal);
      this.renewal = setTimeout(() => socket.close(1000, 'renewing before the connection limit'), this.renewAfter());
      this.onOpen();
    };
    socket.onmessage = (event: { data: unknown }) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(event.data)) as Frame;
      } catch {
        return;
      }
      const waiter = frame.requestId ? this.pending.get(frame.requestId) : undefined;
      if (waiter && frame.requestId) {
        this.pending.delete(frame.requestId);
        clearTimeout(waiter.timer);
        waiter.resolve(frame);
      } else {
        this.onFrame(frame);
      }
    };
    socket.onclose = () => {
      clearTimeout(this.renewal);
      for (const { reject, timer } of this.pending.values()) {
        clearTimeout(timer);
        reject(new Error('connection lost'));
      }
      this.pending.clear();
      if (this.stopped) return;
      // Browsers hide the handshake's status; repeated refusals are most likely a rejected sign-in.
      if (!opened && ++this.failedHandshakes === REFUSED_HANDSHAKES_BEFORE_NOTICE) {
        this.onProblem(
          'the chat keeps refusing the connection: your sign-in may have expired or be invalid. Reload the page to sign in again; retrying meanwhile',
          false,
        );
      }
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped) return;
    this.onState('reconnecting');
    setTimeout(() => void this.open(), reconnectDelay(this.attempt++, this.backoff));
  }
}
