import { Logger } from '@aws-lambda-powertools/logger';
import type { ChatClient } from '@relay/serverless-emulator';
import { deliverRecord, type DeliverDeps } from './deliver';
import { startDeliveryFixture, type DeliveryFixture } from './delivery-fixture';
import { createSignedPoster } from './signed-poster';
import { isRetryable } from './retry';

/**
 * Delivery through the failures that used to drop it silently: connection resets, idle
 * keep-alive sockets closed by the server, and a DynamoDB outage of a few seconds. Real sockets,
 * a real management API that misbehaves on purpose, real DynamoDB errors over HTTP.
 */
jest.setTimeout(60_000);

const logger = new Logger({ serviceName: 'deliver-faults', logLevel: 'SILENT' });
let fixture: DeliveryFixture;

beforeAll(async () => {
  // Every third post has its connection dropped; idle keep-alive sockets close after 300 ms.
  fixture = await startDeliveryFixture('deliver-faults', { resetEveryNthPost: 3, keepAliveTimeoutMs: 300 });
});

afterAll(() => fixture?.stop());

function deps(): DeliverDeps {
  return {
    stores: fixture.stores,
    logger,
    poster: createSignedPoster({ endpoint: fixture.gateway.managementEndpoint, region: 'us-east-1', maxSockets: 8 }),
    concurrency: 8,
    retry: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 50 },
  };
}

const room = async (roomId: string, count: number) => (await fixture.room(roomId, count)).listeners;
const stored = (roomId: string, clientMessageId: string) => fixture.stored(roomId, clientMessageId);

const copies = (client: ChatClient, id: string) => client.messages().filter((m) => m['clientMessageId'] === id).length;

describe('delivery through transient faults', () => {
  it('classifies resets and timeouts as retryable, and client errors as final', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const hangUp = new Error('socket hang up');
    const timeout = Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
    const badRequest = Object.assign(new Error('bad'), { name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
    expect([reset, hangUp, timeout].map(isRetryable)).toEqual([true, true, true]);
    expect(isRetryable(badRequest)).toBe(false);
  });

  it('retries posts whose connection was reset, so every live member gets the message once', async () => {
    const listeners = await room('resets', 30);
    const report = await deliverRecord(deps(), await stored('resets', 'r1'));
    expect(report).toMatchObject({ recipients: 30, delivered: 30, failed: 0 });
    expect(report!.retries).toBeGreaterThan(0);
    await Promise.all(listeners.map((l) => l.next((f) => f['clientMessageId'] === 'r1')));
    expect(listeners.map((l) => copies(l, 'r1'))).toEqual(Array(30).fill(1));
  });

  it('loses nothing across an idle gap longer than the keep-alive timeout', async () => {
    const listeners = await room('idle', 10);
    const delivery = deps();
    expect(await deliverRecord(delivery, await stored('idle', 'before'))).toMatchObject({ delivered: 10, failed: 0 });
    await new Promise((r) => setTimeout(r, 700)); // the server has closed every idle socket by now
    expect(await deliverRecord(delivery, await stored('idle', 'after'))).toMatchObject({ delivered: 10, failed: 0 });
    await Promise.all(listeners.map((l) => l.next((f) => f['clientMessageId'] === 'after')));
  });

  it('rides out a 5-second DynamoDB outage of the member query without failing the record', async () => {
    const listeners = await room('outage', 5);
    const record = await stored('outage', 'o1');
    const until = Date.now() + 5000;
    const heal = fixture.tap.failWhen((operation, body) => operation === 'Query' && body.includes('"outage"') && Date.now() < until);
    try {
      const report = await deliverRecord(deps(), record);
      expect(report).toMatchObject({ recipients: 5, delivered: 5, failed: 0 });
    } finally {
      heal();
    }
    expect(Date.now()).toBeGreaterThanOrEqual(until); // it really waited the outage out
    await Promise.all(listeners.map((l) => l.next((f) => f['clientMessageId'] === 'o1')));
  });
});
