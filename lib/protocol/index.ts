export * from './messages';
export * from './codec';
export * from './awareness';
export * from './close-codes';
export * from './cluster';
