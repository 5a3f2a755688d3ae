import { createHash, type Hash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { HTTPParser, type OnHeadersCompleteParser } from 'http-parser-js';

type HeaderInfo = Parameters<OnHeadersCompleteParser>[0];

/** One whole request: headers with lower-case names (repeats joined by ", ", as Node does). */
export interface LeanRequest {
  method: string;
  /** The request target as sent (path and query). */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The body was longer than maxBodyBytes: `body` holds only its start. */
  bodyTooLarge: boolean;
  /**
   * For a body over maxBodyBytes (and within four times it), the SHA-256 (hex) of all of it,
   * hashed as it streamed past: a signed request can still be authenticated, then refused 413.
   */
  bodySha256?: string;
}

export interface LeanResponse {
  /** Answers once; the answers on a socket go out in the order its requests came. */
  send(status: number, headers?: Record<string, string>, body?: string | Buffer): void;
  /** Drops the connection without an answer, as a reset socket does. */
  destroy(): void;
}

export interface LeanHttpServerOptions {
  maxBodyBytes: number;
  maxHeaderBytes?: number;
  /** An idle keep-alive socket (or one sending a request this slowly) is closed after this long. */
  keepAliveTimeoutMs?: number;
  onError?: (message: string, error: unknown) => void;
}

const OK_EMPTY = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 'latin1');
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
const DIGITS = /^\d{1,15}$/;

/** An answer's bytes; a HEAD answer says how long the body would be, and sends none. */
function encodeAnswer(status: number, headers: Record<string, string> | undefined, body: Buffer, close: boolean, omitBody = false): Buffer {
  let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-length: ${body.length}\r\n`;
  for (const name in headers) text += `${name}: ${headers[name]}\r\n`;
  const start = Buffer.from(`${text}${close ? 'connection: close\r\n' : ''}\r\n`, 'latin1');
  return omitBody ? start : Buffer.concat([start, body]);
}

/** A request's place in its socket's answer queue. */
interface Slot {
  answer?: Buffer;
  close: boolean;
}

/** One client socket: parses its requests, and writes its answers in request order. */
class LeanConnection {
  private readonly parser = new HTTPParser(HTTPParser.REQUEST);
  private readonly slots: Slot[] = [];
  private info?: HeaderInfo;
  private headers: Record<string, string> = {};
  private chunks: Buffer[] = [];
  private size = 0;
  /** Hashes a body once it outgrows maxBodyBytes, so its digest survives the bytes being dropped. */
  private overflow?: Hash;
  private refused?: { status: number; message: string };
  /** The request being read asked for a 100 Continue that earlier answers still hold back. */
  private continueOwed = false;
  private closing = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: LeanHttpServerOptions,
    private readonly handle: (request: LeanRequest, response: LeanResponse) => void,
  ) {
    this.parser.maxHeaderSize = options.maxHeaderBytes ?? 16 * 1024;
    this.parser[HTTPParser.kOnHeadersComplete] = (info: HeaderInfo) => this.onHeaders(info);
    this.parser[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number) => this.onBody(chunk, offset, length);
    this.parser[HTTPParser.kOnMessageComplete] = () => this.onMessage();
    socket.setNoDelay(true);
    socket.setTimeout(options.keepAliveTimeoutMs ?? 5000, () => {
      // Only an idle socket, or a request that stalls mid-way, is timed out; a handler's answer is awaited.
      if (this.slots.length === 0) socket.destroy();
    });
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('error', () => undefined); // a peer that resets is its own problem
  }

  private onData(data: Buffer): void {
    if (this.closing) return;
    const parsed = this.parser.execute(data);
    if (parsed instanceof Error) this.refuse(/header size/.test(parsed.message) ? 431 : 400, `malformed request: ${parsed.message}`);
  }

  private onHeaders(info: HeaderInfo): number | void {
    this.info = info;
    this.chunks = [];
    this.size = 0;
    this.overflow = undefined;
    this.refused = undefined;
    // Lower-case names, repeats joined: read once here for the framing checks and the handler.
    const headers: Record<string, string> = (this.headers = {});
    let lengths = 0;
    let chunked = false;
    let expectsContinue = false;
    // The parser counts header bytes only across reads; a request that came whole is measured here.
    let headerBytes = info.url.length;
    for (let i = 0; i < info.headers.length; i += 2) {
      const name = (info.headers[i] ?? '').toLowerCase();
      // The parser hands values over trimmed.
      const value = info.headers[i + 1] ?? '';
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      headerBytes += name.length + value.length + 4;
      if (name === 'content-length') {
        lengths++;
        if (!DIGITS.test(value)) this.refused = { status: 400, message: 'invalid content-length' };
      } else if (name === 'transfer-encoding') chunked = true;
      else if (name === 'expect' && /^100-continue$/i.test(value)) expectsContinue = true;
    }
    // Framing that two parsers could read two ways is refused, never guessed at.
    if (lengths > 1 || (lengths > 0 && chunked)) this.refused = { status: 400, message: 'ambiguous message framing' };
    if (info.upgrade) this.refused = { status: 400, message: 'this endpoint does not upgrade connections' };
    if (headerBytes > this.parser.maxHeaderSize) this.refused = { status: 431, message: 'request headers too large' };
    // A refused request gets its refusal as the final answer, never a 100 first. An interim answer
    // keeps request order like any other: behind earlier requests' answers still pending.
    this.continueOwed = expectsContinue && !this.refused;
    if (this.continueOwed && this.slots.length === 0) this.sendContinue();
    // Skip a body whose length cannot be trusted: the connection closes after the answer anyway.
    return this.refused ? 2 : undefined;
  }

  private onBody(chunk: Buffer, offset: number, length: number): void {
    this.size += length;
    const part = chunk.subarray(offset, offset + length);
    if (this.size <= this.options.maxBodyBytes) this.chunks.push(part);
    // Past four times the limit the rest is not worth reading: answer and hang up.
    else if (this.size > 4 * this.options.maxBodyBytes) this.refuse(413, 'request body too large');
    else {
      if (!this.overflow) {
        this.overflow = createHash('sha256');
        for (const kept of this.chunks) this.overflow.update(kept);
      }
      this.overflow.update(part);
    }
  }

  private onMessage(): void {
    const info = this.info;
    if (!info || this.closing) return;
    this.info = undefined;
    // The body is here: a 100 not sent yet is no longer wanted.
    this.continueOwed = false;
    if (this.refused) return this.refuse(this.refused.status, this.refused.message);
    const slot: Slot = { close: !info.shouldKeepAlive };
    this.slots.push(slot);
    let answered = false;
    const answer = (bytes: Buffer, close: boolean) => {
      if (answered) return;
      answered = true;
      slot.answer = bytes;
      slot.close ||= close;
      this.flush();
    };
    const request: LeanRequest = {
      method: HTTPParser.methods[info.method] ?? 'GET',
      url: info.url,
      headers: this.headers,
      body: Buffer.concat(this.chunks),
      bodyTooLarge: this.size > this.options.maxBodyBytes,
      ...(this.overflow ? { bodySha256: this.overflow.digest('hex') } : {}),
    };
    const response: LeanResponse = {
      send: (status, extra, body) => {
        if (status === 200 && !extra && !body) return answer(OK_EMPTY, false);
        const bytes = body === undefined ? Buffer.alloc(0) : typeof body === 'string' ? Buffer.from(body) : body;
        answer(encodeAnswer(status, extra, bytes, slot.close, request.method === 'HEAD'), slot.close);
      },
      destroy: () => {
        answered = true;
        this.closing = true;
        this.socket.destroy();
      },
    };
    try {
      this.handle(request, response);
    } catch (error) {
      this.options.onError?.('request handler threw', error);
      response.send(500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'internal error' }));
    }
  }

  private flush(): void {
    for (let slot = this.slots[0]; slot?.answer; slot = this.slots[0]) {
      this.slots.shift();
      if (this.socket.destroyed) return;
      this.socket.write(slot.answer);
      if (slot.close) {
        this.closing = true;
        this.slots.length = 0;
        this.socket.end();
        return;
      }
    }
    if (this.continueOwed && this.slots.length === 0) this.sendContinue();
  }

  private sendContinue(): void {
    this.continueOwed = false;
    if (!this.socket.destroyed) this.socket.write(CONTINUE);
  }

  /** A request that cannot be read on: answer it (after those before it) and close. */
  private refuse(status: number, message: string): void {
    if (this.closing) return;
    this.closing = true;
    const body = Buffer.from(JSON.stringify({ message }));
    this.slots.push({ answer: encodeAnswer(status, { 'content-type': 'application/json' }, body, true), close: true });
    this.flush();
  }
}

/**
 * A small HTTP/1.1 server for one hot local endpoint (the @connections API, one request per
 * delivered post): Node's http server spends ~60 us of CPU a request here against ~30 for this,
 * on the same event loop as every WebSocket. Requests are parsed by http-parser-js; anything it
 * cannot frame unambiguously (bad or doubled Content-Length, both framings, oversized headers,
 * an upgrade) is answered 4xx and the socket closed, and answers on a socket keep request order.
 */
export class LeanHttpServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(options: LeanHttpServerOptions, handle: (request: LeanRequest, response: LeanResponse) => void) {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      new LeanConnection(socket, options, handle);
    });
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }
}
