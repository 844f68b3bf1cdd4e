import { describe, expect, it } from 'vitest';
import { minimize, type ObjectiveFn } from '../../src/optim/lbfgs';
import { moreThuente } from '../../src/optim/line-search';
import { createRng } from '../../src/random';

/** Extended Rosenbrock in n (even) dimensions; minimum 0 at (1, ..., 1). */
const rosenbrock: ObjectiveFn = async (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i < x.length; i += 2) {
    const t1 = 1 - x[i];
    const t2 = 10 * (x[i + 1] - x[i] * x[i]);
    f += t1 * t1 + t2 * t2;
    g[i] += -2 * t1 - 40 * x[i] * t2;
    g[i + 1] += 20 * t2;
  }
  return f;
};

/** A random SPD matrix QΛQᵀ with eigenvalues from 1 to `cond`, built from Householder reflections. */
function spd(n: number, cond: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) A[i * n + i] = Math.pow(cond, i / (n - 1));
  for (let r = 0; r < 3; r++) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    const vv = v.reduce((s, x) => s + x * x, 0);
    // A <- H A H with H = I - 2vvᵀ/vᵀv
    const Av = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Av[i] += A[i * n + j] * v[j];
    const vAv = v.reduce((s, x, i) => s + x * Av[i], 0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        A[i * n + j] += (-2 * (v[i] * Av[j] + Av[i] * v[j])) / vv + (4 * vAv * v[i] * v[j]) / (vv * vv);
      }
    }
  }
  return A;
}

describe('minimize (L-BFGS)', () => {
  it('finds the minimum of the 2-D Rosenbrock function from (-1.2, 1)', async () => {
    const r = await minimize(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 200, gradientTolerance: 1e-9, relativeTolerance: 0 });
    expect(r.converged).toBe(true);
    expect(r.reason).toBe('gradient');
    expect(r.x[0]).toBeCloseTo(1, 7);
    expect(r.x[1]).toBeCloseTo(1, 7);
    expect(r.f).toBeLessThan(1e-14);
    expect(r.iterations).toBeLessThan(60);
  });

  it('finds the minimum of the 20-D extended Rosenbrock function', async () => {
    const x0 = new Float64Array(20);
    for (let i = 0; i < 20; i += 2) {
      x0[i] = -1.2;
      x0[i + 1] = 1;
    }
    const r = await minimize(rosenbrock, x0, { maxIterations: 500, gradientTolerance: 1e-8, relativeTolerance: 0 });
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(v).toBeCloseTo(1, 6);
  });

  it('solves an ill-conditioned quadratic (condition number 1e4) to its known minimiser', async () => {
    // f(x) = ½(x − x*)ᵀA(x − x*), written around x* so that rounding does not hide progress.
    const n = 30;
    const A = spd(n, 1e4, 3);
    const rng = createRng(4);
    const xStar = Float64Array.from({ length: n }, () => rng.normal());
    const quad: ObjectiveFn = async (x, g) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        let ae = 0;
        for (let j = 0; j < n; j++) ae += A[i * n + j] * (x[j] - xStar[j]);
        g[i] = ae;
        f += 0.5 * (x[i] - xStar[i]) * ae;
      }
      return f;
    };
    const r = await minimize(quad, new Float64Array(n), { maxIterations: 2000, gradientTolerance: 1e-10, relativeTolerance: 0 });
    expect(r.converged).toBe(true);
    expect(r.reason).toBe('gradient');
    // |x − x*| <= |g| / λmin = 1e-10.
    for (let i = 0; i < n; i++) expect(Math.abs(r.x[i] - xStar[i])).toBeLessThan(1e-9);
  });

  it('OWL-QN gives the exact soft-thresholded minimiser of a separable L1 problem, with exact zeros', async () => {
    // f(x) = Σ ½·a_i·(x_i − c_i)² + λ_i·|x_i|  →  x_i = sign(c_i)·max(|c_i| − λ_i/a_i, 0)
    const a = Float64Array.of(1, 2, 0.5, 4, 1, 3);
    const c = Float64Array.of(3, -0.2, 1, -2, 0.05, 0.5);
    const l1 = Float64Array.of(1, 1, 1, 1, 1, 0);
    const fg: ObjectiveFn = async (x, g) => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        g[i] = a[i] * (x[i] - c[i]);
        f += 0.5 * a[i] * (x[i] - c[i]) ** 2;
      }
      return f;
    };
    const r = await minimize(fg, new Float64Array(6), { maxIterations: 200, gradientTolerance: 1e-9, relativeTolerance: 0, l1 });
    const expected = Array.from(c, (ci, i) => Math.sign(ci) * Math.max(Math.abs(ci) - l1[i] / a[i], 0));
    for (let i = 0; i < 6; i++) expect(Math.abs(r.x[i] - expected[i])).toBeLessThan(1e-8);
    expect(r.x[1]).toBe(0);
    expect(r.x[4]).toBe(0);
    expect(r.x[2]).toBe(0);
    expect(r.converged).toBe(true);
  });

  it('stops with reason lineSearch (not converged) when no step along the direction decreases f', async () => {
    // A gradient with the wrong sign: every "descent" step goes uphill.
    const fg: ObjectiveFn = async (x, g) => {
      g[0] = -2 * x[0];
      return x[0] * x[0];
    };
    const r = await minimize(fg, Float64Array.of(1), { maxIterations: 100, gradientTolerance: 1e-8, relativeTolerance: 0 });
    expect(r).toMatchObject({ converged: false, reason: 'lineSearch', iterations: 0 });
    expect(r.x[0]).toBe(1);
  });

  it('reports converged: false when the iteration budget runs out', async () => {
    const r = await minimize(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 3, gradientTolerance: 1e-12, relativeTolerance: 0 });
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('maxIterations');
    expect(r.iterations).toBe(3);
  });

  it('stops on the relative objective test and returns at once when already optimal', async () => {
    const fg: ObjectiveFn = async (x, g) => {
      g[0] = 2 * (x[0] - 1);
      return (x[0] - 1) ** 2;
    };
    const done = await minimize(fg, Float64Array.of(1), { maxIterations: 10, gradientTolerance: 1e-8, relativeTolerance: 1e-12 });
    expect(done).toMatchObject({ iterations: 0, converged: true, reason: 'gradient' });
    const loose = await minimize(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 500, gradientTolerance: 1e-30, relativeTolerance: 1e-3 });
    expect(loose.converged).toBe(true);
    expect(loose.reason).toBe('objective');
  });

  it('calls onIteration after every iteration and propagates what it throws', async () => {
    const seen: number[] = [];
    await expect(
      minimize(rosenbrock, Float64Array.of(-1.2, 1), {
        maxIterations: 100,
        gradientTolerance: 1e-9,
        relativeTolerance: 0,
        onIteration: ({ iteration }) => {
          seen.push(iteration);
          if (iteration === 4) throw new Error('stop here');
        },
      }),
    ).rejects.toThrow('stop here');
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});

describe('moreThuente', () => {
  // Test functions 1 and 2 of Moré and Thuente (1994), with their parameters.
  const cases = [
    { name: 'φ(α) = −α/(α² + 2)', phi: (a: number) => ({ f: -a / (a * a + 2), dg: (a * a - 2) / (a * a + 2) ** 2 }), ftol: 1e-3, gtol: 0.1 },
    { name: 'φ(α) = (α + 0.004)^5 − 2(α + 0.004)^4', phi: (a: number) => ({ f: (a + 0.004) ** 5 - 2 * (a + 0.004) ** 4, dg: 5 * (a + 0.004) ** 4 - 8 * (a + 0.004) ** 3 }), ftol: 0.1, gtol: 0.1 },
  ];
  for (const c of cases) {
    for (const stp0 of [1e-3, 1e-1, 10, 1e3]) {
      it(`finds a strong-Wolfe step for ${c.name} from ${stp0}`, async () => {
        const { f: f0, dg: dg0 } = c.phi(0);
        const r = await moreThuente(async (a) => c.phi(a), f0, dg0, stp0, { ftol: c.ftol, gtol: c.gtol, xtol: 1e-10 });
        expect(r.status).toBe('converged');
        expect(r.f).toBeLessThanOrEqual(f0 + c.ftol * r.stp * dg0);
        expect(Math.abs(r.dg)).toBeLessThanOrEqual(c.gtol * Math.abs(dg0));
        expect(r.evaluations).toBeLessThanOrEqual(12);
      });
    }
  }

  it('rejects an ascent direction', async () => {
    await expect(moreThuente(async () => ({ f: 0, dg: 0 }), 0, 1, 1)).rejects.toThrow(/descent/);
  });
});
