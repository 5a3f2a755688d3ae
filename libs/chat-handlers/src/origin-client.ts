import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { HTTPParser, type OnHeadersCompleteParser } from 'http-parser-js';

type HeaderInfo = Parameters<OnHeadersCompleteParser>[0];

/** A whole answer: the status and (up to 64 KB of) the body, kept for error messages. */
export interface OriginResponse {
  status: number;
  body: Buffer;
}

export interface OriginClientOptions {
  /** http: or https: origin; the path of each request is its own. */
  origin: URL;
  maxSockets: number;
  /** A request not answered in full within this long fails with a TimeoutError and its socket is dropped. */
  requestTimeoutMs: number;
  /**
   * An idle socket older than this is closed instead of reused. Servers close idle keep-alive
   * sockets (Node after 5 s, load balancers after a minute or more), and a request written into
   * a socket the server is closing is lost to a reset: cheaper never to race it.
   */
  idleTimeoutMs?: number;
  /** Extra TLS settings (tests trust their own CA here). */
  tls?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized'>;
}

const MAX_KEPT_BODY = 64 * 1024;
const DEFAULT_IDLE_TIMEOUT_MS = 4000;
// Header values and the request target go on the wire verbatim: printable ASCII and tabs only.
const UNSAFE = /[^\t\x20-\x7e]/;

function transportError(message: string, code: string, name = 'Error'): Error {
  return Object.assign(new Error(message), { name, code });
}

const hangUp = () => transportError('socket hang up', 'ECONNRESET');

interface Exchange {
  resolve(response: OriginResponse): void;
  reject(error: Error): void;
  deadline: number;
  status: number;
  chunks: Buffer[];
  kept: number;
}

/** One keep-alive socket with at most one exchange in flight (no pipelining). */
class PooledSocket {
  readonly parser = new HTTPParser(HTTPParser.RESPONSE);
  exchange?: Exchange;
  idleSince = 0;
  private finished?: Exchange;
  private endedAt = 0;
  private keepAlive = true;
  private unexpected = false;
  private closed = false;

  constructor(
    readonly socket: Socket,
    private readonly pool: OriginClient,
  ) {
    this.parser[HTTPParser.kOnHeadersComplete] = (info: HeaderInfo) => this.onHeaders(info);
    this.parser[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number) => this.onBody(chunk, offset, length);
    this.parser[HTTPParser.kOnMessageComplete] = () => this.onComplete();
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('end', () => {
      // A body delimited by the close (no length, not chunked) ends here.
      if (this.exchange) this.parser.finish();
      this.settle();
      this.destroy(hangUp());
    });
    socket.on('error', (error: Error) => this.destroy(error));
    socket.on('close', () => this.destroy(hangUp()));
  }

  send(head: Buffer, body: Buffer, exchange: Exchange): void {
    this.exchange = exchange;
    this.socket.ref();
    this.socket.write(body.length > 0 ? Buffer.concat([head, body]) : head);
  }

  private onHeaders(info: HeaderInfo): void {
    const exchange = this.exchange;
    if (!exchange) {
      this.unexpected = true;
      return;
    }
    exchange.status = info.statusCode;
    this.keepAlive = info.shouldKeepAlive;
  }

  private onBody(chunk: Buffer, offset: number, length: number): void {
    const exchange = this.exchange;
    if (!exchange) {
      this.unexpected = true;
      return;
    }
    if (exchange.status < 200) return;
    if (exchange.kept < MAX_KEPT_BODY) exchange.chunks.push(chunk.subarray(offset, offset + Math.min(length, MAX_KEPT_BODY - exchange.kept)));
    exchange.kept += length;
  }

  private onComplete(): void {
    const exchange = this.exchange;
    if (!exchange) {
      this.unexpected = true;
      return;
    }
    // 1xx answers (103 Early Hints, a stray 100 Continue) come before the real one.
    if (exchange.status < 200) return;
    this.exchange = undefined;
    this.finished = exchange;
    // Where the answer ended in the current read: bytes after it mean the server sent more than
    // it was asked for, and the socket is not trusted with another request.
    this.endedAt = (this.parser as unknown as { offset?: number }).offset ?? Infinity;
  }

  private onData(data: Buffer): void {
    if (!this.exchange) return this.destroy(transportError('data arrived on an idle connection', 'ECONNRESET'));
    const parsed = this.parser.execute(data);
    if (parsed instanceof Error) return this.destroy(transportError(`malformed HTTP response: ${parsed.message}`, 'HPE_INVALID', 'NetworkingError'));
    if (this.finished && this.endedAt < data.length) this.unexpected = true;
    this.settle();
  }

  /** Hands a completed answer over, and the socket back to the pool when it can carry another. */
  private settle(): void {
    const done = this.finished;
    if (!done) return;
    this.finished = undefined;
    if (this.keepAlive && !this.unexpected && !this.closed) this.pool.release(this);
    else this.destroy(hangUp());
    done.resolve({ status: done.status, body: Buffer.concat(done.chunks) });
  }

  destroy(error: Error): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    if (!this.closed) {
      this.closed = true;
      this.socket.destroy();
      this.pool.forget(this);
    }
    exchange?.reject(error);
  }
}

/**
 * A keep-alive HTTP/1.1 client for one origin: the smallest thing that posts one request and
 * reads one answer per socket, for the fan-out's @connections posts. Node's http client costs
 * ~90 us of CPU a request here (ClientRequest, IncomingMessage, the agent's bookkeeping, three
 * streams); this costs ~30, and the response parser is http-parser-js (chunked, sized and
 * close-delimited bodies, keep-alive rules). Errors carry Node's codes (ECONNRESET,
 * ECONNREFUSED, ...) and a TimeoutError name, which delivery's retry rules read.
 */
export class OriginClient {
  private readonly idle: PooledSocket[] = [];
  private readonly busy = new Set<PooledSocket>();
  private readonly waiting: { grant(socket: PooledSocket): void; fail(error: Error): void; deadline: number }[] = [];
  private readonly host: string;
  private readonly port: number;
  private readonly secure: boolean;
  private readonly idleTimeoutMs: number;
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly options: OriginClientOptions) {
    const { protocol, hostname, port } = options.origin;
    if (protocol !== 'http:' && protocol !== 'https:') throw new Error(`origin must be http: or https:, not ${protocol}`);
    if (!(options.maxSockets >= 1)) throw new Error('maxSockets must be at least 1');
    this.secure = protocol === 'https:';
    this.host = hostname.replace(/^\[|\]$/g, '');
    this.port = port ? Number(port) : this.secure ? 443 : 80;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  }

  /** Sockets open now (in use or idle). */
  get openSockets(): number {
    return this.idle.length + this.busy.size;
  }

  async request(method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<OriginResponse> {
    let head = `${method} ${path} HTTP/1.1\r\n`;
    if (UNSAFE.test(path) || path.includes(' ')) throw new Error(`request target ${JSON.stringify(path)} is not printable ASCII`);
    for (const [name, value] of Object.entries(headers)) {
      if (UNSAFE.test(value)) throw new Error(`header ${name} has a character that cannot be sent`);
      head += `${name}: ${value}\r\n`;
    }
    const bytes = Buffer.from(`${head}\r\n`, 'latin1');
    const socket = await this.acquire();
    return new Promise<OriginResponse>((resolve, reject) => {
      socket.send(bytes, body, { resolve, reject, deadline: Date.now() + this.options.requestTimeoutMs, status: 0, chunks: [], kept: 0 });
    });
  }

  /** Drops every socket; requests in flight fail with a reset. */
  close(): void {
    for (const socket of [...this.idle, ...this.busy]) socket.destroy(hangUp());
    for (const waiter of this.waiting.splice(0)) waiter.fail(transportError('client closed', 'ECONNABORTED'));
  }

  private acquire(): Promise<PooledSocket> {
    const now = Date.now();
    // Last in, first out: the warmest socket, and the cold ones age out.
    for (let socket = this.idle.pop(); socket; socket = this.idle.pop()) {
      if (now - socket.idleSince < this.idleTimeoutMs) return Promise.resolve(this.use(socket));
      socket.destroy(hangUp());
    }
    if (this.busy.size < this.options.maxSockets) return Promise.resolve(this.use(this.open()));
    this.sweep();
    return new Promise((grant, fail) => this.waiting.push({ grant, fail, deadline: now + this.options.requestTimeoutMs }));
  }

  private use(socket: PooledSocket): PooledSocket {
    this.busy.add(socket);
    this.sweep();
    return socket;
  }

  private open(): PooledSocket {
    const socket = this.secure
      ? tlsConnect({
          host: this.host,
          port: this.port,
          // SNI names hosts, never addresses (RFC 6066).
          ...(isIP(this.host) ? {} : { servername: this.host }),
          ALPNProtocols: ['http/1.1'],
          ...this.options.tls,
        })
      : netConnect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    return new PooledSocket(socket, this);
  }

  release(socket: PooledSocket): void {
    const waiter = this.waiting.shift();
    if (waiter) return waiter.grant(socket);
    this.busy.delete(socket);
    socket.idleSince = Date.now();
    socket.socket.unref();
    this.idle.push(socket);
  }

  forget(socket: PooledSocket): void {
    this.busy.delete(socket);
    const at = this.idle.indexOf(socket);
    if (at >= 0) this.idle.splice(at, 1);
    // A slot came free: the next waiter gets a fresh socket.
    const waiter = this.busy.size < this.options.maxSockets ? this.waiting.shift() : undefined;
    if (waiter) waiter.grant(this.use(this.open()));
  }

  /** One coarse timer for every deadline, instead of a timer per request. */
  private sweep(): void {
    if (this.sweeper) return;
    const period = Math.max(20, Math.min(1000, this.options.requestTimeoutMs / 5));
    this.sweeper = setInterval(() => {
      const now = Date.now();
      // Expired waiters first: a socket freed by a timeout below must not go to one of them.
      for (let first = this.waiting[0]; first && first.deadline <= now; first = this.waiting[0]) {
        this.waiting.shift();
        first.fail(transportError(`no socket free within ${this.options.requestTimeoutMs} ms`, 'ETIMEDOUT', 'TimeoutError'));
      }
      for (const socket of this.busy) {
        if (socket.exchange && socket.exchange.deadline <= now) {
          socket.destroy(transportError(`no answer within ${this.options.requestTimeoutMs} ms`, 'ETIMEDOUT', 'TimeoutError'));
        }
      }
      if (this.busy.size === 0 && this.waiting.length === 0) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, period);
    this.sweeper.unref();
  }
}
