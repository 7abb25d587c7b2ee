import { reflectIndex } from '../tiling/tiles';

/** A normalized 1-D Gaussian kernel reaching 3 sigma each side. */
export function gaussianKernel(sigmaPx: number): Float32Array {
  const reach = Math.max(1, Math.ceil(3 * sigmaPx));
  const kernel = new Float32Array(2 * reach + 1);
  let sum = 0;
  for (let k = -reach; k <= reach; k++) {
    const v = Math.exp((-k * k) / (2 * sigmaPx * sigmaPx));
    kernel[k + reach] = v;
    sum += v;
  }
  for (let k = 0; k < kernel.length; k++) kernel[k] /= sum;
  return kernel;
}

/** Convolve rows then columns with a symmetric 1-D kernel, mirroring at the edges. */
export function separableFilter(src: Float32Array, width: number, height: number, kernel: Float32Array): Float32Array {
  const reach = (kernel.length - 1) / 2;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = -reach; k <= reach; k++) acc += kernel[k + reach] * src[row + reflectIndex(x + k, width)];
      tmp[row + x] = acc;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = -reach; k <= reach; k++) acc += kernel[k + reach] * tmp[reflectIndex(y + k, height) * width + x];
      out[y * width + x] = acc;
    }
  }
  return out;
}

/** Gaussian blur with standard deviation sigmaPx. */
export function gaussianBlur(src: Float32Array, width: number, height: number, sigmaPx: number): Float32Array {
  return separableFilter(src, width, height, gaussianKernel(sigmaPx));
}

/**
 * Scale-normalized negative Laplacian of a Gaussian-smoothed image (sigma^2 x -(d2/dx2 + d2/dy2)),
 * by finite differences on the smoothed image: bright blobs of about sigma give positive peaks.
 */
export function negativeLoG(src: Float32Array, width: number, height: number, sigmaPx: number): Float32Array {
  const s = gaussianBlur(src, width, height, sigmaPx);
  const out = new Float32Array(src.length);
  const scale = sigmaPx * sigmaPx;
  for (let y = 0; y < height; y++) {
    const up = reflectIndex(y - 1, height) * width;
    const down = reflectIndex(y + 1, height) * width;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const left = reflectIndex(x - 1, width);
      const right = reflectIndex(x + 1, width);
      const lap = s[row + left] + s[row + right] + s[up + x] + s[down + x] - 4 * s[row + x];
      out[row + x] = -scale * lap;
    }
  }
  return out;
}
