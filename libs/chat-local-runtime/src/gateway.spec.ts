import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocket } from 'ws';
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
});
