/** The part of UTIF.js (no published types) this library uses. */
declare module 'utif' {
  /** One image file directory: tags by name `t<number>`, plus what decodeImage fills in. */
  export interface Ifd {
    [tag: `t${number}`]: number[] | string[] | undefined;
    width?: number;
    height?: number;
    isLE?: boolean;
    data?: Uint8Array;
  }
  export function decode(buffer: ArrayBuffer | Uint8Array): Ifd[];
  export function decodeImage(buffer: ArrayBuffer | Uint8Array, ifd: Ifd, ifds?: Ifd[]): void;
  export function encodeImage(rgba: Uint8Array, width: number, height: number): ArrayBuffer;
}
