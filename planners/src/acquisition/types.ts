/** An acquisition function on the encoded unit cube, to be maximized. */
export interface AcquisitionFn {
  /** Value at encoded x; when `grad` is given, also writes d value / dx into it (length = encoded dim). */
  value(x: Float64Array, grad: Float64Array | null): number;
  /** Optional batched values (e.g. for scoring raw samples with blocked solves). */
  values?(xs: Float64Array[]): Float64Array;
  /** Optional batched values and gradients (lockstep L-BFGS restarts). */
  valuesWithGrad?(xs: Float64Array[], grads: Float64Array[]): Float64Array;
}

/** Batched values, falling back to one-by-one evaluation. */
export function evaluateMany(acq: AcquisitionFn, xs: Float64Array[]): Float64Array {
  return acq.values ? acq.values(xs) : Float64Array.from(xs, (x) => acq.value(x, null));
}

/** Batched values and gradients, falling back to one-by-one evaluation. */
export function evaluateManyWithGrad(acq: AcquisitionFn, xs: Float64Array[], grads: Float64Array[]): Float64Array {
  return acq.valuesWithGrad ? acq.valuesWithGrad(xs, grads) : Float64Array.from(xs, (x, i) => acq.value(x, grads[i]));
}
