/**
 * chat-spike: followers pour into the artist's room (ramping arrival rate: ramp, hold, drop)
 * while the artist keeps posting. Every follower measures each delivery's latency from the
 * server's sentAt, and at the end checks that every message stored while it was in the room
 * reached it: chat_delivered is that fraction over all followers.
 *   k6 run -e PROFILE=smoke -e WS_URL=ws://… -e USERS_FILE=… loadtests/src/chat-spike.ts
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';
import { ChatSocket, isMessage, latestSeq, sleep } from './lib/chat-socket.ts';
import { Users, wsUrl } from './lib/env.ts';
import { profileNamed, totalSeconds } from './lib/profiles.ts';
import { artistRoom } from './lib/rooms.ts';
import { waitForStart } from './lib/barrier.ts';
import { summaryOutputs } from './lib/summary.ts';
import { chatThresholds, DELIVERY_SAMPLES, thresholdPlan } from './lib/thresholds.ts';

const { name, profile } = profileNamed(__ENV['PROFILE']);
const url = wsUrl();
const users = new Users();

const deliveryMs = new Trend('chat_delivery_ms', true);
const delivered = new Rate('chat_delivered');
const deliverySamples = new Counter(DELIVERY_SAMPLES);
const posts = new Counter('chat_posts');
/** Second copies of a message (a redelivered chunk): dropped by (room, seq), counted to watch. */
const duplicates = new Counter('chat_duplicates');
/** Messages that missed the reorder window and came from history instead (not counted as delivered). */
const fromHistory = new Counter('chat_recovered_from_history');

const iterationsPerSecond = Math.max(1, Math.ceil(profile.peakFollowersPerSecond / profile.followersPerIteration));

export const options = {
  scenarios: {
    followers: {
      executor: 'ramping-arrival-rate',
      exec: 'follower',
      startRate: 0,
      timeUnit: '1s',
      preAllocatedVUs: profile.preAllocatedVUs,
      maxVUs: profile.maxVUs,
      stages: [
        { target: iterationsPerSecond, duration: `${profile.rampSeconds}s` },
        { target: iterationsPerSecond, duration: `${profile.holdSeconds}s` },
        { target: 0, duration: `${profile.dropSeconds}s` },
      ],
      gracefulStop: `${profile.sessionSeconds + profile.graceMs / 1000 + 10}s`,
    },
    artist: {
      executor: 'per-vu-iterations',
      exec: 'artist',
      vus: 1,
      iterations: 1,
      maxDuration: `${totalSeconds(profile) + 30}s`,
    },
  },
  thresholds: chatThresholds(thresholdPlan(name, expectedDeliveriesFloor(), __ENV['WARMUP'] === 'true')),
  tags: { profile: name },
  // Every delivery is a WebSocket message sample: tagged with its socket's URL (a per-follower
  // token) each one made a time series of its own. The tags kept are the ones results are read by.
  systemTags: ['scenario', 'check', 'status', 'error', 'error_code'],
};

/** A quarter of the deliveries the hold phase alone produces: fewer means the run proves little. */
function expectedDeliveriesFloor(): number {
  return Math.max(1, Math.floor((profile.peakFollowersPerSecond * profile.holdSeconds * profile.sessionSeconds * (1000 / profile.postIntervalMs)) / 4));
}

/**
 * The artist's broadcast room, as in the product: followers join, only the artist posts, and no
 * presence is pushed to the audience. Seeding names a new artist per run, so each run has a
 * fresh room; a reused users file reuses the room, which the followers' history marks handle.
 */
export function setup(): { roomId: string } {
  waitForStart();
  return { roomId: artistRoom(users.artistId) };
}

/**
 * An iteration's followers arrive one after another at the peak rate, not all in the same
 * millisecond: several followers per VU only saves VUs, and must not turn a steady arrival
 * rate into clumps that the server sees as bursts.
 */
const arrivalSpacingMs = 1000 / profile.peakFollowersPerSecond;

export async function follower(data: { roomId: string }): Promise<void> {
  const first = exec.scenario.iterationInTest * profile.followersPerIteration;
  const sessions = Array.from({ length: profile.followersPerIteration }, async (_, i) => {
    await sleep(i * arrivalSpacingMs);
    await followOnce(data.roomId, users.follower(first + i));
  });
  await Promise.all(sessions);
}

async function followOnce(roomId: string, token: string): Promise<void> {
  const socket = new ChatSocket(url, token, { role: 'follower' });
  const seen = new Set<number>();
  // Delivery is at-least-once and may reorder: keep each (room, seq) once, time its first copy.
  socket.onFrame = (frame) => {
    if (!isMessage(frame) || frame.roomId !== roomId) return;
    if (seen.has(frame.seq)) return void duplicates.add(1);
    seen.add(frame.seq);
    deliveryMs.add(Date.now() - Date.parse(frame.sentAt));
  };
  if (!check(await socket.opened(), { 'follower connected': (ok) => ok })) return;
  const joined = await socket.request({ action: 'join', roomId });
  if (!check(joined, { 'follower joined': (f) => f?.type === 'ack' })) return socket.close();
  // Everything stored after this point must reach this follower.
  const startSeq = latestSeq(await socket.request({ action: 'history', roomId, limit: 1 }));
  await sleep(profile.sessionSeconds * 1000);
  const endReply = await socket.request({ action: 'history', roomId, limit: 1 });
  check(endReply, { 'history answered': (f) => f?.type === 'history' });
  const endSeq = latestSeq(endReply);
  const deadline = Date.now() + profile.graceMs;
  const missing = () => Array.from({ length: endSeq - startSeq }, (_, i) => startSeq + 1 + i).filter((s) => !seen.has(s));
  // The reorder window: late and out-of-order copies may still arrive until the grace deadline.
  while (missing().length > 0 && Date.now() < deadline) await sleep(50);
  for (let seq = startSeq + 1; seq <= endSeq; seq++) {
    delivered.add(seen.has(seq));
    deliverySamples.add(1);
  }
  // A conforming client fills what is still missing from history; the load test counts it apart.
  const gaps = missing();
  if (gaps.length > 0) {
    const page = await socket.request({ action: 'history', roomId, limit: Math.min(100, endSeq - startSeq) }, 5000);
    const items = (page?.['items'] as { seq: number }[] | undefined) ?? [];
    fromHistory.add(items.filter((m) => gaps.includes(m.seq)).length);
  }
  await socket.request({ action: 'leave', roomId }, 2000);
  socket.close();
}

export async function artist(data: { roomId: string }): Promise<void> {
  const socket = new ChatSocket(url, users.artist, { role: 'artist' });
  if (!check(await socket.opened(), { 'artist connected': (ok) => ok })) return;
  check(await socket.request({ action: 'join', roomId: data.roomId }), { 'artist joined': (f) => f?.type === 'ack' });
  // Post until the last followers have arrived and settled in.
  const stopAt = Date.now() + (profile.rampSeconds + profile.holdSeconds + profile.dropSeconds + profile.sessionSeconds / 2) * 1000;
  for (let n = 0; Date.now() < stopAt; n++) {
    const ack = await socket.request({ action: 'send', roomId: data.roomId, clientMessageId: `post-${n}`, body: `new drop #${n}` });
    check(ack, { 'post stored': (f) => f?.type === 'ack' && f['duplicate'] === false });
    posts.add(1);
    await sleep(profile.postIntervalMs);
  }
  socket.close();
}

export const handleSummary = summaryOutputs('chat-spike');
