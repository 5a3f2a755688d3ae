/**
 * The thresholds' self-check, run by loadtests/test/k6-thresholds.spec.ts: the real chat and
 * REST threshold sets over a run that records SAMPLES samples (default none). An empty run must
 * fail; a run with enough good samples must pass.
 */
import http from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import { chatThresholds, DELIVERY_SAMPLES, restThresholds, thresholdPlan } from '../lib/thresholds.ts';

const samples = Number(__ENV['SAMPLES'] ?? '0');
const rest = __ENV['KIND'] === 'rest';
const delivered = new Rate('chat_delivered');
const deliverySamples = new Counter(DELIVERY_SAMPLES);
const plan = thresholdPlan('smoke', 5);

export const options = {
  iterations: 1,
  thresholds: rest ? restThresholds(plan) : chatThresholds(plan),
};

export default function (): void {
  for (let i = 0; i < samples; i++) {
    if (rest) http.get(__ENV['URL'] ?? 'http://127.0.0.1:9/');
    delivered.add(true);
    deliverySamples.add(1);
  }
}
