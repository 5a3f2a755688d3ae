/**
 * The offline GitHub Actions runner and what a workflow's rehearsal runs against. Each workflow's
 * rehearsal is a project of its own under tools/rehearsals/, so an edit to one workflow's
 * rehearsal (or to what only that workflow runs) re-runs that rehearsal alone.
 */
export { ArtifactStore } from './artifacts';
export { ROOT, SHA, startFixture, type Fixture } from './rehearsal-fixture';
export {
  copyCheckout,
  RehearsalFailure,
  WorkflowRehearsal,
  type JobRecord,
  type RehearsalEvent,
  type RehearsalOptions,
  type StepRecord,
} from './workflow-runner';
