export * from './lab.schema';
export * from './campaign.schema';
export * from './config-error';
export * from './loader';
export * from './env';
export { jsonSchemas } from './json-schema';
export { YamlSource } from './yaml-source';
