export { SerialLink, type SerialLinkOptions } from './serial-link';
export { crc16 } from './crc16';
export { decodeLine, encodeLine } from './line-codec';
