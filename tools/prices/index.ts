export * from './prices';
export * from './price-list';
