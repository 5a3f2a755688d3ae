import { LocalWebSocketGateway } from '@relay/serverless-emulator';
import { CONNECTION_LIMIT_MS, ChatConnection, renewalDelay } from './connection';

describe('socket renewal', () => {
  it('renews between 100 and 115 minutes after opening: before the 2-hour limit, spread over 15 minutes', () => {
    expect(renewalDelay(() => 0)).toBe(100 * 60 * 1000);
    expect(renewalDelay(() => 0.999999)).toBeLessThan(115 * 60 * 1000);
    expect(renewalDelay(() => 0.999999)).toBeLessThan(CONNECTION_LIMIT_MS);
    const spread = new Set(Array.from({ length: 200 }, () => Math.floor(renewalDelay() / 60_000)));
    expect(spread.size).toBeGreaterThan(10);
  });

  it('closes the socket when renewal is due and opens a new one at once, entering again', async () => {
    const gateway = new LocalWebSocketGateway({ stage: 'local' });
    await gateway.start();
    gateway.setRoutes({ $connect: async () => ({ statusCode: 200 }) });
    const connection = new ChatConnection(
      async () => gateway.wsUrl,
      { baseMs: 50, maxMs: 100 },
      () => 300,
    );
    const opened: string[] = [];
    connection.onOpen = () => opened.push(gateway.connectionIds().join(','));
    connection.start();
    const deadline = Date.now() + 10_000;
    while (opened.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    connection.stop('done');
    expect(opened.length).toBeGreaterThanOrEqual(3);
    // Each opening is a new connection, and the old one is gone by then.
    expect(new Set(opened).size).toBe(opened.length);
    expect(opened.every((ids) => !ids.includes(','))).toBe(true);
    await gateway.stop();
  });
});
