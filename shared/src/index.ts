export * from './labels';
export * from './version-order';
export * from './audit-actions';
