import { describe, expect, it } from 'vitest';
import { elasticNetCD, type GramStats } from '../../src/optim/coordinate-descent';
import { minimize } from '../../src/optim/lbfgs';
import { createRng } from '../../src/random';

function problem(rows: number, d: number, seed: number): GramStats & { X: Float64Array; y: Float64Array } {
  const rng = createRng(seed);
  const X = Float64Array.from({ length: rows * d }, () => rng.normal());
  const y = Float64Array.from({ length: rows }, (_, r) => 2 * X[r * d] - X[r * d + 1] + 0.1 * rng.normal());
  const G = new Float64Array(d * d);
  const q = new Float64Array(d);
  let yy = 0;
  for (let r = 0; r < rows; r++) {
    yy += y[r] * y[r];
    for (let i = 0; i < d; i++) {
      q[i] += X[r * d + i] * y[r];
      for (let j = 0; j < d; j++) G[i * d + j] += X[r * d + i] * X[r * d + j];
    }
  }
  return { d, G, q, yy, X, y };
}

describe('elasticNetCD', () => {
  it('is the soft-thresholded least-squares solution for an orthogonal design', async () => {
    // G = s·I: β_j = soft(q_j, l1) / (s + l2).
    const d = 4;
    const s = 10;
    const G = new Float64Array(d * d);
    for (let i = 0; i < d; i++) G[i * d + i] = s;
    const q = Float64Array.of(25, -3, 7.5, 0.4);
    const l1 = 5;
    const l2 = 2;
    const r = await elasticNetCD({ d, G, q, yy: 100 }, { l1, l2, tolerance: 1e-12, maxIterations: 100 });
    expect(r.converged).toBe(true);
    const expected = Array.from(q, (v) => (Math.sign(v) * Math.max(Math.abs(v) - l1, 0)) / (s + l2) + 0);
    expect(Array.from(r.beta, (v) => v + 0)).toEqual(expected);
  });

  it('agrees with OWL-QN on the same lasso objective and zeroes the noise features', async () => {
    const rows = 200;
    const d = 8;
    const p = problem(rows, d, 11);
    const l1 = 15;
    const l2 = 3;
    const cd = await elasticNetCD(p, { l1, l2, tolerance: 1e-14, maxIterations: 10_000 });
    expect(cd.converged).toBe(true);
    // ½‖y − Xβ‖² + (l2/2)‖β‖² minimised by OWL-QN with the L1 term.
    const owl = await minimize(
      async (b, g) => {
        let f = 0;
        g.fill(0);
        for (let r = 0; r < rows; r++) {
          let z = 0;
          for (let j = 0; j < d; j++) z += p.X[r * d + j] * b[j];
          const res = z - p.y[r];
          f += 0.5 * res * res;
          for (let j = 0; j < d; j++) g[j] += res * p.X[r * d + j];
        }
        for (let j = 0; j < d; j++) {
          f += 0.5 * l2 * b[j] * b[j];
          g[j] += l2 * b[j];
        }
        return f;
      },
      new Float64Array(d),
      { maxIterations: 500, gradientTolerance: 1e-9, relativeTolerance: 0, l1: new Float64Array(d).fill(l1) },
    );
    for (let j = 0; j < d; j++) expect(Math.abs(cd.beta[j] - owl.x[j])).toBeLessThan(1e-7);
    const zeros = Array.from(cd.beta).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThanOrEqual(4);
    expect(cd.beta[0]).toBeGreaterThan(1.5);
  });

  it('reports the sweeps and stops unconverged at maxIterations', async () => {
    const p = problem(100, 6, 12);
    const sweeps: number[] = [];
    const r = await elasticNetCD(p, { l1: 1, l2: 0, tolerance: 1e-300, maxIterations: 3, onSweep: (s) => void sweeps.push(s) });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
    expect(sweeps).toEqual([1, 2, 3]);
  });
});
