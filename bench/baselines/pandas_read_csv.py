"""Baseline for bench/dataset-load.ts: pandas.read_csv of the same file.

Usage: python3 pandas_read_csv.py FILE
Prints one JSON line: {"seconds", "cpuSeconds", "peakRssMB", "beforeRssMB", "rows", "cols", "check"}.
Time (wall and process CPU) is measured inside Python, imports excluded; peak RSS via
resource.getrusage.
"""
import json
import resource
import sys
import time

import pandas as pd


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def main() -> None:
    path = sys.argv[1]
    before = rss_mb()
    start = time.perf_counter()
    cpu = time.process_time()
    df = pd.read_csv(path)
    cpu_seconds = time.process_time() - cpu
    seconds = time.perf_counter() - start
    print(json.dumps({
        "seconds": seconds,
        "cpuSeconds": cpu_seconds,
        "peakRssMB": rss_mb(),
        "beforeRssMB": before,
        "rows": int(df.shape[0]),
        "cols": int(df.shape[1]),
        "check": float(df.iloc[:, 0].sum()),
    }))


if __name__ == "__main__":
    main()
