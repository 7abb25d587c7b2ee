/** An acquisition function on the encoded unit cube, to be maximized. */
export interface AcquisitionFn {
  /** Value at encoded x; when `grad` is given, also writes d value / dx into it (length = encoded dim). */
  value(x: Float64Array, grad: Float64Array | null): number;
}

/** What a proposal's explanation needs from the acquisition at the chosen point. */
export interface AcquisitionParts {
  /** Share of the acquisition due to the predicted mean (the rest is due to uncertainty). */
  exploitShare: number;
}
