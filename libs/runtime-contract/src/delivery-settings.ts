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

/**
 * The two-stage fan-out. The stream consumer (`deliver`) reads a room's member pages and hands
 * chunks of connection ids to a queue; fan-out workers (`fanout`, one chunk per invocation)
 * post them in parallel. Small rooms skip the hop. The stack, the local runtime and
 * `bench:fanout`'s model all read these numbers (docs/architecture.md, "Fan-out").
 */
export const DELIVERY_FANOUT = {
  /**
   * Connection ids per chunk. A worker posts a chunk with the env's deliveryConcurrency posts in
   * flight (dev 32, stag 64, prod 128) on one vCPU, so a chunk is CPU-bound (~0.7 ms a post
   * through the SDK: 70 ms). In bench:fanout's model 250 put 10k followers' p95 at 369 ms with the
   * quota raised, 100 at 167 ms, 50 at 140 ms for twice the invocations.
   */
  chunkSize: 100,
  /**
   * Members per page read. Smaller than DynamoDB's 1 MB page (~7,000 members) so the first
   * chunks leave after a short read; the read units are the same either way.
   */
  pageSize: 1000,
  /**
   * A large room's members are read as this many slices of the key space at once (first
   * character of the connection id): sequential 1,000-member pages alone take ~180 ms for 10k.
   */
  readSegments: 4,
  /** SendMessageBatch calls in flight while later pages are read. */
  sendsInFlight: 8,
  /** Rooms with at most this many members are posted by the stream consumer itself (no queue hop). */
  directMax: 64,
  /** Chunks per worker invocation: one, so a crashed worker's chunk is redelivered alone. */
  workerBatchSize: 1,
  /** A chunk takes well under a second; a stuck one is cut off long before a retry storm. */
  workerTimeoutSeconds: 30,
  /**
   * A worker's posts are CPU-bound (signing and HTTP for each), and Lambda gives a full vCPU at
   * 1,769 MB: the same GB-seconds per chunk as a smaller size, done sooner.
   */
  workerMemoryMb: 1769,
  /** AWS's guidance for an SQS event source: at least six times the function's timeout. */
  visibilityTimeoutSeconds: 180,
  /** Receives of a chunk before SQS moves it to the chunks' dead-letter queue. */
  maxReceiveCount: 5,
  /**
   * Posts that still fail after a worker's own retries are queued again as a smaller chunk,
   * delayed by requeueDelaySeconds[round], this many rounds before they count as failed.
   */
  requeueDelaySeconds: [1, 5, 20],
  // Concurrent workers per environment: the catalogue's lambda.fanoutWorkers.
} as const;
