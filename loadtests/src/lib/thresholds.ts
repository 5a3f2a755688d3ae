/**
 * The pass/fail contract of every run. abortOnFail stops a run that is already lost, after a
 * short delay so the first seconds of a ramp do not decide it.
 *
 * Two rules keep the thresholds honest:
 * - A rate is only evidence with samples behind it: every rate threshold has a companion
 *   counter with a minimum, so a run that delivered (or requested) nothing fails instead of
 *   printing `rate=0.00%` next to a tick.
 * - Latency is a property of a spike on a sized machine, not of a seconds-long smoke run on a
 *   shared CI box: the smoke profile asserts correctness (delivered, checks, no dropped
 *   iterations) and reports latency without a limit; the spike profiles and benchmarks hold it.
 */
const abort = { abortOnFail: true, delayAbortEval: '10s' } as const;

/** Counts every chat_delivered sample: the evidence behind its rate. */
export const DELIVERY_SAMPLES = 'chat_delivery_samples';

export interface ThresholdPlan {
  /** Whether p95 latency is part of the contract (not for smoke). */
  latency: boolean;
  /** Fewest samples a rate needs to count as evidence. */
  minSamples: number;
}

/** `warmup`: an unmeasured pass that warms a local runtime (WARMUP=true): correctness held, latency not. */
export function thresholdPlan(profileName: string, minSamples: number, warmup = false): ThresholdPlan {
  return { latency: profileName !== 'smoke' && !warmup, minSamples };
}

export function chatThresholds(plan: ThresholdPlan): Record<string, unknown[]> {
  return {
    ...(plan.latency ? { chat_delivery_ms: [{ threshold: 'p(95)<200', ...abort }] } : {}),
    chat_delivered: [{ threshold: 'rate>0.999', ...abort }],
    [DELIVERY_SAMPLES]: [`count>=${plan.minSamples}`],
    checks: [{ threshold: 'rate>0.99', ...abort }],
    iterations: [`count>=1`],
    // The load generator must not be the bottleneck.
    dropped_iterations: [{ threshold: 'count==0', abortOnFail: false }],
  };
}

export function restThresholds(plan: ThresholdPlan): Record<string, unknown[]> {
  return {
    ...(plan.latency ? { http_req_duration: [{ threshold: 'p(95)<200', ...abort }] } : {}),
    http_req_failed: [{ threshold: 'rate<0.01', ...abort }],
    http_reqs: [`count>=${plan.minSamples}`],
    checks: [{ threshold: 'rate>0.99', ...abort }],
    iterations: [`count>=1`],
    dropped_iterations: ['count==0'],
  };
}
