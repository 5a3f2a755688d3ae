export { startDynalite, listen, closeServer, freePort, onFreePort, type RunningServer, type RunningDynalite } from './dynalite-server';
export { DynamoStreamTap, type StreamSource, type RecordListener, type FaultRule } from './stream-tap';
export { createTables } from './tables';
export { spawnHttpServer, type HttpChild } from './http-child';
