/**
 * Drift statistics: two-sample tests, distances between distributions and
 * multiple-testing corrections, golden-tested against scipy 1.10. See
 * docs/drift-statistics.md for what each measures and when to use it.
 *
 * @module
 */
export { ksTest, ksTestSorted, type KsTestOptions, type KsTestResult } from './ks';
export { chiSquareTest, type ChiSquareTestOptions, type ChiSquareTestResult } from './chi-square';
export { wasserstein, wassersteinSorted, normalizedWasserstein, type WassersteinOptions } from './wasserstein';
export {
  jensenShannon,
  hellinger,
  psi,
  psiFromCounts,
  PSI_BINS,
  PSI_EPSILON,
  type JensenShannonOptions,
  type PsiOptions,
  type PsiCountsOptions,
  type PsiResult,
} from './divergences';
export { andersonDarlingKSample, type AndersonDarlingResult } from './anderson-darling';
export { twoProportionZTest, type TwoProportionZTestResult } from './proportions';
export { bonferroni, benjaminiHochberg } from './multiple-testing';
export { kolmogorovSf, smirnovSf, kolmogorovSmirnovSf } from './kolmogorov';
export { logGamma, logBinomial, regularizedGammaP, regularizedGammaQ, chiSquareSf, erfc, normalSf, normalCdf } from '../../math/special';
export { sortFloat64 } from './sort';
