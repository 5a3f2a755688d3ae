import WebSocket from 'ws';

export type Frame = Record<string, unknown> & { type?: string };

/**
 * A minimal chat client over a real WebSocket, for tests and benchmarks: it records every
 * frame with its arrival time and lets callers await the first frame matching a predicate.
 */
export class ChatClient {
  readonly frames: { frame: Frame; at: number }[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private requests = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as Frame;
      this.frames.push({ frame, at: performance.now() });
      this.waiters = this.waiters.filter((w) => !(w.match(frame) && (w.resolve(frame), true)));
    });
  }

  static async connect(wsUrl: string, token: string): Promise<ChatClient> {
    const socket = new WebSocket(`${wsUrl}?token=${encodeURIComponent(token)}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
      socket.once('error', reject);
    });
    return new ChatClient(socket);
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** Sends a frame with a fresh requestId and resolves with the reply that echoes it. */
  async request(frame: Record<string, unknown>, timeoutMs = 10_000): Promise<Frame> {
    const requestId = `r${++this.requests}`;
    const reply = this.next((f) => f['requestId'] === requestId, timeoutMs);
    this.socket.send(JSON.stringify({ ...frame, requestId }));
    return reply;
  }

  /** The first frame, already received or still to come, that matches. */
  next(match: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const seen = this.frames.find((f) => match(f.frame));
    if (seen) return Promise.resolve(seen.frame);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  messages(roomId?: string): Frame[] {
    return this.frames.map((f) => f.frame).filter((f) => f.type === 'message' && (!roomId || f['roomId'] === roomId));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
