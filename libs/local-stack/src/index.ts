export { startLocalStack, type LocalStack, type LocalStackOptions } from './local-stack';
export { startWebServer, type WebServerOptions } from './web-server';
