"""How far schemathesis's generated requests reach into lab 04's service: the share answered 200, per endpoint and mode.

Usage: .venv/bin/python bench/bench_fuzz.py [--examples 40] [--seed 1] [--size ci|default]

A schema-driven fuzzer only tests the scoring path if the OpenAPI document states what the request schema enforces;
otherwise nearly every case it generates as valid is refused with a 400 at the door (schemathesis then warns that the
operation "mostly rejected generated data"). This bench runs the learner's service (as bench_serving.py does: on a
sandboxed copy of the store and the log) and fuzzes /score and /score_batch twice with a fixed seed: in schemathesis's
default mode (valid and deliberately invalid cases) and in positive mode (valid cases only). It reads every answer's
status from schemathesis's HAR report and prints, per endpoint, how many cases were answered 200, 4xx and 5xx, and
whether schemathesis warned. Targets (issue 25): no "mostly rejected" warning, 0 server errors, at least half of the
valid /score cases answered 200. Writes only in a temporary folder; exit code 0 (a missed target says MISSED).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_serving import _workspace

from mlops_course import sandbox

ENDPOINTS = ("score", "score_batch")


def fuzz(url: str, mode: str, examples: int, seed: int, folder: Path) -> tuple[Counter, bool, float]:
    """(status counts per (endpoint, status), whether schemathesis warned "mostly rejected", seconds)."""
    har = folder / f"{mode}.har"
    st = str(Path(sys.executable).with_name("st"))
    t = time.perf_counter()
    run = subprocess.run([st, "run", f"{url}/docs.json", "--include-path-regex", "^/score", "--mode", mode,
                          "--checks", "not_a_server_error", "--max-examples", str(examples), "--workers", "1",
                          "--seed", str(seed), "--no-color", "--report", "har", "--report-har-path", str(har)],
                         capture_output=True, text=True, timeout=900, cwd=folder)
    took = time.perf_counter() - t
    if not har.is_file():
        raise SystemExit(f"schemathesis wrote no report (exit {run.returncode}): {run.stdout[-500:]}{run.stderr[-500:]}")
    entries = json.loads(har.read_text())["log"]["entries"]
    counts = Counter((e["request"]["url"].rsplit("/", 1)[-1], e["response"]["status"]) for e in entries)
    return counts, "mostly rejected" in run.stdout, took


def report(mode: str, counts: Counter, warned: bool, took: float) -> list[str]:
    missed = []
    print(f"{mode} mode ({took:.0f} s){': schemathesis warned that generated data was mostly rejected' if warned else ''}")
    for op in ENDPOINTS:
        total = sum(n for (o, _), n in counts.items() if o == op)
        ok = sum(n for (o, s), n in counts.items() if o == op and s == 200)
        client = sum(n for (o, s), n in counts.items() if o == op and 400 <= s < 500)
        server = sum(n for (o, s), n in counts.items() if o == op and s >= 500)
        print(f"  /{op:<12} {total:>4} cases: {ok:>4} answered 200 ({ok / max(total, 1):.0%}), {client:>4} 4xx, "
              f"{server} 5xx")
        if server:
            missed.append(f"/{op} answered {server} server error(s) in {mode} mode")
        if mode == "positive" and op == "score" and ok < total / 2:
            missed.append(f"/score answered 200 to {ok} of {total} valid cases (target: at least half)")
    if warned:
        missed.append(f"schemathesis warned in {mode} mode that generated data was mostly rejected")
    return missed


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--examples", type=int, default=40, help="schemathesis --max-examples per operation")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--size", choices=["ci", "default"], default=None,
                   help="catch up a scratch workspace at this size (default: yours, if lab 04 is complete there)")
    args = p.parse_args()
    missed: list[str] = []
    with _workspace(args.size) as (_, size), tempfile.TemporaryDirectory(prefix="bench-fuzz-") as tmp:
        folder = Path(tmp)
        service = sandbox.fraud_service(folder / "sandbox")
        service.start()
        try:
            print(f"service at {service.url} (size {size}); schemathesis --max-examples {args.examples} "
                  f"--seed {args.seed} on /score and /score_batch")
            for mode in ("all", "positive"):
                missed += report(mode, *fuzz(service.url, mode, args.examples, args.seed, folder))
        finally:
            service.stop()
    print("\n".join(f"MISSED: {m}" for m in missed) or "all targets met: no warning, no server error, "
          "at least half of the valid /score cases answered 200")


if __name__ == "__main__":
    main()
