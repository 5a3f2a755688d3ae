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
} as const;
