export * from './schemas';
export * from './notes';
export * from './hash';
export * from './ruleset';
export * from './fit';
export * from './score';
export * from './route';
