"""Baseline for bench/profile.ts: pandas DataFrame.describe() of the same numbers.

Usage: python3 pandas_describe.py FILE ROWS COLS RUNS
FILE holds ROWS x COLS little-endian float64 values, column after column (NaN = missing).
Prints one JSON line: {"describeSeconds", "describeCpuSeconds", "histogramSeconds", "rows", "cols", "check"}
(medians over RUNS). "histogramSeconds" adds what a profile also stores: 20-bin
numpy.histogram and 9 quantiles per column (describe() computes 3), so the two sides
summarise the same things.
"""
import json
import statistics
import sys
import time

import numpy as np
import pandas as pd


def main() -> None:
    path, rows, cols, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    data = np.fromfile(path, dtype="<f8").reshape(cols, rows)
    df = pd.DataFrame({f"f{c}": data[c] for c in range(cols)})
    wall, cpu, extra = [], [], []
    check = 0.0
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        d = df.describe()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        t = time.perf_counter()
        for name in df.columns:
            v = df[name].to_numpy()
            v = v[~np.isnan(v)]
            np.histogram(v, bins=20)
            np.quantile(v, [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99])
        extra.append(time.perf_counter() - t)
        check = float(d.loc["mean"].sum())
    print(json.dumps({
        "describeSeconds": statistics.median(wall),
        "describeCpuSeconds": statistics.median(cpu),
        "histogramSeconds": statistics.median(extra),
        "rows": rows,
        "cols": cols,
        "check": check,
    }))


if __name__ == "__main__":
    main()
