export { startLocalStack, type LocalStack, type LocalStackOptions } from './local-stack';
export { startWebServer, type WebServerOptions } from './web-server';
export { humanLine, humanLogStream } from './human-logs';
