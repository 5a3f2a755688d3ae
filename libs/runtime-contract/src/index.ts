export * from './chat-functions';
export * from './delivery-settings';
export * from './table-designs';
export * from './secrets';
