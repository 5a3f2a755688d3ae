import { ChatConnection, FatalConnectionError } from '@relay/chat-client';
import { Banner } from './banner';
import { RoomView } from './room-view';
import { artistOf, ROOM_ID, ROOM_RULE } from './rooms';

interface ClientConfig {
  /** The WebSocket API (wss://… on AWS). */
  wsUrl: string;
  /** Local runtime only: an endpoint that issues development tokens. */
  devTokenUrl?: string;
}

const DEV_USER = /^[A-Za-z0-9_-]{1,32}$/;

const $ = <T extends HTMLElement>(selector: string) => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`missing ${selector}`);
  return el;
};

async function token(config: ClientConfig, user: string): Promise<string> {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) return fromHash;
  if (!config.devTokenUrl) throw new FatalConnectionError('you are not signed in: open this page through the sign-in link');
  const res = await fetch(`${config.devTokenUrl}?user=${encodeURIComponent(user)}`);
  if (res.status >= 400 && res.status < 500) {
    const reason = ((await res.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${res.status}`;
    throw new FatalConnectionError(`sign-in refused: ${reason}. Change ?user= in the address and reload`);
  }
  if (!res.ok) throw new Error(`the sign-in endpoint answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** Who the token names: read for display decisions only; the server verifies it. */
function subjectOf(jwt: string): string | undefined {
  try {
    const payload = JSON.parse(atob((jwt.split('.')[1] ?? '').replaceAll('-', '+').replaceAll('_', '/'))) as { sub?: unknown };
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const roomId = params.get('room') ?? 'lobby';
  const user = params.get('user') ?? `guest${Math.floor(Math.random() * 10_000)}`;
  const banner = new Banner($('#error'), $('#error-text'), $('#error-dismiss'), $('#messages'));
  const status = $('#status');
  const composer = $<HTMLFormElement>('#composer');
  $('#room').textContent = `#${roomId}`;
  const refuse = (message: string) => {
    status.dataset['state'] = 'refused';
    status.textContent = 'not connected';
    composer.hidden = true;
    banner.show(message);
  };
  // Problems no retry can fix are said at once, in words, instead of reconnecting forever.
  if (!ROOM_ID.test(roomId)) return refuse(`"${roomId}" is not a room name: ${ROOM_RULE}. Change ?room= in the address`);
  if (params.has('user') && !DEV_USER.test(user)) {
    return refuse('a user name is 1-32 letters, digits, _ or -: change ?user= in the address');
  }

  let config: ClientConfig;
  try {
    config = (await (await fetch('/config.json')).json()) as ClientConfig;
  } catch {
    return refuse('this page has no configuration (/config.json): reload, or tell whoever runs this site');
  }
  let first: string | undefined;
  try {
    first = await token(config, user);
  } catch (error) {
    if (error instanceof FatalConnectionError) return refuse(error.message);
    // A passing failure: the connection's own retries fetch the token again.
  }
  const owner = artistOf(roomId);
  const signedInAs = first === undefined ? undefined : subjectOf(first);
  if (owner !== undefined && signedInAs !== owner) {
    // Only the artist posts in a broadcast room; followers read along.
    composer.hidden = true;
    $('#notice').textContent = `This is ${owner}'s broadcast room: only the artist posts here.`;
    $('#notice').hidden = false;
  }

  const connection = new ChatConnection(async () => {
    const current = first ?? (await token(config, user));
    first = undefined; // reconnects sign in afresh
    return `${config.wsUrl}?token=${encodeURIComponent(current)}`;
  });
  const view = new RoomView(connection, roomId, { messages: $('#messages'), members: $('#members'), count: $('#online-count') }, banner, signedInAs);
  connection.onState = (state) => {
    status.dataset['state'] = state;
    status.textContent = state === 'open' ? `online as ${user}` : state === 'refused' ? 'not connected' : `${state}…`;
  };
  connection.onProblem = (message, fatal) => (fatal ? refuse(message) : banner.show(message));
  connection.onFrame = (frame) => view.onFrame(frame);
  connection.onOpen = () =>
    void view
      .enter()
      .catch((error: unknown) =>
        banner.show(`could not enter the room: ${error instanceof Error ? error.message : String(error)}; it is retried on reconnect`),
      );

  const input = $<HTMLInputElement>('#text');
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = input.value.trim();
    if (!body) return;
    input.value = '';
    void view.send(body).catch((error: unknown) => {
      input.value = body;
      banner.show(`not sent: ${error instanceof Error ? error.message : String(error)}. It is still in the box: press Send again`);
    });
  });
  connection.start();
}

void main();
