#!/usr/bin/python3
"""Baseline for bench/mlp.ts: scikit-learn MLPClassifier, single thread.

Usage: sklearn_mlp.py DIR ROWS TEST_ROWS COLS HIDDEN EPOCHS BATCH SEEDS. DIR holds little-endian
binaries written by the TypeScript bench: x_train.f32 (ROWS x COLS, row-major), y_train.u8,
x_test.f32, y_test.u8 (raw features; standardised here as the mlops-kit pipeline does).

Same architecture and optimiser as the bench's mlops-kit model: one hidden layer of HIDDEN
relu units, Adam at 1e-3, batch BATCH, exactly EPOCHS epochs (tolerance stopping off), no
L2 (alpha=0). Runs single-threaded (the bench sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS
= 1). Fits SEEDS networks (random_state 0 .. SEEDS-1: a network's accuracy after a few
epochs depends on its initial weights and batch order) and prints one JSON object:
fitMs and cpuMs (medians over the fits of MLPClassifier.fit on the standardised matrix:
wall time and process CPU time), rowsPerSecond (ROWS * EPOCHS / median fit time),
accuracies (test accuracy of each fit).
"""
import json
import os
import sys
import time
import warnings

import numpy as np
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")  # ConvergenceWarning: the epoch count is fixed on purpose
d, n, nt, cols, hidden, epochs, batch, seeds = sys.argv[1], *map(int, sys.argv[2:9])
X = np.fromfile(os.path.join(d, "x_train.f32"), dtype="<f4").reshape(n, cols)
y = np.fromfile(os.path.join(d, "y_train.u8"), dtype=np.uint8).astype(np.int64)
Xt = np.fromfile(os.path.join(d, "x_test.f32"), dtype="<f4").reshape(nt, cols)
yt = np.fromfile(os.path.join(d, "y_test.u8"), dtype=np.uint8).astype(np.int64)
scaler = StandardScaler().fit(X)
Z, Zt = scaler.transform(X), scaler.transform(Xt)

fit_s, cpu_s, accuracies = [], [], []
for seed in range(seeds):
    clf = MLPClassifier(hidden_layer_sizes=(hidden,), activation="relu", solver="adam", alpha=0.0, batch_size=batch,
                        learning_rate_init=1e-3, max_iter=epochs, tol=0.0, n_iter_no_change=10 ** 9, shuffle=True, random_state=seed)
    t, c = time.perf_counter(), time.process_time()
    clf.fit(Z, y)
    fit_s.append(time.perf_counter() - t)
    cpu_s.append(time.process_time() - c)
    accuracies.append(float(clf.score(Zt, yt)))
fit_median = float(np.median(fit_s))
print(json.dumps({"fitMs": fit_median * 1000, "cpuMs": float(np.median(cpu_s)) * 1000, "rowsPerSecond": n * epochs / fit_median, "accuracies": accuracies}))
