#!/usr/bin/env python3
"""Baselines for bench/gbdt.ts: xgboost (hist) and scikit-learn HistGradientBoosting.

Reads the benchmark's data (written by bench/gbdt.ts) from a directory:
  X.f32  float32, rows x cols, row-major    y.u8  uint8 labels
  meta.json {"rows", "cols", "train", "trees", "depth", "bins", "lr", "threads", "single", "warmup"}
Prints one JSON object: fit seconds (wall and CPU, all threads), test AUC, batch predict
seconds (best of three), single-row latencies (seconds) and peak RSS (bytes) per library.

Run by the bench; by hand: /usr/bin/python3 bench/baselines/xgboost_gbdt.py DIR [xgboost|sklearn]
"""
import json
import os
import resource
import sys
import time

import numpy as np


def load(d):
    meta = json.load(open(os.path.join(d, "meta.json")))
    X = np.fromfile(os.path.join(d, "X.f32"), dtype=np.float32).reshape(meta["rows"], meta["cols"])
    y = np.fromfile(os.path.join(d, "y.u8"), dtype=np.uint8)
    return meta, X, y


def auc(y, s):
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s))


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def best_of_three(f):
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return out, best


def latencies(predict_one, X, n, warmup):
    for i in range(warmup):
        predict_one(X[i % len(X) : i % len(X) + 1])
    out = []
    for i in range(n):
        row = X[i : i + 1]
        t = time.perf_counter()
        predict_one(row)
        out.append(time.perf_counter() - t)
    return out


def run_xgboost(meta, X, y):
    import xgboost as xgb

    tr = meta["train"]
    m = xgb.XGBClassifier(
        n_estimators=meta["trees"],
        max_depth=meta["depth"],
        learning_rate=meta["lr"],
        reg_lambda=1.0,
        min_child_weight=1,
        tree_method="hist",
        max_bin=meta["bins"],
        n_jobs=meta["threads"],
        objective="binary:logistic",
    )
    c = cpu_seconds()
    t = time.perf_counter()
    m.fit(X[:tr], y[:tr])
    fit = time.perf_counter() - t
    fit_cpu = cpu_seconds() - c
    booster = m.get_booster()
    Xte = X[tr:]
    booster.inplace_predict(Xte[:100])
    p, batch = best_of_three(lambda: booster.inplace_predict(Xte))
    single = latencies(lambda row: booster.inplace_predict(row), Xte, meta["single"], meta["warmup"])
    return {"version": xgb.__version__, "fit": fit, "fitCpu": fit_cpu, "auc": auc(y[tr:], p), "batch": batch, "single": single}


def run_sklearn(meta, X, y):
    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier

    tr = meta["train"]
    m = HistGradientBoostingClassifier(
        max_iter=meta["trees"],
        max_depth=meta["depth"],
        max_leaf_nodes=None,
        learning_rate=meta["lr"],
        l2_regularization=1.0,
        max_bins=meta["bins"],
        early_stopping=False,
    )
    c = cpu_seconds()
    t = time.perf_counter()
    m.fit(X[:tr], y[:tr])
    fit = time.perf_counter() - t
    fit_cpu = cpu_seconds() - c
    Xte = X[tr:]
    p, batch = best_of_three(lambda: m.predict_proba(Xte)[:, 1])
    single = latencies(lambda row: m.predict_proba(row), Xte, meta["single"], meta["warmup"])
    return {"version": sklearn.__version__, "fit": fit, "fitCpu": fit_cpu, "auc": auc(y[tr:], p), "batch": batch, "single": single}


def main():
    d = sys.argv[1]
    which = sys.argv[2] if len(sys.argv) > 2 else "xgboost"
    meta, X, y = load(d)
    res = run_xgboost(meta, X, y) if which == "xgboost" else run_sklearn(meta, X, y)
    res["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    res["dataBytes"] = int(X.nbytes + y.nbytes)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
