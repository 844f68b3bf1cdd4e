"""Baseline for bench/monitor.ts: the scipy calls a drift check makes on raw data.

Usage: python3 scipy_check.py DIR ROWS NUMERIC CATEGORICAL RUNS
DIR holds reference.f32 / current.f32 (ROWS x NUMERIC little-endian float32, column after
column) and reference.u8 / current.u8 (ROWS x CATEGORICAL category codes). Per numeric
column: scipy.stats.ks_2samp(reference, current) (method auto: asymptotic at this size);
per categorical column: the 2 x K table of category counts and
scipy.stats.chi2_contingency. Prints one JSON line with medians over RUNS:
{"seconds", "cpuSeconds", "ksSeconds", "chi2Seconds", "drifted"}; loading and
float32 -> float64 conversion are excluded.
"""
import json
import statistics
import sys
import time

import numpy as np
from scipy import stats


def main() -> None:
    d, rows, nnum, ncat, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    ref = np.fromfile(f"{d}/reference.f32", dtype="<f4").reshape(nnum, rows).astype(np.float64)
    cur = np.fromfile(f"{d}/current.f32", dtype="<f4").reshape(nnum, rows).astype(np.float64)
    rcat = np.fromfile(f"{d}/reference.u8", dtype=np.uint8).reshape(ncat, rows)
    ccat = np.fromfile(f"{d}/current.u8", dtype=np.uint8).reshape(ncat, rows)
    wall, cpu, ks_t, chi_t = [], [], [], []
    drifted = 0
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        drifted = 0
        for c in range(nnum):
            drifted += stats.ks_2samp(ref[c], cur[c]).pvalue < 0.05
        t1 = time.perf_counter()
        for c in range(ncat):
            k = int(max(rcat[c].max(), ccat[c].max())) + 1
            table = np.vstack([np.bincount(rcat[c], minlength=k), np.bincount(ccat[c], minlength=k)])
            table = table[:, table.sum(axis=0) > 0]
            drifted += stats.chi2_contingency(table)[1] < 0.05
        t2 = time.perf_counter()
        wall.append(t2 - t0)
        cpu.append(time.process_time() - c0)
        ks_t.append(t1 - t0)
        chi_t.append(t2 - t1)
    print(json.dumps({
        "seconds": statistics.median(wall),
        "cpuSeconds": statistics.median(cpu),
        "ksSeconds": statistics.median(ks_t),
        "chi2Seconds": statistics.median(chi_t),
        "drifted": int(drifted),
    }))


if __name__ == "__main__":
    main()
