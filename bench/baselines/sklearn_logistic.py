#!/usr/bin/python3
"""Baseline for bench/logistic.ts: scikit-learn LogisticRegression (lbfgs) and numpy.

Usage: sklearn_logistic.py DIR ROWS TEST_ROWS COLS REPEATS. DIR holds little-endian
binaries written by the TypeScript bench: x_train.f32 (ROWS x COLS, row-major), y_train.u8,
x_test.f32, y_test.u8 (raw, unscaled features).

Runs single-threaded (the bench sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS = 1). Prints
one JSON object with medians over REPEATS runs:
- fitMs (fitBestMs: the fastest run): LogisticRegression().fit on the standardised
  training matrix (what mlops-kit's family fit receives from its pipeline); nIter,
  testAccuracy, testLogLoss;
- pipelineFitMs: StandardScaler + LogisticRegression fitted from the raw matrix;
- predictMs: numpy sigmoid(X @ w + b) over the (scaled, float32) training rows;
  sklearnPredictMs: LogisticRegression.predict_proba over the same rows;
- singleRowUs: p50 / p99 of the fitted Pipeline's predict_proba on one raw row.
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

d, n, nt, cols, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(os.path.join(d, "x_train.f32"), dtype="<f4").reshape(n, cols)
y = np.fromfile(os.path.join(d, "y_train.u8"), dtype=np.uint8).astype(np.int64)
Xt = np.fromfile(os.path.join(d, "x_test.f32"), dtype="<f4").reshape(nt, cols)
yt = np.fromfile(os.path.join(d, "y_test.u8"), dtype=np.uint8).astype(np.int64)

# Population standardisation, then float32: what the mlops-kit pipeline hands the model.
scaler = StandardScaler().fit(X.astype(np.float64))
Z = scaler.transform(X.astype(np.float64)).astype(np.float32)
Zt = scaler.transform(Xt.astype(np.float64)).astype(np.float32)


def timed(fn, k):
    """(median ms, best ms, last result) over k runs."""
    times = []
    out = None
    for _ in range(k):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times)), float(np.min(times)), out


def median_ms(fn, k):
    med, _, out = timed(fn, k)
    return med, out


fit_ms, fit_best_ms, model = timed(lambda: LogisticRegression().fit(Z, y), repeats)
pipe_ms, pipe = median_ms(lambda: make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), repeats)
p_test = model.predict_proba(Zt)[:, 1]

w = model.coef_.ravel().astype(np.float32)
b = np.float32(model.intercept_[0])
predict_ms, _ = median_ms(lambda: 1.0 / (1.0 + np.exp(-(Z @ w + b))), max(5, repeats))
sk_predict_ms, _ = median_ms(lambda: model.predict_proba(Z), max(5, repeats))

row = X[:1].copy()
lat = []
for i in range(2000):
    t = time.perf_counter()
    pipe.predict_proba(row)
    lat.append((time.perf_counter() - t) * 1e6)
lat = np.sort(np.array(lat[200:]))

print(json.dumps({
    "fitMs": fit_ms,
    "fitBestMs": fit_best_ms,
    "nIter": int(model.n_iter_[0]),
    "testAccuracy": float(np.mean((p_test >= 0.5) == (yt == 1))),
    "testLogLoss": float(log_loss(yt, p_test)),
    "pipelineFitMs": pipe_ms,
    "predictMs": predict_ms,
    "sklearnPredictMs": sk_predict_ms,
    "singleRowUs": {"p50": float(np.percentile(lat, 50)), "p99": float(np.percentile(lat, 99))},
}))
