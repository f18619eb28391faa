export * from './schemas';
export * from './notes';
export * from './hash';
export * from './ruleset';
