/**
 * chat-steady: people talking, in the app's real call order: connect, join a room, read
 * history, then send messages with think time (checking that each comes back through
 * delivery), glance at who is online, leave. A few busy rooms, many users each.
 *   k6 run -e PROFILE=smoke -e WS_URL=ws://… -e USERS_FILE=… loadtests/src/chat-steady.ts
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';
import { ChatSocket, isMessage, sleep } from './lib/chat-socket.ts';
import { Users, wsUrl } from './lib/env.ts';
import { pickProfile } from './lib/profiles.ts';
import { waitForStart } from './lib/barrier.ts';
import { summaryOutputs } from './lib/summary.ts';
import { chatThresholds, DELIVERY_SAMPLES, thresholdPlan } from './lib/thresholds.ts';

interface SteadyProfile {
  users: number;
  rooms: number;
  durationSeconds: number;
  messagesPerSession: number;
  thinkMs: [number, number];
}

const PROFILES: Record<string, SteadyProfile> = {
  smoke: { users: 10, rooms: 2, durationSeconds: 10, messagesPerSession: 3, thinkMs: [200, 600] },
  'local-spike': { users: 100, rooms: 5, durationSeconds: 60, messagesPerSession: 10, thinkMs: [500, 2000] },
  nightly: { users: 2000, rooms: 50, durationSeconds: 600, messagesPerSession: 20, thinkMs: [1000, 5000] },
};
const { name: profileName, profile } = pickProfile(PROFILES);

const url = wsUrl();
const users = new Users();
const deliveryMs = new Trend('chat_delivery_ms', true);
const delivered = new Rate('chat_delivered');
const deliverySamples = new Counter(DELIVERY_SAMPLES);
const posts = new Counter('chat_posts');

export const options = {
  scenarios: {
    conversation: {
      executor: 'constant-vus',
      exec: 'conversation',
      vus: profile.users,
      duration: `${profile.durationSeconds}s`,
      gracefulStop: '30s',
    },
  },
  // Half of one session's messages per user: fewer delivery checks means the run proves little.
  thresholds: chatThresholds(thresholdPlan(profileName, Math.max(1, Math.floor((profile.users * profile.messagesPerSession) / 2)))),
  tags: { profile: profileName },
};

export function setup(): { run: string } {
  waitForStart();
  return { run: `steady-${Date.now()}` };
}

const between = ([low, high]: [number, number]) => low + Math.random() * (high - low);

export async function conversation(data: { run: string }): Promise<void> {
  const vu = exec.vu.idInTest;
  const roomId = `${data.run}-${vu % profile.rooms}`;
  const socket = new ChatSocket(url, users.follower(vu), { role: 'talker' });
  const echoes = new Map<string, number>();
  socket.onFrame = (frame) => {
    if (!isMessage(frame)) return;
    deliveryMs.add(Date.now() - Date.parse(frame.sentAt));
    echoes.set(frame.clientMessageId, frame.seq);
  };
  if (!check(await socket.opened(), { connected: (ok) => ok })) return;
  check(await socket.request({ action: 'join', roomId }), { joined: (f) => f?.type === 'ack' });
  check(await socket.request({ action: 'history', roomId, limit: 20 }), { 'history loaded': (f) => f?.type === 'history' });

  const sent: string[] = [];
  for (let i = 0; i < profile.messagesPerSession; i++) {
    await sleep(between(profile.thinkMs));
    const clientMessageId = `${vu}-${exec.vu.iterationInScenario}-${i}`;
    const ack = await socket.request({ action: 'send', roomId, clientMessageId, body: `message ${i} from VU ${vu}` });
    if (check(ack, { 'message stored': (f) => f?.type === 'ack' })) sent.push(clientMessageId);
    posts.add(1);
    if (i % 5 === 4) check(await socket.request({ action: 'members', roomId }), { 'members listed': (f) => f?.type === 'members' });
  }
  // Our own messages come back through the same fan-out as everyone else's.
  const deadline = Date.now() + 3000;
  while (sent.some((id) => !echoes.has(id)) && Date.now() < deadline) await sleep(50);
  for (const id of sent) {
    delivered.add(echoes.has(id));
    deliverySamples.add(1);
  }
  check(await socket.request({ action: 'leave', roomId }), { left: (f) => f?.type === 'ack' });
  socket.close();
}

export const handleSummary = summaryOutputs('chat-steady');
