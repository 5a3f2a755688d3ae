/**
 * The generator container's entrypoint (the loadgen image): runs the task FLEET_ASSIGNMENT
 * describes (fleet-task.ts) and exits 0 once its results are uploaded, 1 when k6 could not run
 * its share, 2 on anything else (the message says what). K6_BIN, FLEET_SCENARIOS and
 * FLEET_WORK_DIR default to the image's layout.
 */
import { parseAssignment } from './assignment';
import { runFleetTask } from './fleet-task';
import { k6RanToEnd } from './segments';

const assignment = (() => {
  try {
    return parseAssignment(process.env['FLEET_ASSIGNMENT']);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
})();

runFleetTask(assignment, {
  k6: process.env['K6_BIN'] ?? '/usr/local/bin/k6',
  scenariosDir: process.env['FLEET_SCENARIOS'] ?? '/app/loadtests/src',
  workDir: process.env['FLEET_WORK_DIR'] ?? '/results',
  metadataUri: process.env['ECS_CONTAINER_METADATA_URI_V4'],
}).then(
  (health) => process.exit(k6RanToEnd(health.k6Exit) ? 0 : 1),
  (error: unknown) => {
    console.error(`fleet task ${assignment.task}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
