import { WebSocket } from 'k6/websockets';
import { clearTimeout, setTimeout } from 'k6/timers';

export interface Frame {
  type?: string;
  requestId?: string;
  [key: string]: unknown;
}

export interface ChatMessageFrame extends Frame {
  type: 'message';
  roomId: string;
  seq: number;
  sentAt: string;
  clientMessageId: string;
}

export const isMessage = (f: Frame): f is ChatMessageFrame => f.type === 'message';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The chat protocol over k6/websockets: request/reply correlated by requestId, every other
 * frame (deliveries) handed to `onFrame`, which is wired before the socket even opens.
 */
export class ChatSocket {
  private readonly socket: WebSocket;
  private readonly pending = new Map<string, (frame: Frame | null) => void>();
  private counter = 0;
  private readonly open: Promise<boolean>;
  onFrame: (frame: Frame) => void = () => undefined;

  constructor(url: string, token: string, tags: Record<string, string> = {}) {
    this.socket = new WebSocket(`${url}?token=${encodeURIComponent(token)}`, null, { tags });
    this.open = new Promise((resolve) => {
      this.socket.addEventListener('open', () => resolve(true));
      this.socket.addEventListener('error', () => resolve(false));
      this.socket.addEventListener('close', () => {
        resolve(false);
        for (const settle of this.pending.values()) settle(null);
        this.pending.clear();
      });
    });
    this.socket.addEventListener('message', (event) => {
      if (!('data' in event)) return;
      const frame = JSON.parse(String(event.data)) as Frame;
      const settle = frame.requestId ? this.pending.get(frame.requestId) : undefined;
      if (settle && frame.requestId) {
        this.pending.delete(frame.requestId);
        settle(frame);
      } else {
        this.onFrame(frame);
      }
    });
  }

  /** True once open; false if the handshake was refused or failed. */
  opened(): Promise<boolean> {
    return this.open;
  }

  /** Sends a frame and resolves with its reply, or null on timeout or close. */
  request(frame: Record<string, unknown>, timeoutMs = 10_000): Promise<Frame | null> {
    const requestId = `r${++this.counter}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        resolve(null);
      }, timeoutMs);
      this.pending.set(requestId, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.socket.send(JSON.stringify({ ...frame, requestId }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** Latest sequence number in a history reply (0 for an empty room). */
export function latestSeq(reply: Frame | null): number {
  const items = (reply?.['items'] as { seq: number }[] | undefined) ?? [];
  return items[0]?.seq ?? 0;
}
