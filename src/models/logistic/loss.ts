/**
 * The binary log loss over blocks of rows, for the fused and the generic gradient paths.
 *
 * @module
 */
import type { BlockLoss } from '../../backend/js-matrix';
import type { FitData } from '../types';
import type { RowLoss } from '../glm/fit';

/**
 * Weighted binary log loss `wᵢ·(log(1 + e^zᵢ) − yᵢ·zᵢ)` with `zᵢ = scoreᵢ + b`, computed
 * without overflow for any z as `max(z, 0) + log(1 + e^-|z|)`. Writes `wᵢ·(σ(zᵢ) − yᵢ)`
 * as the derivative.
 *
 * Unweighted, the `log(1 + e^-|z|)` terms are summed as the log of their product over
 * runs of 64 rows (each factor is in (1, 2], so the product cannot overflow): one
 * logarithm per 64 rows instead of one per row, at a relative error of about 1e-14.
 */
export class BinaryLogLoss implements RowLoss {
  readonly intercept = new Float64Array(1);
  readonly interceptGrad = new Float64Array(1);
  readonly block: BlockLoss;

  constructor(data: FitData) {
    const y = data.y;
    const w = data.sampleWeight;
    this.block = w === undefined ? (s, c, Z, R) => this.unweighted(y, s, c, Z, R) : (s, c, Z, R) => this.weighted(y, w, s, c, Z, R);
  }

  private unweighted(y: Float64Array, start: number, count: number, Z: Float64Array, R: Float64Array): number {
    const b = this.intercept[0];
    let total = 0;
    let gb = 0;
    let product = 1;
    for (let i = 0; i < count; i++) {
      const z = Z[i] + b;
      const yi = y[start + i];
      const e = Math.exp(z < 0 ? z : -z);
      const onePlus = 1 + e;
      product *= onePlus;
      if ((i & 63) === 63) {
        total += Math.log(product);
        product = 1;
      }
      total += (z > 0 ? z : 0) - yi * z;
      const r = (z >= 0 ? 1 : e) / onePlus - yi;
      R[i] = r;
      gb += r;
    }
    this.interceptGrad[0] += gb;
    return total + Math.log(product);
  }

  private weighted(y: Float64Array, w: Float64Array, start: number, count: number, Z: Float64Array, R: Float64Array): number {
    const b = this.intercept[0];
    let total = 0;
    let gb = 0;
    for (let i = 0; i < count; i++) {
      const z = Z[i] + b;
      const yi = y[start + i];
      const wi = w[start + i];
      const e = Math.exp(z < 0 ? z : -z);
      total += wi * ((z > 0 ? z : 0) + Math.log1p(e) - yi * z);
      const r = wi * ((z >= 0 ? 1 : e) / (1 + e) - yi);
      R[i] = r;
      gb += r;
    }
    this.interceptGrad[0] += gb;
    return total;
  }
}

/** The weighted share of class 1 (the positive class). */
export function positiveRate(data: FitData): number {
  const { y, sampleWeight: w } = data;
  let pos = 0;
  let all = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : w[i];
    pos += wi * y[i];
    all += wi;
  }
  return pos / all;
}
