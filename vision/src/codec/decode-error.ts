/** A file that is not an image this library can read, with the reason. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
}
