"""Benchmark the course dataset: generation time and peak memory per size.

Each measurement runs in a fresh Python process, so the peak resident memory
(``resource.getrusage(...).ru_maxrss``) belongs to that size alone. Per size it
measures ``data.generate`` (including the digest), a cold ``data.load``
(generate + write parquet to a temporary cache) and a warm ``data.load`` (read
the parquet back and verify its digest).

    python bench/bench_data.py                       # ci, default, 1,000,000
    python bench/bench_data.py --sizes large         # a few million rows
    python bench/bench_data.py --json bench.json     # also save the figures
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Targets from the dataset issue: seconds and MB of peak RSS for `generate`.
TARGETS = {"ci": (2.0, None), "default": (10.0, 1024.0), "1000000": (10.0, 2048.0)}

CHILD = r"""
import json, resource, sys, time
size, mode = sys.argv[1], sys.argv[2]
kwargs = {"n_transactions": int(size)} if size.isdigit() else {"size": size}
from upi_kit import data
import pandas, numpy  # imported up front so the timing is the generator's, not the imports'
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
result = data.generate(**kwargs) if mode == "generate" else data.load(**kwargs)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
tx = result.transactions
print(json.dumps({
    "size": size, "mode": mode, "rows": len(tx), "seconds": round(seconds, 3),
    "peak_rss_mb": round(peak, 1), "rss_after_imports_mb": round(before, 1),
    "frame_mb": round(tx.memory_usage(deep=True).sum() / 2**20, 1),
    "fraud_rate": round(float(tx.is_fraud.mean()), 5),
    "fraud_counts": {k: int(v) for k, v in tx.fraud_type.value_counts().items() if k != "none"},
    "customers": len(result.customers), "payees": len(result.payees), "devices": len(result.devices),
    "digest": result.digest,
}))
"""


def measure(size: str, mode: str, cache: str) -> dict:
    env = {**os.environ, "UPI_DATA_CACHE": cache, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, size, mode], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["ci", "default", "1000000"],
                        help="size names or row counts (default: ci default 1000000)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    results, failures = [], []
    print(f"{'size':>10} {'rows':>10} {'mode':>11} {'seconds':>8} {'peak MB':>8} {'frame MB':>9}  target")
    with tempfile.TemporaryDirectory(prefix="bench-data-") as cache:
        for size in args.sizes:
            for mode in ("generate", "load-cold", "load-warm"):
                r = measure(size, "generate" if mode == "generate" else "load", cache)
                r["mode"] = mode
                results.append(r)
                verdict = ""
                if mode == "generate" and size in TARGETS:
                    max_s, max_mb = TARGETS[size]
                    ok = r["seconds"] < max_s and (max_mb is None or r["peak_rss_mb"] < max_mb)
                    verdict = ("ok" if ok else "MISSED") + f" (< {max_s:g} s" + (f", < {max_mb:g} MB)" if max_mb else ")")
                    if not ok:
                        failures.append(f"{size}: {r['seconds']} s, {r['peak_rss_mb']} MB")
                print(f"{size:>10} {r['rows']:>10,} {mode:>11} {r['seconds']:>8.2f} {r['peak_rss_mb']:>8.0f} "
                      f"{r['frame_mb']:>9.1f}  {verdict}")
            gen = next(x for x in results if x["size"] == size and x["mode"] == "generate")
            print(f"{'':>10} fraud rate {gen['fraud_rate']:.4f}  {gen['fraud_counts']}  "
                  f"customers {gen['customers']:,}  payees {gen['payees']:,}  devices {gen['devices']:,}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    if failures:
        print("missed targets: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
