import { DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ChatClient } from '@relay/serverless-emulator';
import { startLocalStack, type LocalStack } from '@relay/local-stack';
import { builtWebClient } from '../src/web-client';

jest.setTimeout(90_000);

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(__dirname, '../../../reports/web');
let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  // Said once, before anything starts, instead of as each test's launch failure.
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM} (CHROMIUM_PATH): install Debian's chromium as .ci/run does, or point CHROMIUM_PATH at one`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startLocalStack({ logLevel: 'ERROR', web: builtWebClient() });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No background networking: this machine reaches nothing but 127.0.0.1.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function open(user: string, room: string, viewport = { width: 900, height: 600 }): Promise<Page> {
  const page = await load(`?room=${room}&user=${user}`, viewport);
  await page.waitForSelector('#status[data-state="open"]');
  return page;
}

async function load(query: string, viewport = { width: 900, height: 600 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => console.error(`[${query}] ${error.message}`));
  await page.goto(`${stack.webUrl ?? ''}/${query}`);
  return page;
}

type Box = { x: number; y: number; width: number; height: number };
/** Boxes that share more than a pixel each way (touching edges and sub-pixel rounding are not overlap). */
const overlaps = (a: Box, b: Box) =>
  Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 1 && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 1;

async function box(page: Page, selector: string): Promise<Box> {
  const found = await page.locator(selector).boundingBox();
  if (!found) throw new Error(`${selector} is not visible`);
  return found;
}

async function post(artistId: string, name: string, body: string, key: string): Promise<void> {
  const token = await stack.runtime.issueToken(artistId, name, ['artist']);
  const res = await fetch(`${stack.broadcast.url}/v1/artists/${artistId}/posts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ body }),
  });
  expect(res.status).toBe(201);
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
    // Seventy sends in a row meet the per-connection frame limit: a well-behaved writer waits as told.
    for (let i = 1; i <= 70; i++) {
      for (;;) {
        const reply = await writer.request({ action: 'send', roomId: 'archive', clientMessageId: `m${i}`, body: `message ${i}` });
        if (reply['code'] !== 'rate_limited') break;
        await new Promise((r) => setTimeout(r, (reply['details'] as { retryAfterMs: number }).retryAfterMs));
      }
    }
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

    // "reconnecting" can last only as long as a jittered delay near 0 and one handshake, shorter
    // than Playwright's polling interval: record every state the status passes through instead.
    // Page-side code as text: this test's TypeScript has no DOM library.
    await page.evaluate(`{
      const status = document.querySelector('#status');
      const seen = (window.relayStates = []);
      new MutationObserver((records) => seen.push(...records.map((r) => r.oldValue), status.getAttribute('data-state')))
        .observe(status, { attributes: true, attributeFilter: ['data-state'], attributeOldValue: true });
    }`);
    // Drop every browser connection from the server side, as API Gateway does at its 2 h limit.
    for (const ConnectionId of ids) await stack.runtime.management.send(new DeleteConnectionCommand({ ConnectionId }));
    await page.waitForFunction(`window.relayStates.includes('reconnecting')`);
    await writer.request({ action: 'send', roomId: 'resilient', clientMessageId: 'while-away', body: 'sent while you were away' });
    await page.waitForSelector('#status[data-state="open"]', { timeout: 30_000 });
    await page.waitForSelector('.message .body:text("sent while you were away")');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'reconnected.png') });
    await page.close();
    await writer.close();
  });

  it.each([
    ['a bad room name', '?room=no%20spaces%20here&user=alice', /not a room name.*Change \?room=/],
    ['an empty user', '?room=lobby&user=', /user name is 1-32.*change \?user=/],
    ['an over-long user name', '?room=lobby&user=' + 'x'.repeat(40), /user name is 1-32/],
  ])('tells the person what is wrong and what to do for %s, instead of reconnecting forever', async (label, query, message) => {
    const page = await load(query);
    await page.waitForSelector('#status[data-state="refused"]');
    expect(await page.locator('#error').isVisible()).toBe(true);
    expect(await page.locator('#error-text').textContent()).toMatch(message);
    await page.waitForTimeout(1500); // a retry loop would have flipped the state by now
    expect(await page.locator('#status').getAttribute('data-state')).toBe('refused');
    await page.screenshot({ path: path.join(SCREENSHOTS, `refused-${label.replaceAll(' ', '-')}.png`) });
    await page.close();
  });

  it('wraps long unbroken words inside the message list, clear of the sidebar', async () => {
    const page = await open('wrapper', 'long-words');
    const word = 'x'.repeat(600);
    await page.fill('#text', word);
    await page.press('#text', 'Enter');
    await page.waitForSelector(`.message .body:text("${word}")`);
    const body = await box(page, '.message .body');
    const list = await box(page, '#messages');
    expect(body.x + body.width).toBeLessThanOrEqual(list.x + list.width + 1);
    expect(overlaps(body, await box(page, 'aside'))).toBe(false);
    expect(await page.locator('#messages').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'long-words.png') });
    await page.close();
  });

  it('shows an error without hiding the newest message', async () => {
    const page = await open('talker', 'error-layout');
    for (let i = 1; i <= 25; i++) {
      await page.fill('#text', `line ${i}`);
      await page.press('#text', 'Enter');
      await page.waitForSelector(`.message .body:text-is("line ${i}")`);
    }
    // A frame the server refuses (too large as delivered) produces an error banner.
    await page.locator('#text').evaluate((el) => el.removeAttribute('maxlength'));
    await page.fill('#text', 'y'.repeat(40_000));
    await page.press('#text', 'Enter');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.locator('#error-text').textContent()).toContain('message_too_large');
    const last = await box(page, '.message:last-child');
    const error = await box(page, '#error');
    expect(overlaps(last, error)).toBe(false);
    expect(last.y + last.height).toBeLessThanOrEqual(error.y + 1);
    expect(await page.locator('.message:last-child .body').textContent()).toBe('line 25');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'error-banner.png') });
    await page.close();
  });

  it('gives the messages the screen on a phone', async () => {
    const page = await open('phone', 'lobby', { width: 390, height: 844 });
    await page.waitForSelector('#members li[data-user-id="phone"]');
    const messages = await box(page, '#messages');
    const aside = await box(page, 'aside');
    expect(messages.width).toBeGreaterThan(390 * 0.9);
    expect(aside.height).toBeLessThan(844 * 0.1);
    expect({ messages, aside, overlap: overlaps(messages, aside) }).toMatchObject({ overlap: false });
    await page.fill('#text', 'hello from a phone');
    await page.press('#text', 'Enter');
    await page.waitForSelector('.message .body:text("hello from a phone")');
    expect(await page.locator('body').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phone.png') });
    await page.close();
  });

  it("marks the artist's posts in their broadcast room with the display name, and lets followers only read", async () => {
    const fan = await open('fan-7', 'artist-nova');
    expect(await fan.locator('#composer').isHidden()).toBe(true);
    expect(await fan.locator('#notice').textContent()).toContain("nova's broadcast room");
    await post('nova', 'Nova', 'new single out now', 'web-1');
    await fan.waitForSelector('.message.artist-post .body:text("new single out now")');
    expect(await fan.locator('.message.artist-post .who').textContent()).toBe('Nova');
    expect(await fan.locator('.message.artist-post .badge').textContent()).toBe('artist');
    await fan.screenshot({ path: path.join(SCREENSHOTS, 'artist-post.png') });
    await fan.close();
  });

  it('pushes presence: who joins and leaves shows up without waiting for a poll', async () => {
    const alice = await open('pres-alice', 'presence-room');
    await alice.waitForSelector('#members li[data-user-id="pres-alice"]');
    const before = Number((await alice.locator('body').getAttribute('data-presence-events')) ?? 0);
    const bob = await open('pres-bob', 'presence-room');
    await alice.waitForSelector('#members li[data-user-id="pres-bob"]', { timeout: 15_000 });
    await bob.close();
    await alice.waitForSelector('#members li[data-user-id="pres-bob"]', { state: 'detached', timeout: 15_000 });
    // Both changes arrived as pushed presence frames (the fallback poll runs every 30 s).
    expect(Number(await alice.locator('body').getAttribute('data-presence-events'))).toBeGreaterThanOrEqual(before + 2);
    await alice.screenshot({ path: path.join(SCREENSHOTS, 'presence.png') });
    await alice.close();
  });
});
