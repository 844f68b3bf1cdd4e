/**
 * The Kolmogorov-Smirnov one-sample distributions, as computed by scipy 1.10:
 *
 * - {@link kolmogorovSf}: the limiting distribution, P(K > x) (`scipy.special.kolmogorov`).
 * - {@link smirnovSf}: the exact one-sided distribution, P(D+_n >= d)
 *   (`scipy.special.smirnov`, Birnbaum-Tingey / Smirnov-Dwass sum).
 * - {@link kolmogorovSmirnovSf}: the exact two-sided distribution, P(D_n >= d)
 *   (`scipy.stats.kstwo.sf`), by Simard and L'Ecuyer's (2011) decision tree over
 *   Ruben-Gambino closed forms, the Durbin matrix in Marsaglia-Tsang-Wang form, the
 *   Pomeranz recursion, the Pelz-Good asymptotic series and 2·smirnov.
 *
 * The two-sample KS test uses {@link kolmogorovSmirnovSf} at n = round(n1 n2 / (n1 + n2))
 * for its asymptotic p-value, as `scipy.stats.ks_2samp(method='asymp')` does.
 *
 * @module
 */
import { ldexp, logGamma, stirlingCorrection } from '../../math/special';

const E128 = 2 ** 128;
const EM128 = 2 ** -128;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const LN_SQRT_2PI = 0.5 * LOG_2PI;
const PI2 = Math.PI * Math.PI;
const PI4 = PI2 * PI2;
const PI6 = PI4 * PI2;
/** log of the smallest positive double (cephes MINLOG). */
const MIN_LOG = -745.1332191019412;
/** Beyond this n, smirnov uses the asymptotic form exp(-(6nx + 1)^2 / 18n), as cephes does. */
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/**
 * Survival function of the limiting Kolmogorov distribution,
 * P(K > x) = 2 Σ_{k>=1} (-1)^(k-1) exp(-2 k² x²) (`scipy.special.kolmogorov`).
 * The asymptotic p-value of √n·D_n for large n. Uses the Jacobi-theta form
 * 1 - √(2π)/x Σ exp(-(2k-1)² π² / (8x²)) below x = 0.82.
 *
 * @example
 * ```ts
 * kolmogorovSf(1.3580986393225505); // 0.05
 * ```
 */
export function kolmogorovSf(x: number): number {
  if (x !== x) return NaN;
  if (x <= 0) return 1;
  if (x <= Math.PI / Math.sqrt(746 * 8)) return 1;
  if (x <= 0.82) {
    const w = SQRT_2PI / x;
    const logu8 = -PI2 / (x * x);
    const u = Math.exp(logu8 / 8);
    if (u === 0) return clip01(1 - Math.exp(logu8 / 8 + Math.log(w)));
    const u8 = Math.exp(logu8);
    let p = 1 + u8 * u8 * u8;
    p = 1 + u8 * u8 * p;
    p = 1 + u8 * p;
    return clip01(1 - w * u * p);
  }
  const v = Math.exp(-2 * x * x);
  const v3 = v * v * v;
  let p = 1 - v3 * v3 * v;
  p = 1 - v3 * v * v * p;
  p = 1 - v3 * p;
  return clip01(2 * v * p);
}

/** n * x split into floor and fractional part without rounding error (Dekker's product). */
function splitNX(n: number, x: number): { floor: number; alpha: number } {
  const p = n * x;
  // Exact error of the product: n * x = p + e.
  const split = (a: number): [number, number] => {
    const c = 134217729 * a; // 2^27 + 1
    const hi = c - (c - a);
    return [hi, a - hi];
  };
  const [nh, nl] = split(n);
  const [xh, xl] = split(x);
  const e = nh * xh - p + nh * xl + nl * xh + nl * xl;
  let floor = Math.floor(p);
  let alpha = p - floor + e;
  if (alpha < 0) {
    floor -= 1;
    alpha += 1;
  } else if (alpha >= 1) {
    floor += 1;
    alpha -= 1;
  }
  return { floor, alpha };
}

/**
 * Survival function of the one-sided Kolmogorov-Smirnov statistic,
 * P(D+_n >= d) = d Σ_{v=0}^{⌊n(1-d)⌋} C(n, v) (d + v/n)^(v-1) (1 - d - v/n)^(n-v)
 * (`scipy.special.smirnov(n, d)`), for an integer n >= 1 and 0 <= d <= 1.
 * Terms are summed with early termination, as cephes does; for
 * n > 1,000,000 the asymptotic exp(-(6nd + 1)² / 18n) is returned, as cephes does.
 *
 * @example
 * ```ts
 * smirnovSf(10, 0.3); // 0.1354...
 * ```
 */
export function smirnovSf(n: number, d: number): number {
  if (!(n >= 1 && Number.isInteger(n)) || !(d >= 0 && d <= 1)) return NaN;
  if (n === 1) return 1 - d;
  if (d === 0) return 1;
  if (d === 1) return 0;
  const { floor: nxfl, alpha } = splitNX(n, d);
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    // d <= 1/n: P(D+ < d) = d (1 + d)^(n-1).
    return clip01(1 - d * Math.pow(1 + d, n - 1));
  }
  if (-2 * n * d * d < MIN_LOG) return 0;
  if (nxfl >= n - 1) return clip01(Math.pow(1 - d, n));
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const t = 6 * n * d + 1;
    return clip01(Math.exp((-t * t) / 18 / n));
  }
  // Lower sum over v = 0 .. n - nxfl - 1 (the v = n(1 - d) term is zero when alpha = 0).
  // Each term is A_v = b(v; n, u) / u with u = d + v/n and b the binomial pmf, computed
  // in Loader's saddle-point form (stirlerr and bd0), which keeps ~1e-13 relative
  // accuracy for n up to 10^6 where a plain log-space sum loses 1e-8.
  const nTerms = n - nxfl;
  const nx = nxfl + alpha;
  const stirlerrN = stirlerr(n);
  let sum = Math.exp(n * Math.log1p(-d)) / d; // v = 0: (1 - d)^n / d
  let comp = 0; // Neumaier compensation
  const vmid = n / 2;
  for (let v = 1; v < nTerms; v++) {
    const nu = v + nx; // n u
    const nq = n - v - nxfl - alpha; // n (1 - u)
    const logTerm =
      stirlerrN - stirlerr(v) - stirlerr(n - v) - bd0(v, nu) - bd0(n - v, nq) + 0.5 * Math.log(n / (2 * Math.PI * v * (n - v))) - Math.log(nu / n);
    const term = Math.exp(logTerm);
    const t = sum + term;
    comp += Math.abs(sum) >= term ? sum - t + term : term - t + sum;
    sum = t;
    if (term > 0) {
      if (4 * (nTerms - v) * term < 2.220446049250313e-16 * (sum + comp) && v !== nTerms - 1) break;
    } else if (v > vmid) {
      break;
    }
  }
  return clip01(d * (sum + comp));
}

/** log(k!) - ((k + 1/2) log k - k + log √(2π)): the error of Stirling's formula for k!. */
function stirlerr(k: number): number {
  return k >= 10 ? stirlingCorrection(k) : logGamma(k + 1) - (k + 0.5) * Math.log(k) + k - LN_SQRT_2PI;
}

/** x log(x / M) + M - x without cancellation when x is close to M (Loader 2000). */
function bd0(x: number, M: number): number {
  if (Math.abs(x - M) < 0.1 * (x + M)) {
    let v = (x - M) / (x + M);
    let s = (x - M) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / M) + M - x;
}

/** log(n! / n^n) by Stirling's series (scipy's `_log_nfactorial_div_n_pow_n`). */
function logFactorialOverPower(n: number): number {
  return 0.5 * Math.log(n) - n + LOG_2PI / 2 + stirlingCorrection(n);
}

function matMul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k];
      if (aik === 0) continue;
      const bo = k * m;
      const co = i * m;
      for (let j = 0; j < m; j++) c[co + j] += aik * b[bo + j];
    }
  }
  return c;
}

/** P(D_n <= d) by the Durbin matrix algorithm in the Marsaglia-Tsang-Wang form. */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - Math.pow(h, j)) * fac;
  }
  const tt = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tt) * fac;
  let H: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1];
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  let P: Float64Array | null = null; // H^bits so far; null stands for the identity
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      P = P === null ? H.slice() : matMul(P, H, m);
      expnt += hExpnt;
    }
    H = matMul(H, H, m);
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]) > E128) {
      for (let i = 0; i < H.length; i++) H[i] /= E128;
      hExpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = (P as Float64Array)[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      expnt -= 128;
    }
  }
  return ldexp(p, expnt);
}

/** The window [j1, j2] of row i of the Pomeranz recursion. */
function pomeranzWindow(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n <= d) by the Pomeranz (1974) recursion. */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1;
  const gn = g / n;
  const g2n = (2 * g) / n;
  const om2gn = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1] * gn) / m;
    twogpower[m] = (twogpower[m - 1] * g2n) / m;
    onem2gpower[m] = (onem2gpower[m - 1] * om2gn) / m;
  }
  let V0: Float64Array = new Float64Array(npwrs);
  let V1: Float64Array = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let expnt = 0;
  let [j1, j2] = pomeranzWindow(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzWindow(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // conv = full convolution of V0[k1 - V0s ..][:ln2] with pwrs[:ln2]; keep
      // conv[j1 - k1 .. j2 - k1].
      const start = k1 - V0s;
      const la = Math.min(ln2, npwrs - start);
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      let vmax = 0;
      for (let q = 0; q < convLen; q++) {
        const c = convStart + q;
        let s = 0;
        const pLo = Math.max(0, c - ln2 + 1);
        const pHi = Math.min(la - 1, c);
        for (let p = pLo; p <= pHi; p++) s += V0[start + p] * pwrs[c - p];
        V1[q] = s;
        if (s > vmax) vmax = s;
      }
      if (vmax > 0 && vmax < EM128) {
        for (let q = 0; q < npwrs; q++) V1[q] *= E128;
        expnt -= 128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > E128) {
      ans *= EM128;
      expnt += 128;
    }
    ans *= m;
  }
  return ldexp(ans, expnt);
}

/** Pelz-Good asymptotic approximation to P(D_n <= x). */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z4 * z4;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = Math.pow(q, 8 * k);
    K[0] = K[0] * qpower + 1;
    K[1] = K[1] * qpower + (k1a + k1b * m2);
    K[2] = K[2] * qpower + (k2a + k2b * m2 + k2c * m4);
    K[3] = K[3] * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const scale = q * SQRT_2PI;
  K[0] = (K[0] * scale) / z;
  K[1] = (K[1] * scale) / (6 * z4);
  K[2] = (K[2] * scale) / (72 * z6 * z);
  K[3] = (K[3] * scale) / (6480 * z6 * z4);
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = Math.pow(q, k2);
    const kpi = Math.PI * k;
    k2extra += k2 * qp;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qp;
  }
  K[2] += (k2extra * PI2 * SQRT_2PI) / (-36 * z3);
  K[3] += (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  return K[0] + K[1] / Math.sqrt(n) + K[2] / n + K[3] / (n * Math.sqrt(n));
}

/**
 * Survival function of the two-sided one-sample Kolmogorov-Smirnov statistic,
 * P(D_n >= d) where D_n = sup |F_n - F| for n i.i.d. values from a continuous F
 * (`scipy.stats.kstwo.sf(d, n)`; scipy's `_kolmogn(n, d, cdf=False)`).
 *
 * Follows Simard and L'Ecuyer's choice of method by (n, n d²) exactly as scipy 1.10:
 * closed forms for d <= 1/n and d >= 1 - 1/n, 2·smirnov for d >= 0.5 or large n d²,
 * the Durbin/MTW matrix or the Pomeranz recursion for n <= 140, the matrix or the
 * Pelz-Good series above. `n` must be a positive integer; `d <= 0.5 / n` gives 1.
 *
 * @example
 * ```ts
 * kolmogorovSmirnovSf(100, 0.134); // about 0.05
 * ```
 */
export function kolmogorovSmirnovSf(n: number, d: number): number {
  if (!(n >= 1 && Number.isInteger(n)) || d !== d) return NaN;
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - prob);
  }
  if (t >= n - 1) return clip01(2 * Math.pow(1 - d, n));
  if (d >= 0.5) return clip01(2 * smirnovSf(n, d));
  const nxsquared = t * d;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip01(1 - durbinMatrixCdf(n, d));
    if (nxsquared <= 4) return clip01(1 - pomeranzCdf(n, d));
    return clip01(2 * smirnovSf(n, d));
  }
  if (nxsquared >= 370) return 0;
  if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, d));
  const cdf = n <= 100000 && n * Math.pow(d, 1.5) <= 1.4 ? durbinMatrixCdf(n, d) : pelzGoodCdf(n, d);
  return clip01(1 - cdf);
}
