#!/usr/bin/env python3
"""Baseline for bench/drift-stats.ts: times scipy/numpy drift statistics on the same data.

Usage: scipy_stats.py DIR REPEATS. DIR holds little-endian float64 files written by the
TypeScript bench: ref.f64, same.f64 (same distribution as ref), shift.f64 (shifted),
ad_a.f64, ad_b.f64 (Anderson-Darling samples). Prints one JSON object:
{case: {"ms": median wall milliseconds, "cpu": median process CPU milliseconds, "value": result}}. Single-threaded (the bench
sets OMP/OPENBLAS threads to 1; these functions do not use threads anyway).
"""
import json
import os
import sys
import time
import warnings

import numpy as np
from scipy import stats

d, repeats = sys.argv[1], int(sys.argv[2])


def load(name):
    return np.fromfile(os.path.join(d, name), dtype="<f8")


ref, same, shift = load("ref.f64"), load("same.f64"), load("shift.f64")
ad_a, ad_b = load("ad_a.f64"), load("ad_b.f64")


def psi(reference, current, bins=10, eps=1e-4):
    """mlops-kit's documented PSI rule in numpy: inverted-CDF reference quantile edges,
    de-duplicated, an edge equal to the minimum dropped, left-closed bins, eps for empty bins."""
    reference = np.sort(reference)
    edges = np.unique(np.quantile(reference, [i / bins for i in range(1, bins)], method="inverted_cdf"))
    if len(edges) and edges[0] == reference[0]:
        edges = edges[1:]
    r = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1) / len(reference)
    c = np.bincount(np.searchsorted(edges, current, side="right"), minlength=len(edges) + 1) / len(current)
    r = np.where(r > 0, r, eps)
    c = np.where(c > 0, c, eps)
    return float(np.sum((c - r) * np.log(c / r)))


def anderson():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return stats.anderson_ksamp([ad_a, ad_b]).statistic


runs = {
    "ksTest same": lambda: stats.ks_2samp(ref, same).pvalue,
    "ksTest shifted": lambda: stats.ks_2samp(ref, shift).pvalue,
    "wasserstein": lambda: stats.wasserstein_distance(ref, shift),
    "psi": lambda: psi(ref, shift),
    "andersonDarlingKSample": anderson,
}
only = os.environ.get("BENCH_ONLY")
out = {}
for name, fn in runs.items():
    if only and name.split(" ")[0] not in only.split(","):
        continue
    value = fn()  # warm-up, as the TypeScript side
    times, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        value = fn()
        cpu.append((time.process_time() - c) * 1000)
        times.append((time.perf_counter() - t) * 1000)
    out[name] = {"ms": float(np.median(times)), "cpu": float(np.median(cpu)), "value": float(value)}
print(json.dumps(out))
