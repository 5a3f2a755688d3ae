import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { sign } from 'aws4';
import { WebSocket } from 'ws';
import { MAX_PAYLOAD_BYTES } from '@relay/chat-core';
import { LocalWebSocketGateway } from './gateway';

/**
 * What a posted frame looks like on the socket: the gateway forwards the bytes it was given
 * as a text frame, and must never put invalid UTF-8 on the wire (the client would close 1007).
 */
let gateway: LocalWebSocketGateway;
let management: ApiGatewayManagementApiClient;

beforeAll(async () => {
  gateway = new LocalWebSocketGateway({ stage: 'local' });
  const { managementEndpoint } = await gateway.start();
  gateway.setRoutes({ $connect: async () => ({ statusCode: 200 }) });
  management = new ApiGatewayManagementApiClient({ endpoint: managementEndpoint, region: 'us-east-1', credentials: gateway.managementCredentials });
});

afterAll(async () => {
  management.destroy();
  await gateway.stop();
});

async function connected(): Promise<{ socket: WebSocket; frames: { text: string; binary: boolean }[]; closed: number[]; connectionId: string }> {
  const before = new Set(gateway.connectionIds());
  const socket = new WebSocket(gateway.wsUrl);
  const frames: { text: string; binary: boolean }[] = [];
  const closed: number[] = [];
  socket.on('message', (data: Buffer, binary) => frames.push({ text: data.toString('utf8'), binary }));
  socket.on('close', (code) => closed.push(code));
  await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
  const connectionId = gateway.connectionIds().find((id) => !before.has(id));
  if (!connectionId) throw new Error('the gateway did not register the connection');
  return { socket, frames, closed, connectionId };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('LocalWebSocketGateway @connections', () => {
  it('delivers posted UTF-8 as the same text, multi-byte characters included', async () => {
    const client = await connected();
    const text = JSON.stringify({ type: 'message', body: 'drop 🎤 — café, 東京' });
    await management.send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: Buffer.from(text) }));
    await until(() => client.frames.length === 1);
    expect(client.frames[0]).toEqual({ text, binary: false });
    client.socket.close();
  });

  it('turns bytes that are not UTF-8 into replacement characters; the socket stays open', async () => {
    const client = await connected();
    await management.send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: Buffer.from([0x6f, 0x6b, 0xff, 0xfe, 0xc3]) }));
    await management.send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: Buffer.from('after') }));
    await until(() => client.frames.length === 2);
    expect(client.frames).toEqual([
      { text: 'ok\uFFFD\uFFFD\uFFFD', binary: false },
      { text: 'after', binary: false },
    ]);
    expect(client.closed).toEqual([]);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.socket.close();
  });

  /** A raw signed POST (aws4, as a plain caller signs), so size, region and target can be varied. */
  async function signedPost(options: { bytes: number; region?: string; appendQuery?: string }): Promise<{ status: number; type?: string; message: string }> {
    const url = new URL(gateway.managementEndpoint);
    const path = `${url.pathname}/@connections/${encodeURIComponent('no-such-connection')}`;
    const body = Buffer.alloc(options.bytes, 'a');
    const signed = sign(
      {
        host: url.host,
        path,
        method: 'POST',
        service: 'execute-api',
        region: options.region ?? 'us-east-1',
        body,
        headers: { 'content-type': 'application/octet-stream' },
      },
      gateway.managementCredentials,
    );
    const target = options.appendQuery ? `${path}?${options.appendQuery}` : path;
    const res = await fetch(`${url.origin}${target}`, { method: 'POST', headers: signed.headers as Record<string, string>, body });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('x-amzn-errortype') ?? undefined, message: text };
  }

  it('answers a correctly signed oversized post 413, up to four times the limit', async () => {
    for (const bytes of [MAX_PAYLOAD_BYTES + 1, 200 * 1024, 4 * MAX_PAYLOAD_BYTES]) {
      expect(await signedPost({ bytes })).toMatchObject({ status: 413, type: 'PayloadTooLargeException' });
    }
    // Within the limit the same caller is authenticated and reaches the connection lookup.
    expect(await signedPost({ bytes: 10 })).toMatchObject({ status: 410, type: 'GoneException' });
  });

  it('refuses a signature scoped to another region, and one whose query was appended after signing', async () => {
    const foreign = await signedPost({ bytes: 10, region: 'eu-west-1' });
    expect(foreign).toMatchObject({ status: 403 });
    expect(foreign.message).toContain('signed for region eu-west-1, not us-east-1');
    for (const appendQuery of ['x=1', 'a', 'connectionId=other&z=%20']) {
      const appended = await signedPost({ bytes: 10, appendQuery });
      expect(appended).toMatchObject({ status: 403 });
      expect(appended.message).toContain('signature does not match');
    }
  });
});

describe('LocalWebSocketGateway stage throttle', () => {
  it("mirrors the stage's rate and burst: frames past the burst are answered by the gateway, and no handler runs for them", async () => {
    const throttled = new LocalWebSocketGateway({ stage: 'local', stageThrottle: { rateLimit: 1, burstLimit: 3 } });
    await throttled.start();
    let invoked = 0;
    throttled.setRoutes({
      $connect: async () => ({ statusCode: 200 }),
      ping: async () => {
        invoked++;
        return { statusCode: 200, body: JSON.stringify({ type: 'pong' }) };
      },
    });
    const socket = new WebSocket(throttled.wsUrl);
    const frames: Record<string, unknown>[] = [];
    socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>));
    await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
    for (let i = 0; i < 6; i++) socket.send(JSON.stringify({ action: 'ping' }));
    await until(() => frames.length === 6);
    expect(invoked).toBe(3);
    expect(frames.filter((f) => f['type'] === 'pong')).toHaveLength(3);
    const refused = frames.filter((f) => f['message'] === 'Too Many Requests');
    expect(refused).toHaveLength(3);
    expect(refused[0]).toEqual({ message: 'Too Many Requests', connectionId: expect.any(String), requestId: expect.any(String) });
    socket.close();
    await throttled.stop();
  });
});
