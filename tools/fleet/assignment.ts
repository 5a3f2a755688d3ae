import { z } from 'zod';

/**
 * What the orchestrator tells one generator task (RunTask's container override FLEET_ASSIGNMENT):
 * its share of the test, and presigned URLs for everything it reads or writes in S3, so its role
 * needs no S3 permission and can reach no other run's (or task's) objects. The URLs are signed
 * with the orchestrator's session and expire with it.
 */
export const ASSIGNMENT_VARIABLE = 'FLEET_ASSIGNMENT';

/** Files a task uploads under its prefix runs/<run>/tasks/<i>/. */
export const TASK_FILES = { summary: 'summary.json', samples: 'samples.csv.gz', health: 'health.json' } as const;

export const assignmentSchema = z.object({
  run: z.string().regex(/^[a-z0-9-]{1,64}$/),
  task: z.number().int().min(0),
  tasks: z.number().int().min(1).max(1000),
  /** A scenario under loadtests/src (without .ts), or a script path inside the image. */
  script: z.string().min(1),
  /** k6 -e variables (profile, target URLs). Never a secret: RunTask overrides are visible to DescribeTasks. */
  k6Env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string()),
  /** The task's vCPUs, which its CPU samples are a share of. */
  vcpus: z.number().positive(),
  /** Presigned GET of the run's users file (tokens), written to disk as USERS_FILE. */
  users: z.url().optional(),
  /** Presigned GET of runs/<run>/start.json, which exists once every task is RUNNING. */
  start: z.url(),
  /** Presigned POST for keys starting runs/<run>/tasks/<i>/. */
  upload: z.object({ url: z.url(), fields: z.record(z.string(), z.string()), prefix: z.string().min(1) }),
  /** The target's clock route (GET → {"now": ms}), for the offset measured before the test. */
  timeUrl: z.url().optional(),
  /**
   * The run's WAF admission: the SecureString the task reads its secret from (its role may read
   * /relay/<env>/loadgen/run/*), and the header k6 sends it in. The secret itself is never here.
   */
  admission: z.object({ parameter: z.string().regex(/^\/relay\/[a-z0-9-]+\/loadgen\/run\/[a-z0-9-]+$/), header: z.string().regex(/^[a-z0-9-]+$/) }).optional(),
});

export type Assignment = z.infer<typeof assignmentSchema>;

export class AssignmentError extends Error {}

export function parseAssignment(text: string | undefined): Assignment {
  if (!text) throw new AssignmentError(`${ASSIGNMENT_VARIABLE} is not set: this entrypoint runs as a fleet task started by loadgen:fleet`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AssignmentError(`${ASSIGNMENT_VARIABLE} is not JSON`);
  }
  const parsed = assignmentSchema.safeParse(json);
  if (!parsed.success) {
    throw new AssignmentError(
      `${ASSIGNMENT_VARIABLE} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  if (parsed.data.task >= parsed.data.tasks) throw new AssignmentError(`${ASSIGNMENT_VARIABLE} is invalid: task ${parsed.data.task} of ${parsed.data.tasks}`);
  return parsed.data;
}

/** A task's health file: its stats series, the clock offset it measured, and how k6 ended. */
export interface TaskHealthFile {
  task: number;
  k6Exit: number;
  startAt: number;
  clock: { offsetMs: number; uncertaintyMs: number } | { error: string } | null;
  stats: { at: number; cpuShare: number; memoryBytes: number; rxBytes: number; txBytes: number }[];
  missedStats: number;
}
