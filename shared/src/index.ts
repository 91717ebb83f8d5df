export * from './labels';
export * from './version-order';
