/**
 * Feature importance of a trained gbdt model.
 *
 * @module
 */

/** Importance of one feature, summed over the model's trees. */
export interface FeatureImportance {
  /** Feature (matrix column) name. */
  feature: string;
  /** Total loss reduction of the splits on this feature (XGBoost's `total_gain`). */
  gain: number;
  /** This feature's share of the total gain, 0..1. */
  gainShare: number;
  /** Number of splits on this feature (XGBoost's `weight`). */
  splits: number;
}

/**
 * Sums gain and split counts per feature over trees given as (feature, gain) per node
 * (feature -1 for leaves). Sorted by gain, largest first.
 * @internal
 */
export function featureImportance(names: readonly string[], trees: readonly { feature: readonly number[]; gain: readonly number[] }[]): FeatureImportance[] {
  const gain = new Float64Array(names.length);
  const splits = new Float64Array(names.length);
  for (const t of trees) {
    for (let i = 0; i < t.feature.length; i++) {
      const f = t.feature[i];
      if (f < 0) continue;
      gain[f] += t.gain[i];
      splits[f]++;
    }
  }
  let total = 0;
  for (const g of gain) total += g;
  return names
    .map((feature, f) => ({ feature, gain: gain[f], gainShare: total > 0 ? gain[f] / total : 0, splits: splits[f] }))
    .sort((a, b) => b.gain - a.gain || b.splits - a.splits || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
}
