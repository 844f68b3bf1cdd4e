#!/usr/bin/env python3
"""Baseline for bench/metrics.ts: times scikit-learn metrics on the same data.

Usage: sklearn_metrics.py DIR N REPEATS. DIR holds little-endian binaries written by the
TypeScript bench: y.u8 (0/1 labels), score.f64 (scores in [0, 1]), pred.u8 (labels
predicted at 0.5), yreg.f64 and preg.f64 (regression). Prints one JSON object:
{metric: {"ms": median milliseconds, "value": result}}.
"""
import json
import os
import sys
import time

import numpy as np
from sklearn import metrics as M

d, n, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
y = np.fromfile(os.path.join(d, "y.u8"), dtype=np.uint8).astype(np.int64)
score = np.fromfile(os.path.join(d, "score.f64"), dtype="<f8")
pred = np.fromfile(os.path.join(d, "pred.u8"), dtype=np.uint8).astype(np.int64)
yreg = np.fromfile(os.path.join(d, "yreg.f64"), dtype="<f8")
preg = np.fromfile(os.path.join(d, "preg.f64"), dtype="<f8")
assert len(y) == n

runs = {
    "rocAuc": lambda: M.roc_auc_score(y, score),
    "averagePrecision": lambda: M.average_precision_score(y, score),
    "logLoss": lambda: M.log_loss(y, score),
    "f1": lambda: M.f1_score(y, pred),
    "rmse": lambda: M.mean_squared_error(yreg, preg, squared=False),
}
only = os.environ.get("BENCH_ONLY")
out = {}
for name, fn in runs.items():
    if only and name not in only.split(","):
        continue
    times = []
    value = None
    for _ in range(repeats):
        t = time.perf_counter()
        value = fn()
        times.append((time.perf_counter() - t) * 1000)
    out[name] = {"ms": float(np.median(times)), "value": float(value)}
print(json.dumps(out))
