export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

export interface Frame {
  type?: string;
  requestId?: string;
  [key: string]: unknown;
}

export interface Backoff {
  baseMs: number;
  maxMs: number;
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
  private socket?: WebSocket;
  private attempt = 0;
  private counter = 0;
  private readonly pending = new Map<string, { resolve: (f: Frame) => void; reject: (e: Error) => void; timer: number }>();

  constructor(
    private readonly url: () => Promise<string>,
    private readonly backoff: Backoff = { baseMs: 500, maxMs: 15_000 },
  ) {}

  start(): void {
    void this.open();
  }

  request(frame: Record<string, unknown>, timeoutMs = 10_000): Promise<Frame> {
    const requestId = `w${++this.counter}`;
    return new Promise((resolve, reject) => {
      if (this.socket?.readyState !== WebSocket.OPEN) return reject(new Error('not connected'));
      const timer = window.setTimeout(() => {
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
    } catch {
      return this.retry();
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.onState('open');
      this.onOpen();
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      let frame: Frame;
      try {
        frame = JSON.parse(event.data) as Frame;
      } catch {
        return;
      }
      const waiter = frame.requestId ? this.pending.get(frame.requestId) : undefined;
      if (waiter && frame.requestId) {
        this.pending.delete(frame.requestId);
        window.clearTimeout(waiter.timer);
        waiter.resolve(frame);
      } else {
        this.onFrame(frame);
      }
    };
    socket.onclose = () => {
      for (const { reject, timer } of this.pending.values()) {
        window.clearTimeout(timer);
        reject(new Error('connection lost'));
      }
      this.pending.clear();
      this.retry();
    };
  }

  private retry(): void {
    this.onState('reconnecting');
    window.setTimeout(() => void this.open(), reconnectDelay(this.attempt++, this.backoff));
  }
}
