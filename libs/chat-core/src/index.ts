export * from './limits';
export * from './errors';
export * from './frames';
export * from './auth';
export * from './cursor';
export * from './message-frame';
export * from './functions';
