import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { MAX_PAYLOAD_BYTES, TokenBucket } from '@relay/chat-core';
import { listen, type RunningServer } from '@relay/dynamo-emulator';
import type { WsLambda, WsResult } from './lambda-types';
import { LeanHttpServer, type LeanRequest, type LeanResponse } from './lean-http-server';
import { LOCAL_REGION } from './local-region';
import { verifyManagementSignature, type ManagementCredentials, type SigningExpectation } from './management-auth';
import { connectEvent, disconnectEvent, messageEvent, newConnectionId, selectRoute, type EventContext } from './ws-events';

export interface GatewayOptions {
  port?: number;
  stage: string;
  /**
   * The stage's default route throttle (the stack's `defaultRouteSettings`: requests/s and
   * burst), shared by every connection's frames as on AWS; unlimited when absent.
   */
  stageThrottle?: StageThrottle;
  /** Management API limit (posts per second, burst); unlimited when absent. */
  managementRateLimit?: { ratePerSecond: number; burst: number };
  /**
   * Failure tests: answer every Nth POST with 429, whatever the speed of the machine (a rate
   * limit only trips when the posts outrun it, which a slow, busy box may never do).
   */
  throttleEveryNthPost?: number;
  /** Failure tests: drop the connection of every Nth POST, as a reset keep-alive socket does. */
  resetEveryNthPost?: number;
  /** How long an idle @connections keep-alive socket stays open (Node's default is 5 s). */
  keepAliveTimeoutMs?: number;
  /** The region @connections signatures must be scoped to (LOCAL_REGION unless given). */
  region?: string;
  /** What @connections callers must sign with (SigV4); random per gateway unless given. */
  managementCredentials?: ManagementCredentials;
  onError?: (message: string, error: unknown) => void;
}

/** An API Gateway stage's throttle, as platform-config records it per environment. */
export interface StageThrottle {
  rateLimit: number;
  burstLimit: number;
}

/** Failure injection on @connections posts, changeable while the gateway runs. */
export type PostFaults = Pick<GatewayOptions, 'throttleEveryNthPost' | 'resetEveryNthPost'> & {
  /**
   * Benchmarks: a post takes this long, as one to API Gateway does from Lambda (the frame
   * reaches the socket halfway, the reply at the end), so the local run can be set beside the model.
   */
  postLatencyMs?: number;
};

interface Connection {
  socket: WebSocket;
  ctx: EventContext;
  lastActiveAt: number;
}

/** Frames larger than this are cut off by the socket itself (close 1009) instead of buffered. */
const HARD_SOCKET_LIMIT = 4 * MAX_PAYLOAD_BYTES;
const MANAGEMENT_PATH = /^(?:\/[^/@]+)?\/@connections\/([^/?]+)$/;

/** decodeURIComponent that answers undefined for a malformed escape instead of throwing. */
function decodePathSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * A local API Gateway WebSocket API: $connect decides the handshake, frames are routed on
 * `action` and their route response is sent back, close runs $disconnect, and the
 * `@connections` management API posts to sockets (410 when gone, 429 when throttled).
 */
export class LocalWebSocketGateway {
  private readonly connections = new Map<string, Connection>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: HARD_SOCKET_LIMIT });
  private readonly server = createServer((req, res) => this.handleHttp(req, res));
  private readonly management: LeanHttpServer;
  private managementPort?: number;
  private routes: Record<string, WsLambda> = {};
  private routeKeys: ReadonlySet<string> = new Set();
  private readonly bucket?: TokenBucket;
  private readonly stageBucket?: TokenBucket;
  private running?: RunningServer;
  private inFlight = new Set<Promise<unknown>>();
  private posts = 0;
  private faults: PostFaults;
  private routeListener?: (routeKey: string, connectionId: string) => void;
  readonly managementCredentials: ManagementCredentials;
  private readonly signing: SigningExpectation;

  constructor(private readonly options: GatewayOptions) {
    this.faults = { throttleEveryNthPost: options.throttleEveryNthPost, resetEveryNthPost: options.resetEveryNthPost };
    if (options.stageThrottle) this.stageBucket = new TokenBucket(options.stageThrottle.rateLimit, options.stageThrottle.burstLimit);
    if (options.managementRateLimit) {
      this.bucket = new TokenBucket(options.managementRateLimit.ratePerSecond, options.managementRateLimit.burst);
    }
    this.management = new LeanHttpServer(
      { maxBodyBytes: MAX_PAYLOAD_BYTES, keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 5000, onError: options.onError },
      (req, res) => this.handleManagementRequest(req, res),
    );
    this.managementCredentials = options.managementCredentials ?? {
      accessKeyId: 'LOCALRELAYMANAGEMENT',
      secretAccessKey: randomBytes(30).toString('base64url'),
    };
    this.signing = { credentials: this.managementCredentials, region: options.region ?? LOCAL_REGION, service: 'execute-api' };
    // Whatever a client sends, the server answers and stays up: no request can throw out of here.
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined); // a peer that resets mid-handshake is its own problem
      this.handleUpgrade(req, socket, head).catch((error: unknown) => {
        this.options.onError?.('upgrade failed', error);
        refuseUpgrade(socket, 400, JSON.stringify({ message: 'bad request' }));
      });
    });
  }

  /**
   * routeKey ($connect, $disconnect, $default, or an action) to handler. Set after start()
   * because handlers read the management endpoint from their environment when they load.
   */
  setRoutes(routes: Record<string, WsLambda>): void {
    this.routes = { ...routes };
    this.routeKeys = new Set(Object.keys(routes).filter((k) => !k.startsWith('$')));
  }

  async start(): Promise<{ wsUrl: string; managementEndpoint: string }> {
    this.running = await listen(this.server, this.options.port ?? 0);
    this.managementPort = await this.management.listen(0);
    return { wsUrl: this.wsUrl, managementEndpoint: this.managementEndpoint };
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/${this.options.stage}`;
  }

  /**
   * What the SDK's ApiGatewayManagementApiClient takes as `endpoint`. On AWS it shares the
   * WebSocket API's host; here it has a port of its own, served by a lean HTTP server, because
   * it takes one request per delivered post on the event loop that holds every socket.
   */
  get managementEndpoint(): string {
    if (this.managementPort === undefined) throw new Error('gateway is not started');
    return `http://127.0.0.1:${this.managementPort}/${this.options.stage}`;
  }

  private get port(): number {
    if (!this.running) throw new Error('gateway is not started');
    return this.running.port;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Open connection ids, as API Gateway would name them in events. */
  connectionIds(): string[] {
    return [...this.connections.keys()];
  }

  /**
   * Failure tests: every socket dropped at once, as a deploy or a network blip drops them (no
   * close frame; the clients see an abnormal closure). $disconnect runs for each; the gateway
   * keeps listening. Answers how many were dropped.
   */
  dropAllConnections(): number {
    const sockets = [...this.connections.values()].map(({ socket }) => socket);
    for (const socket of sockets) socket.terminate();
    return sockets.length;
  }

  /** Ends every socket (running $disconnect for each), then stops listening. */
  async stop(): Promise<void> {
    const closed = [...this.connections.values()].map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.terminate();
        }),
    );
    await Promise.all(closed);
    await this.settle();
    await this.management.close();
    await this.running?.close();
  }

  /** Resolves once every handler invocation started so far has finished. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async invoke(routeKey: string, event: Record<string, unknown>): Promise<WsResult | 'crashed' | undefined> {
    const handler = this.routes[routeKey];
    if (!handler) return undefined;
    const run = handler(event).then(
      (result) => result ?? undefined,
      (error: unknown) => {
        this.options.onError?.(`${routeKey} handler threw`, error);
        return 'crashed' as const;
      },
    );
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const ctx: EventContext = {
      connectionId: newConnectionId(),
      connectedAt: Date.now(),
      domainName: req.headers.host ?? '127.0.0.1',
      stage: this.options.stage,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: req.headers['user-agent'],
    };
    const event = connectEvent(ctx, req);
    if (!event) return refuseUpgrade(socket, 400, JSON.stringify({ message: 'invalid request target' }));
    const result = await this.invoke('$connect', event);
    const status = result === 'crashed' ? 500 : (result?.statusCode ?? 200);
    if (status < 200 || status >= 300) {
      return refuseUpgrade(socket, status, result !== 'crashed' && result?.body ? result.body : '');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.register(ws, ctx));
  }

  private register(socket: WebSocket, ctx: EventContext): void {
    const connection: Connection = { socket, ctx, lastActiveAt: Date.now() };
    this.connections.set(ctx.connectionId, connection);
    socket.on('message', (data: Buffer, isBinary) => {
      connection.lastActiveAt = Date.now();
      void this.handleFrame(connection, data, isBinary);
    });
    socket.on('error', (error) => this.options.onError?.('socket error', error));
    socket.on('close', (code, reason) => {
      this.connections.delete(ctx.connectionId);
      void this.invoke('$disconnect', disconnectEvent(ctx, code, reason.toString('utf8')));
    });
  }

  private async handleFrame(connection: Connection, data: Buffer, isBinary: boolean): Promise<void> {
    const { ctx, socket } = connection;
    if (data.length > MAX_PAYLOAD_BYTES) {
      // API Gateway would drop the socket; a clear error frame keeps the client's other work alive.
      sendIfOpen(socket, errorFrame('payload_too_large', `payload is ${data.length} bytes; the limit is ${MAX_PAYLOAD_BYTES}`));
      return;
    }
    const body = isBinary ? data.toString('base64') : data.toString('utf8');
    const routeKey = isBinary ? '$default' : selectRoute(body, this.routeKeys);
    const event = messageEvent(ctx, routeKey, body, isBinary);
    if (this.stageBucket && !this.stageBucket.take().ok) {
      // Throttled before the integration: no Lambda runs. AWS documents a 429 "Too Many
      // Requests" for throttled requests; the frame's shape follows the integration-error
      // frame below (not a recorded AWS response).
      sendIfOpen(socket, gatewayErrorFrame('Too Many Requests', ctx.connectionId, event));
      return;
    }
    this.routeListener?.(routeKey, ctx.connectionId);
    const result = await this.invoke(routeKey, event);
    if (result === 'crashed') {
      // What API Gateway sends when the integration fails.
      sendIfOpen(socket, gatewayErrorFrame('Internal server error', ctx.connectionId, event));
    } else if (result?.body) {
      sendIfOpen(socket, result.body);
    }
  }

  private handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (MANAGEMENT_PATH.test(path)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `the @connections API is at ${this.managementEndpoint}` }));
      return;
    }
    res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required\n');
  }

  private handleManagementRequest(req: LeanRequest, res: LeanResponse): void {
    const path = req.url.split('?')[0] ?? '';
    const match = MANAGEMENT_PATH.exec(path);
    if (!match) return managementError(res, 404, 'NotFoundException', `no route for ${req.method} ${path}`);
    const connectionId = decodePathSegment(match[1] ?? '');
    if (connectionId === undefined) return managementError(res, 400, 'BadRequestException', 'connection id is not validly percent-encoded');
    // An oversized body is authenticated by the digest of all of it, then refused for its size.
    const payload = req.bodySha256 === undefined ? req.body : { sha256: req.bodySha256 };
    verifyManagementSignature(req, payload, this.signing)
      .then((refused) => {
        if (refused) return managementError(res, 403, 'ForbiddenException', `@connections needs a SigV4 signature: ${refused}`);
        if (req.bodyTooLarge) return managementError(res, 413, 'PayloadTooLargeException', 'data exceeds 128 KB');
        this.handleManagement(req.method, connectionId, req.body, res);
      })
      .catch((error: unknown) => {
        this.options.onError?.('management request failed', error);
        managementError(res, 400, 'BadRequestException', 'bad request');
      });
  }

  /** Tests: hears every frame routed to a handler (route key and connection), as access logs would show it. */
  setRouteListener(listener: ((routeKey: string, connectionId: string) => void) | undefined): void {
    this.routeListener = listener;
  }

  /** Failure tests: from now on, throttle or reset every Nth post (undefined turns a fault off). */
  setFaults(faults: PostFaults): void {
    this.faults = { ...faults };
  }

  private handleManagement(method: string, connectionId: string, body: Buffer, res: LeanResponse): void {
    const connection = this.connections.get(connectionId);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) {
      return managementError(res, 410, 'GoneException', `connection ${connectionId} is gone`);
    }
    if (method === 'POST') {
      this.posts++;
      if (this.faults.resetEveryNthPost !== undefined && this.posts % this.faults.resetEveryNthPost === 0) {
        res.destroy();
        return;
      }
      const injected = this.faults.throttleEveryNthPost !== undefined && this.posts % this.faults.throttleEveryNthPost === 0;
      if (injected || (this.bucket && !this.bucket.take().ok)) {
        return managementError(res, 429, 'LimitExceededException', 'rate exceeded');
      }
      const latency = this.faults.postLatencyMs ?? 0;
      if (latency <= 0) {
        sendText(connection.socket, body);
        res.send(200);
        return;
      }
      setTimeout(() => sendText(connection.socket, body), latency / 2);
      setTimeout(() => res.send(200), latency);
    } else if (method === 'GET') {
      const { ctx, lastActiveAt } = connection;
      res.send(
        200,
        { 'content-type': 'application/json' },
        // API Gateway's wire names (the SDK maps them to ConnectedAt, Identity.SourceIp, ...).
        JSON.stringify({
          connectedAt: new Date(ctx.connectedAt).toISOString(),
          lastActiveAt: new Date(lastActiveAt).toISOString(),
          identity: { sourceIp: ctx.sourceIp, userAgent: ctx.userAgent },
        }),
      );
    } else if (method === 'DELETE') {
      connection.socket.close(1000, 'closed by server');
      res.send(204);
    } else {
      managementError(res, 405, 'BadRequestException', `method ${method} not allowed`);
    }
  }
}

/**
 * Posted data goes out as a text frame. Valid UTF-8 (every frame Relay posts) is sent as the
 * bytes that arrived, without a decode and re-encode per recipient; anything else is decoded
 * with replacement characters first, so no client ever receives an invalid text frame.
 */
function sendText(socket: WebSocket, data: Buffer): void {
  if (isUtf8(data)) socket.send(data, { binary: false });
  else socket.send(data.toString('utf8'));
}

function managementError(res: LeanResponse, status: number, type: string, message: string): void {
  res.send(status, { 'content-type': 'application/json', 'x-amzn-errortype': type }, JSON.stringify({ message }));
}

function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** A frame API Gateway itself answers with (not the integration's route response). */
function gatewayErrorFrame(message: string, connectionId: string, event: Record<string, unknown>): string {
  return JSON.stringify({ message, connectionId, requestId: (event['requestContext'] as { requestId: string }).requestId });
}

function errorFrame(code: string, message: string): string {
  return JSON.stringify({ type: 'error', code, message });
}

function sendIfOpen(socket: WebSocket, data: string): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(data);
}
