import { DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ChatClient } from '@relay/chat-local-runtime';
import { startLocalStack, type LocalStack } from '@relay/local-stack';

jest.setTimeout(90_000);

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(__dirname, '../../../reports/web');
let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startLocalStack({ logLevel: 'ERROR' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No background networking: this machine reaches nothing but 127.0.0.1.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function open(user: string, room: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
  page.on('pageerror', (error) => console.error(`[${user}] ${error.message}`));
  await page.goto(`${stack.webUrl ?? ''}/?room=${room}&user=${user}`);
  await page.waitForSelector('#status[data-state="open"]');
  return page;
}

describe('web client in headless Chromium', () => {
  it('two people in a room exchange a message and see each other online', async () => {
    const alice = await open('alice', 'lobby');
    const bob = await open('bob', 'lobby');
    await bob.waitForSelector('#members li[data-user-id="alice"]');

    await alice.fill('#text', 'hi bob, new single is out');
    await alice.press('#text', 'Enter');
    await bob.waitForSelector('.message .body:text("hi bob, new single is out")');
    await alice.waitForSelector('.message .body:text("hi bob, new single is out")');
    expect(await bob.locator('.message .who').last().textContent()).toBe('alice');

    await bob.fill('#text', 'congrats!');
    await bob.press('#text', 'Enter');
    await alice.waitForSelector('.message .body:text("congrats!")');
    expect(await alice.locator('.message .body').allTextContents()).toEqual(['hi bob, new single is out', 'congrats!']);

    await alice.screenshot({ path: path.join(SCREENSHOTS, 'alice.png') });
    await bob.screenshot({ path: path.join(SCREENSHOTS, 'bob.png') });
    await Promise.all([alice.close(), bob.close()]);
  });

  it('loads older history when scrolled to the top', async () => {
    const writer = await ChatClient.connect(stack.runtime.wsUrl, await stack.runtime.issueToken('writer'));
    await writer.request({ action: 'join', roomId: 'archive' });
    for (let i = 1; i <= 70; i++) await writer.request({ action: 'send', roomId: 'archive', clientMessageId: `m${i}`, body: `message ${i}` });
    const reader = await open('reader', 'archive');
    await reader.waitForSelector('.message[data-seq="70"]');
    expect(await reader.locator('.message').count()).toBe(30);
    for (const seq of [40, 10, 1]) {
      await reader.locator('#messages').evaluate((el) => (el.scrollTop = 0));
      await reader.waitForSelector(`.message[data-seq="${seq}"]`);
    }
    expect(await reader.locator('.message').count()).toBe(70);
    expect(await reader.locator('.message .body').first().textContent()).toBe('message 1');
    await reader.close();
    await writer.close();
  });

  it('reconnects after the server drops the socket and catches up on what it missed', async () => {
    const page = await open('carol', 'resilient');
    const ids = stack.runtime.gateway.connectionIds();
    const writer = await ChatClient.connect(stack.runtime.wsUrl, await stack.runtime.issueToken('dave'));
    await writer.request({ action: 'join', roomId: 'resilient' });

    // Drop every browser connection from the server side, as API Gateway does at its 2 h limit.
    for (const ConnectionId of ids) await stack.runtime.management.send(new DeleteConnectionCommand({ ConnectionId }));
    await page.waitForSelector('#status[data-state="reconnecting"]');
    await writer.request({ action: 'send', roomId: 'resilient', clientMessageId: 'while-away', body: 'sent while you were away' });
    await page.waitForSelector('#status[data-state="open"]', { timeout: 30_000 });
    await page.waitForSelector('.message .body:text("sent while you were away")');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'reconnected.png') });
    await page.close();
    await writer.close();
  });
});
