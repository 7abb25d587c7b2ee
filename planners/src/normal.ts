/** Standard-normal helpers accurate far into the tails, as LogEI needs (Ament et al., 2023). */

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG_SQRT_HALF_PI = 0.5 * Math.log(Math.PI / 2);

/** Scaled complementary error function exp(x^2) erfc(x), relative accuracy ~1e-14. */
export function erfcx(x: number): number {
  if (x < 0) return 2 * Math.exp(x * x) - erfcx(-x);
  if (x < 2) {
    // erf(x) = 2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1) / (1*3*...*(2n+1)): all terms positive.
    let term = x;
    let sum = x;
    const x2 = 2 * x * x;
    for (let n = 1; n < 80 && term > 1e-17 * sum; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
    }
    const erf = (2 / SQRT_PI) * Math.exp(-x * x) * sum;
    return Math.exp(x * x) * (1 - erf);
  }
  // Continued fraction erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
  // evaluated with the modified Lentz method.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 300; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (SQRT_PI * f);
}

export function normPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

export function normCdf(z: number): number {
  const t = -z / SQRT2;
  return t > 0 ? 0.5 * Math.exp(-t * t) * erfcx(t) : 1 - 0.5 * Math.exp(-t * t) * erfcx(-t);
}

/** log Phi(z), exact in the lower tail. */
export function logNormCdf(z: number): number {
  if (z < -1) {
    const t = -z / SQRT2;
    return Math.log(0.5 * erfcx(t)) - t * t;
  }
  return Math.log1p(-0.5 * Math.exp(-0.5 * z * z) * erfcx(z / SQRT2));
}

/** log(1 - exp(x)) for x < 0 without cancellation. */
export function log1mexp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** h(z) = phi(z) + z Phi(z): E[max(0, Z + z)] for a standard normal Z. */
export function hEi(z: number): number {
  return normPdf(z) + z * normCdf(z);
}

/**
 * log h(z) without underflow, following BoTorch's log_ei: direct for z > -1, then
 * phi(z) * (1 - |z| Phi(z)/phi(z)) through erfcx, then the asymptotic -z^2/2 - log(2pi)/2 - 2 log|z|.
 */
export function logH(z: number): number {
  if (z > -1) return Math.log(hEi(z));
  if (z > -1e7) {
    const w = Math.log(erfcx(-z / SQRT2) * -z) + LOG_SQRT_HALF_PI;
    return -0.5 * z * z - LOG_SQRT_2PI + log1mexp(w);
  }
  return -0.5 * z * z - LOG_SQRT_2PI - 2 * Math.log(-z);
}

/** d/dz log h(z) = Phi(z) / h(z), computed as r/(1 + z r) with r = Phi/phi (Mills ratio). */
export function dLogH(z: number): number {
  if (z > -1) return normCdf(z) / hEi(z);
  if (z > -40) {
    const r = erfcx(-z / SQRT2) * SQRT_PI / SQRT2;
    return r / (1 + z * r);
  }
  // 1 + z r = 1/z^2 - 3/z^4 + 15/z^6 - 105/z^8 + ... in the far tail; cancellation-free.
  const u = 1 / (z * z);
  const q = u * (1 - u * (3 - u * (15 - 105 * u)));
  return (q - 1) / z / q;
}

/** Inverse standard-normal CDF: Acklam's rational approximation refined by one Halley step. */
export function normInv(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p > 0.5) return -normInv(1 - p);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // Halley refinement brings the 1e-9 approximation to full double precision.
  const e = normCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}
