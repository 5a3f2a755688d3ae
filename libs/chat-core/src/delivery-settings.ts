/**
 * The delivery event source mapping's settings: the stack configures Lambda with them and the
 * local stream pump plays by them, so local failure behaviour is the deployed behaviour.
 */
export const DELIVERY_EVENT_SOURCE = {
  batchSize: 100,
  /** Retries of a failing batch before its records go to the on-failure destination. */
  maximumRetryAttempts: 5,
  /** Records older than this are not retried any more (dead-lettered). */
  maximumRecordAgeInSeconds: 3600,
  /** The deliver function's timeout; its fan-out checkpoints before reaching it. */
  functionTimeoutSeconds: 60,
} as const;

/**
 * What delivery reports per message (CloudWatch embedded metric format, via Powertools), and
 * what the stack alarms and graphs on. One definition for both sides.
 */
export const DELIVERY_METRICS = {
  namespace: 'Relay',
  service: 'chat',
  /** Milliseconds from the message's sentAt to its last delivery. */
  latency: 'DeliveryLatency',
  recipients: 'DeliveryRecipients',
  failed: 'DeliveryFailed',
  /** The product's promise: p95 of post-to-last-delivery under this at a spike. */
  latencyTargetMs: 200,
} as const;

/** Where the nightly k6 spike publishes its result, beside delivery's own metrics. */
export const LOADTEST_METRICS = { namespace: 'Relay/LoadTest', p95: 'NightlyDeliveryP95', delivered: 'NightlyDeliveredRatio' } as const;
