export { startDynalite, listen, closeServer, freePort, onFreePort, type RunningServer } from './dynalite-server';
export { DynamoStreamTap, type StreamSource, type RecordListener, type FaultRule } from './stream-tap';
export { createTables } from './tables';
