import { ChatConnection } from './connection';
import { RoomView } from './room-view';

interface ClientConfig {
  /** The WebSocket API (wss://… on AWS). */
  wsUrl: string;
  /** Local runtime only: an endpoint that issues development tokens. */
  devTokenUrl?: string;
}

const $ = <T extends HTMLElement>(selector: string) => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`missing ${selector}`);
  return el;
};

async function token(config: ClientConfig, user: string): Promise<string> {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) return fromHash;
  if (!config.devTokenUrl) throw new Error('no token: sign in first');
  const res = await fetch(`${config.devTokenUrl}?user=${encodeURIComponent(user)}`);
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const roomId = params.get('room') ?? 'lobby';
  const user = params.get('user') ?? `guest${Math.floor(Math.random() * 10_000)}`;
  const config = (await (await fetch('/config.json')).json()) as ClientConfig;
  $('#room').textContent = `#${roomId}`;

  const connection = new ChatConnection(async () => `${config.wsUrl}?token=${encodeURIComponent(await token(config, user))}`);
  const view = new RoomView(connection, roomId, { messages: $('#messages'), members: $('#members'), error: $('#error') });
  const status = $('#status');
  connection.onState = (state) => {
    status.dataset['state'] = state;
    status.textContent = state === 'open' ? `online as ${user}` : `${state}…`;
  };
  connection.onFrame = (frame) => view.onFrame(frame);
  connection.onOpen = () => void view.enter().catch((error: unknown) => console.warn('join failed', error));
  window.setInterval(() => void view.refreshMembers().catch(() => undefined), 10_000);

  const input = $<HTMLInputElement>('#text');
  $<HTMLFormElement>('#composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const body = input.value.trim();
    if (!body) return;
    input.value = '';
    void view.send(body).catch((error: unknown) => {
      input.value = body;
      $('#error').textContent = error instanceof Error ? error.message : String(error);
      $('#error').hidden = false;
    });
  });
  connection.start();
}

void main();
