/**
 * Redrives an environment's dead-lettered fan-out chunks (redrive.ts):
 *   node --import tsx tools/nx-plugin/operations/redrive/cli.ts --env stag [--dry-run] [--no-wait]
 * Behind `nx run stacks:redrive-chunks --env=stag`. Runs with the credentials of whoever
 * operates the env (docs/operations-runbook.md); AWS_PROFILE/AWS_REGION as the SDK reads them.
 */
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { resolveEnvironment } from '@relay/platform-config';
import { redriveChunks } from './redrive';

const { values } = parseArgs({
  options: { env: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, 'no-wait': { type: 'boolean', default: false } },
});

async function main(): Promise<void> {
  if (!values.env) throw new Error('usage: redrive/cli.ts --env <dev|stag|prod|dev-<name>> [--dry-run] [--no-wait]');
  const env = resolveEnvironment(values.env);
  const sqs = new SQSClient({ region: env.region });
  const report = await redriveChunks(env, sqs, { dryRun: values['dry-run'], wait: !values['no-wait'] });
  console.log(
    [
      `${env.name}: ${report.waiting} dead-lettered chunk(s) in ${report.deadLetterQueueArn}`,
      `  to ${report.chunkQueueArn} at ${report.maxNumberOfMessagesPerSecond} chunks/s`,
      report.taskHandle
        ? `  task ${report.taskHandle}: ${report.status ?? '?'}${report.moved === undefined ? '' : `, ${report.moved} moved`}`
        : '  nothing started',
    ].join('\n'),
  );
  sqs.destroy();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
