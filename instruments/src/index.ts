export * from './instrument';
export * from './envelope';
export * from './errors';
export * from './catalog';
export * from './facades';
