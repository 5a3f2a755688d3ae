export { startDynalite, listen, closeServer, type RunningServer } from './dynalite-server';
export { DynamoStreamTap, type StreamSource, type RecordListener, type FaultRule } from './stream-tap';
export { createTables } from './tables';
