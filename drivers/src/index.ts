export * from './messages';
export * from './link';
export * from './errors';
export { encodeDataFrame, decodeDataFrame } from './codec/data-frame';
export { decodeAck, decodeProgress, decodeResult, decodeStatus } from './codec/messages.codec';
export { PendingCommand } from './pending-command';
export { MqttBus, type MqttBusOptions, type BusWarning } from './mqtt/mqtt-bus';
export { MqttLink, type MqttLinkOptions } from './mqtt/mqtt-link';
export { topicOf, parseTopic, TOPIC_ROOT } from './mqtt/topics';
