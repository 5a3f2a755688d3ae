/**
 * npm run bench:reconnect [-- --members 10000,100000 --raised 2000]
 * The reconnect model (reconnect-model.ts): requests, read units and time to recover after a
 * mass drop and after a lost chunk, for the old client beside RoomSync, at the default
 * new-connection quota (500/s) and at a raised one (prod's, from platform-config, unless given).
 */
import { parseArgs } from 'node:util';
import { CATALOGUE } from '@relay/platform-config';
import { DEFAULT_RECONNECT_PARAMS, runReconnectModel, type ReconnectParams } from './reconnect-model';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '10000,100000' },
    raised: { type: 'string', default: String(CATALOGUE.prod.webSocket.accountNewConnectionsPerSecond) },
  },
});
const sizes = values.members.split(',').map(Number);
const raised = Number(values.raised);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(raised) || raised < 1) {
  throw new Error('--members takes positive integers, --raised a positive integer');
}

const rows: string[][] = [];
for (const scenario of ['mass-drop', 'lost-chunk'] as const) {
  for (const members of sizes) {
    for (const quota of scenario === 'mass-drop' ? [500, raised] : [500]) {
      for (const design of ['before', 'after'] as const) {
        const params: ReconnectParams = { ...DEFAULT_RECONNECT_PARAMS, members, design, scenario, newConnectionsPerSecond: quota };
        const r = runReconnectModel(params);
        rows.push([
          scenario,
          members.toLocaleString('en'),
          scenario === 'mass-drop' ? `${quota}/s` : '-',
          design,
          r.requests.toLocaleString('en'),
          r.refusedHandshakes.toLocaleString('en'),
          r.throttledRequests.toLocaleString('en'),
          Math.round(r.readUnits).toLocaleString('en'),
          (r.recoverMs / 1000).toFixed(1),
        ]);
      }
    }
  }
}
const header = ['scenario', 'members', 'conn quota', 'client', 'requests', 'refused handshakes', 'throttled requests', 'read units', 'recover s'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
console.log('reconnect model (a model, not a measurement: tools/bench/reconnect-model.ts states its assumptions)');
console.log(line(header));
for (const row of rows) console.log(line(row));
