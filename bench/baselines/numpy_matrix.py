#!/usr/bin/python3
"""Baseline for bench/backends.ts: numpy X @ W and X.T @ R in float32, single thread.

Usage: numpy_matrix.py FILE ROWS COLS K REPEATS. FILE holds X (ROWS x COLS float32,
little-endian, row-major). Prints one JSON object: mulMs, mulTMs (medians over REPEATS).
The bench sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS = 1.
"""
import json
import sys
import time

import numpy as np

path, rows, cols, k, repeats = sys.argv[1], *map(int, sys.argv[2:6])
X = np.fromfile(path, dtype="<f4").reshape(rows, cols)
W = np.random.RandomState(0).normal(size=(cols, k)).astype(np.float32)
R = np.random.RandomState(1).normal(size=(rows, k)).astype(np.float32)


def median_ms(fn):
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


print(json.dumps({"mulMs": median_ms(lambda: X @ W), "mulTMs": median_ms(lambda: X.T @ R)}))
