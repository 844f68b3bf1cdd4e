#!/usr/bin/python3
"""Baseline for bench/artifact.ts: scikit-learn as the "packaged model" reference.

Usage: sklearn_artifact.py DIR ROWS COLS REPEATS SINGLE. DIR holds x_train.f32 (ROWS x
COLS, row-major, little-endian) and y_train.u8, written by the TypeScript bench.

Single-threaded (the bench sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS = 1). Fits
StandardScaler + LogisticRegression, pickles the pipeline to DIR/model.pkl, and prints one
JSON object:
- singleRowUs: p50 / p99 of Pipeline.predict_proba on one row (a 1 x COLS array), SINGLE calls;
- batchRowsPerSec: rows per second of numpy sigmoid(X @ w + b) in float32 over all ROWS
  (the memory-bandwidth floor of a batch predict), median of REPEATS;
- sklearnBatchRowsPerSec: the same through Pipeline.predict_proba.
Cold start (a process that imports sklearn, unpickles the model and predicts one row) is
timed by the TypeScript bench with DIR/cold.py.
"""
import json
import os
import pickle
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

d, n, cols, repeats, single = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(os.path.join(d, 'x_train.f32'), dtype='<f4').reshape(n, cols)
y = np.fromfile(os.path.join(d, 'y_train.u8'), dtype=np.uint8).astype(np.int64)
fit_rows = min(n, 20000)
pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X[:fit_rows], y[:fit_rows])
with open(os.path.join(d, 'model.pkl'), 'wb') as f:
    pickle.dump(pipe, f)
with open(os.path.join(d, 'cold.py'), 'w') as f:
    f.write('import pickle, numpy as np\n'
            f'm = pickle.load(open({os.path.join(d, "model.pkl")!r}, "rb"))\n'
            f'm.predict_proba(np.zeros((1, {cols}), dtype=np.float32))\n')

times = []
for i in range(single):
    row = X[i % n:i % n + 1]
    t0 = time.perf_counter()
    pipe.predict_proba(row)
    times.append((time.perf_counter() - t0) * 1e6)
times.sort()

scaler, lr = pipe[0], pipe[1]
Xs = scaler.transform(X).astype(np.float32)
w = lr.coef_[0].astype(np.float32)
b = np.float32(lr.intercept_[0])


def median_time(fn):
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2]


numpy_s = median_time(lambda: 1 / (1 + np.exp(-(Xs @ w + b))))
sk_s = median_time(lambda: pipe.predict_proba(X))
print(json.dumps({
    'singleRowUs': {'p50': times[len(times) // 2], 'p99': times[int(len(times) * 0.99)]},
    'batchRowsPerSec': n / numpy_s,
    'sklearnBatchRowsPerSec': n / sk_s,
}))
