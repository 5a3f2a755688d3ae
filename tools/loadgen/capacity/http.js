// bench:loadgen: one k6 process posting at a constant arrival rate to a server that answers at once.
import http from 'k6/http';

export const options = {
  scenarios: {
    posts: { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE), timeUnit: '1s', duration: `${__ENV.SECONDS}s`, preAllocatedVUs: 200, maxVUs: 2000 },
  },
  summaryTrendStats: ['med', 'p(95)'],
};

export default function () {
  http.post(__ENV.URL, '{"body":"new single out now"}', { headers: { 'content-type': 'application/json', authorization: 'Bearer x' } });
}

export function handleSummary(data) {
  return { [`${__ENV.OUT}`]: JSON.stringify(data) };
}
