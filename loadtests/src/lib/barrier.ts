import { sleep } from 'k6';

/**
 * The fleet's start barrier: every task of a split run (k6 --execution-segment) is launched
 * first, and all begin their scenarios at one wall-clock instant, START_AT (epoch ms), set by
 * the orchestrator once every task is up. Called at the start of setup(), which k6 runs before
 * any scenario; without START_AT (a plain run) it returns at once.
 */
export function waitForStart(): void {
  const at = Number(__ENV['START_AT'] ?? '');
  if (!Number.isFinite(at) || at <= 0) return;
  const wait = at - Date.now();
  if (wait > 0) sleep(wait / 1000);
}
