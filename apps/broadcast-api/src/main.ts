import { loadConfig, startBroadcastService } from '@relay/broadcast-service';

/** The broadcast service's process: configuration from the environment, drain on SIGTERM. */
async function main(): Promise<void> {
  const service = await startBroadcastService(loadConfig());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      service.drain(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          service.app.log.error({ err: error }, 'drain failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
