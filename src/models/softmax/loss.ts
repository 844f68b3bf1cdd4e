/**
 * The multinomial log loss over blocks of rows, for the fused and the generic gradient
 * paths.
 *
 * @module
 */
import type { BlockLoss } from '../../backend/js-matrix';
import type { FitData } from '../types';
import type { RowLoss } from '../glm/fit';

/**
 * Weighted multinomial log loss `wᵢ·(log Σⱼ e^zᵢⱼ − zᵢ,yᵢ)` with `zᵢⱼ = scoreᵢⱼ + bⱼ`,
 * computed with the max-shift so no exponential overflows. Writes
 * `wᵢ·(softmax(zᵢ)ⱼ − [j = yᵢ])` as the derivative.
 */
export class MultinomialLogLoss implements RowLoss {
  readonly intercept: Float64Array;
  readonly interceptGrad: Float64Array;
  readonly block: BlockLoss;

  constructor(
    data: FitData,
    private readonly k: number,
  ) {
    this.intercept = new Float64Array(k);
    this.interceptGrad = new Float64Array(k);
    const y = data.y;
    const w = data.sampleWeight;
    this.block = (s, c, Z, R) => this.compute(y, w, s, c, Z, R);
  }

  private compute(y: Float64Array, w: Float64Array | undefined, start: number, count: number, Z: Float64Array, R: Float64Array): number {
    const { k, intercept: b, interceptGrad: gb } = this;
    let total = 0;
    for (let i = 0, o = 0; i < count; i++, o += k) {
      let max = -Infinity;
      for (let j = 0; j < k; j++) {
        const z = Z[o + j] + b[j];
        if (z > max) max = z;
      }
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(Z[o + j] + b[j] - max);
        R[o + j] = e;
        sum += e;
      }
      const yi = y[start + i];
      const wi = w === undefined ? 1 : w[start + i];
      total += wi * (max + Math.log(sum) - (Z[o + yi] + b[yi]));
      const scale = wi / sum;
      for (let j = 0; j < k; j++) {
        const r = R[o + j] * scale - (j === yi ? wi : 0);
        R[o + j] = r;
        gb[j] += r;
      }
    }
    return total;
  }
}

/** The weighted share of each class. */
export function classShares(data: FitData, k: number): Float64Array {
  const { y, sampleWeight: w } = data;
  const shares = new Float64Array(k);
  let all = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : w[i];
    shares[y[i]] += wi;
    all += wi;
  }
  for (let j = 0; j < k; j++) shares[j] /= all;
  return shares;
}
