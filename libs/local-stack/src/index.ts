export { startLocalStack, type LocalStack, type LocalStackOptions } from './local-stack';
export { startWebServer, type WebServerOptions } from './web-server';
export { humanLine, humanLogStream } from './human-logs';
export { LocalRuntimeProcess, type RuntimeOp } from './process/local-runtime-client';
