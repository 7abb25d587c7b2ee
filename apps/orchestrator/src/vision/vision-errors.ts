/** A model card that is not valid: names the file and the field. */
export class ModelCardError extends Error {
  override readonly name = 'ModelCardError';
}

/** A model whose file or ONNX graph does not match its card (or cannot be loaded at all). */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

/** A frame the vision pipeline cannot analyse (not an image, unknown channel, bad shape). */
export class UnsupportedFrameError extends Error {
  override readonly name = 'UnsupportedFrameError';
}

/** A live-preview frame replaced by a newer one before it was analysed. */
export class SupersededError extends Error {
  override readonly name = 'SupersededError';
}

/** The pipeline was closed while a frame waited or ran. */
export class PipelineClosedError extends Error {
  override readonly name = 'PipelineClosedError';
}
