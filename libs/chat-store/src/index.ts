export * from './tables';
export * from './client';
export * from './connections';
export * from './memberships';
export * from './messages';
export * from './delivery-progress';
export * from './stores';
