/**
 * The pass/fail contract of every chat run. abortOnFail stops a run that is already lost,
 * after a short delay so the first seconds of a ramp do not decide it.
 */
export const CHAT_THRESHOLDS = {
  chat_delivery_ms: [{ threshold: 'p(95)<200', abortOnFail: true, delayAbortEval: '10s' }],
  chat_delivered: [{ threshold: 'rate>0.999', abortOnFail: true, delayAbortEval: '10s' }],
  checks: [{ threshold: 'rate>0.99', abortOnFail: true, delayAbortEval: '10s' }],
  // The load generator must not be the bottleneck.
  dropped_iterations: [{ threshold: 'count==0', abortOnFail: false }],
};
