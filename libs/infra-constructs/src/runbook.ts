import { GITHUB_REPOSITORY } from '@relay/platform-config';

/**
 * The entries of docs/operations-runbook.md an alarm can send its reader to, as GitHub slugs
 * their headings. Every alarm's description ends with its entry's address, so the email that
 * wakes someone up says where to start; stacks.spec.ts fails on an alarm without one, or one
 * whose heading is gone.
 */
export type RunbookEntry =
  | 'a-function-failed'
  | 'a-function-was-throttled'
  | 'a-function-is-near-its-timeout'
  | 'a-table-throttled-requests'
  | 'dead-lettered-chunks'
  | 'delivery-failure-records'
  | 'the-off-hours-schedule-failed'
  | 'websocket-api-integration-errors'
  | 'delivery-lag'
  | 'delivery-p95-above-target'
  | 'fan-out-backlog'
  | 'the-broadcast-api-answers-5xx'
  | 'broadcast-tasks-missing-or-unhealthy';

export const RUNBOOK_PATH = 'docs/operations-runbook.md';

/** Where an entry is read: main's copy on GitHub, which is what an email's reader can open. */
export function runbookUrl(entry: RunbookEntry): string {
  return `https://github.com/${GITHUB_REPOSITORY}/blob/main/${RUNBOOK_PATH}#${entry}`;
}

/** An alarm's description: what it means, then where the runbook says what to do. */
export function describedAlarm(what: string, entry: RunbookEntry): string {
  return `${what}. Runbook: ${runbookUrl(entry)}`;
}
