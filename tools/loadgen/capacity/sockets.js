// bench:loadgen: one k6 process holding VUS WebSockets that receive what the server pushes.
import { WebSocket } from 'k6/websockets';
import { Counter } from 'k6/metrics';

const received = new Counter('received');

export const options = {
  scenarios: { hold: { executor: 'per-vu-iterations', vus: Number(__ENV.VUS), iterations: 1, maxDuration: '120s' } },
};

export default function () {
  const ws = new WebSocket(__ENV.URL);
  ws.onmessage = () => received.add(1);
  setTimeout(() => ws.close(), Number(__ENV.SECONDS) * 1000);
}

export function handleSummary(data) {
  return { [`${__ENV.OUT}`]: JSON.stringify(data) };
}
