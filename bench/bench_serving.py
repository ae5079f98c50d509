"""Serving figures: lab 04's service against its in-process floor, throughput, batch size, write-behind lag.

Usage: .venv/bin/python bench/bench_serving.py [--requests 500] [--concurrent-requests 2000] [--threads 8]
                                               [--size ci|default]

Runs the learner's service (workspace/project/src/upi_fraud/serving/service.py) as it is, through
`mlops_course.sandbox`: a temporary copy of the online store restored to go-live and its own inference
log, so the workspace's store and log stay as the labs left them (the registries are only read). The
workspace is yours if lab 04 is complete there; otherwise, or with --size, a scratch workspace
caught up to lab 04 at that size (default ~8 min, ci ~3 min), removed afterwards.

The payments are production's, from go-live on, in time order, each sent once (writes are
idempotent by txn_id: a repeat would time the dedupe path). In order:

1. the floor, in-process, no HTTP: Feast online read, request features, model and reasons;
2. POST /score at concurrency 1, everything on (features, model, reasons, log, write-behind);
3. POST /score at concurrency 8 (one requests.Session per thread), writes on;
4. POST /score_batch of 1,000 payments (dry run), best of 3;
5. the write-behind lag /flush reports (submit -> written, per payment) after phases 2 and 3;
6. the service stopped and its port free.

Targets (issue): /score p50 <= 5 ms and p99 <= 12 ms at concurrency 1; >= 250 requests/s at
concurrency 8; /score_batch of 1,000 <= 1 s; write-behind lag p99 <= 100 ms. A missed target is
reported (MISSED), not an error: the exit code is 0. Every phase starts after 20 warm-up requests.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import requests
from upi_kit import data

from mlops_course import catchup, project, sandbox, services, workspace
from mlops_course.manifest import LAB_SIZES

LAB = "04-model-serving"
WARMUP = 20
BATCH = 1_000
HTTP_TIMEOUT = 10.0


@contextmanager
def _workspace(size: str | None) -> Iterator[tuple[Path, str]]:
    """(workspace, data size): the learner's if lab 04 is complete there and no size is asked, else a scratch one."""
    if size is None:
        with workspace.using() as ws:
            mine = catchup.is_complete(LAB)
            if mine:
                print(f"workspace: yours ({ws}), lab 04 complete; the service runs on a sandboxed store and log")
                yield ws, catchup.completion(LAB)["produced"]["data_size"]
        if mine:
            return
        size = "default"
        print("workspace: lab 04 is not complete in yours, so a scratch one caught up at size 'default'")
    with workspace.scratch("bench-serving-") as ws:
        t = time.perf_counter()
        catchup.require(LAB, size=size)
        print(f"workspace: scratch ({ws}), caught up to lab 04 at size '{size}' in {time.perf_counter() - t:.0f} s")
        yield ws, catchup.completion(LAB)["produced"]["data_size"]


def _quiet() -> None:
    """Known notices, per call (Feast's on-demand view, ibis, pydantic inside BentoML): not figures."""
    warnings.filterwarnings("ignore", message="On demand feature view is an experimental")
    warnings.filterwarnings("ignore", message=r"fetch_arrow_table\(\) is deprecated")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def _ms(values: list[float]) -> str:
    return f"p50 {np.percentile(values, 50):.2f} ms, p99 {np.percentile(values, 99):.2f} ms"


# ---------------------------------------------------------------- 1. the floor, in-process

def bench_floor(scoring, request_schema, store, bundle, warm: list[dict], timed: list[dict]) -> list[float]:
    """The work the service does for one payment, without HTTP, validation or writes: milliseconds per payment."""
    reader = scoring.FeatureReader(store)

    def once(p: dict) -> float:
        t = time.perf_counter()
        online = reader.read(scoring.entity_rows([p]), bundle.inputs)
        scoring.decide(bundle, scoring.request_features([p], online, bundle.inputs))
        return (time.perf_counter() - t) * 1000

    valid = [request_schema.Payment.model_validate(r).model_dump() for r in warm + timed]  # as the service gets them
    for p in valid[:len(warm)]:
        once(p)
    lat = [once(p) for p in valid[len(warm):]]
    print(f"1. floor, in-process x{len(lat)} (online read, request features, model, reasons): {_ms(lat)}", flush=True)
    return lat


# ---------------------------------------------------------------- 2-5. over HTTP

def _post(http: requests.Session, url: str, body: dict, timeout: float = HTTP_TIMEOUT) -> requests.Response:
    r = http.post(url, json=body, timeout=timeout)
    if r.status_code != 200:
        raise RuntimeError(f"POST {url} answered HTTP {r.status_code}: {r.text[:300]}")
    return r


def bench_sequential(url: str, warm: list[dict], timed: list[dict]) -> list[float]:
    """POST /score one payment at a time, in time order, writes on: milliseconds per request."""
    lat = []
    with requests.Session() as http:
        for p in warm:
            _post(http, f"{url}/score", {"payment": p, "dry_run": False})
        for p in timed:
            t = time.perf_counter()
            r = http.post(f"{url}/score", json={"payment": p, "dry_run": False}, timeout=HTTP_TIMEOUT)
            lat.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                raise RuntimeError(f"POST /score answered HTTP {r.status_code}: {r.text[:300]}")
    return lat


def _concurrently(url: str, sessions: list[requests.Session], payments: list[dict]) -> tuple[list[float], float]:
    """Each thread takes the next payment (time order) and POSTs it on its own session: (latencies ms, wall s)."""
    lat, failed, lock, nxt = [], [], threading.Lock(), iter(payments)
    start = threading.Barrier(len(sessions) + 1)

    def work(http: requests.Session) -> None:
        start.wait()
        while True:
            with lock:
                p = next(nxt, None)
            if p is None:
                return
            t = time.perf_counter()
            r = http.post(f"{url}/score", json={"payment": p, "dry_run": False}, timeout=HTTP_TIMEOUT)
            lat.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                failed.append(f"HTTP {r.status_code}: {r.text[:300]}")

    threads = [threading.Thread(target=work, args=(s,), daemon=True) for s in sessions]
    for th in threads:
        th.start()
    start.wait()
    t = time.perf_counter()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(payments)} requests failed at concurrency {len(sessions)}: {failed[0]}")
    return lat, wall


def bench_concurrent(url: str, threads: int, warm: list[dict], timed: list[dict]) -> tuple[list[float], float]:
    sessions = [requests.Session() for _ in range(threads)]
    try:
        _concurrently(url, sessions, warm)
        return _concurrently(url, sessions, timed)
    finally:
        for s in sessions:
            s.close()


def bench_batch(url: str, warm: list[dict], batch: list[dict], tries: int = 3) -> float:
    """Seconds for one POST /score_batch of `batch` (dry run: no writes, so every try sees the same store), best of tries."""
    best = float("inf")
    with requests.Session() as http:
        _post(http, f"{url}/score_batch", {"payments": warm, "dry_run": True}, timeout=60)
        for _ in range(tries):
            t = time.perf_counter()
            answers = _post(http, f"{url}/score_batch", {"payments": batch, "dry_run": True}, timeout=60).json()
            best = min(best, time.perf_counter() - t)
            if len(answers) != len(batch):
                raise RuntimeError(f"/score_batch answered {len(answers)} decisions for {len(batch)} payments")
    return best


def flush(url: str) -> dict:
    """POST /flush: wait until every accepted payment is in the store and the log; the lag over the last 10,000."""
    with requests.Session() as http:
        return _post(http, f"{url}/flush", {}, timeout=120).json()


def print_lag(got: dict, expected: int, when: str) -> None:
    errors = f": {got['errors'][0]}" if got["errors"] else ""
    print(f"5. /flush after {when}: flushed {got['flushed']}, written {got['written']:,} (expected {expected:,}), "
          f"lag p50 {got['lag_p50_ms']:.1f} ms, p99 {got['lag_p99_ms']:.1f} ms (target p99 <= 100 ms), "
          f"errors {len(got['errors'])}{errors}", flush=True)


# ---------------------------------------------------------------- the run

class Figures:
    """Figure, value, target; printed as a table at the end."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, str, str, float | None]] = []

    def add(self, name: str, value: float, unit: str, op: str = "", target: float | None = None) -> None:
        self.rows.append((name, value, unit, op, target))

    def print(self) -> None:
        print(f"\n{'figure':<48} {'value':>12}  {'target':<14} verdict")
        for name, value, unit, op, target in self.rows:
            if target is None:
                aim, verdict = "-", ""
            else:
                aim = f"{op} {target:g} {unit}".strip()
                verdict = "ok" if (value <= target if op == "<=" else value >= target) else "MISSED"
            shown = f"{value:>9.2f}" if unit else f"{value:>9.0f}"
            print(f"{name:<48} {shown} {unit:<3}  {aim:<14} {verdict}")


def _payments(replay, dates, size: str, n: int, m: int) -> dict[str, list[dict]]:
    """Production payments from go-live, in time order, split into distinct runs, one per phase."""
    tx = data.load(size, seed=42).transactions
    live = replay.payments_between(tx, dates.GO_LIVE, tx["event_timestamp"].max() + pd.Timedelta(seconds=1))
    sizes = {"warm1": WARMUP, "seq": n, "warm8": WARMUP, "conc": m, "warm_batch": WARMUP, "batch": BATCH}
    need = sum(sizes.values())
    if len(live) < need:
        raise SystemExit(f"the '{size}' data has {len(live):,} production payments; this run needs {need:,}: "
                         "lower --requests or --concurrent-requests")
    print(f"payments: the first {need:,} of {len(live):,} after go-live at size '{size}' ({WARMUP} warm-up per phase, "
          f"{n:,} at concurrency 1, {m:,} concurrent, {BATCH:,} in the batch)", flush=True)
    reqs, parts, at = replay.as_requests(live.head(need)), {}, 0
    for name, k in sizes.items():
        parts[name], at = reqs[at:at + k], at + k
    return parts


def run(ws: Path, size: str, args: argparse.Namespace) -> Figures:
    with project.imported(ws):
        from upi_fraud import dates
        from upi_fraud.serving import replay, request_schema, scoring

        _quiet()
        pay = _payments(replay, dates, size, args.requests, args.concurrent_requests)
        figures, cwd = Figures(), Path.cwd()
        with tempfile.TemporaryDirectory(prefix="bench-serving-sandbox-") as tmp:
            os.chdir(tmp)  # a library that writes to the current folder writes here, not into the checkout
            try:
                _sandboxed(Path(tmp), scoring, request_schema, pay, args.threads, figures)
            finally:
                os.chdir(cwd)
    return figures


def _sandboxed(tmp: Path, scoring, request_schema, pay: dict[str, list[dict]], threads: int,
               figures: Figures) -> None:
    """The floor on a go-live copy of the store, then the learner's service on a fresh one; stopped in any case."""
    from feast import FeatureStore

    env = sandbox.prepare(tmp)
    bundle = scoring.load_bundle()
    print(f"champion: version {bundle.version}, feature set {bundle.feature_set}, {len(bundle.inputs)} inputs, "
          f"feature service {bundle.feature_service or 'none (per-payment inputs)'}", flush=True)
    floor = bench_floor(scoring, request_schema, FeatureStore(repo_path=env["FEATURE_REPO"]), bundle,
                        pay["warm1"], pay["seq"])
    figures.add("floor p50 (in-process, no HTTP)", float(np.percentile(floor, 50)), "ms")
    figures.add("floor p99 (in-process, no HTTP)", float(np.percentile(floor, 99)), "ms")
    service = sandbox.fraud_service(tmp)  # restores the go-live copy again: the floor only read it
    try:
        t = time.perf_counter()
        service.start()
        print(f"service started in {time.perf_counter() - t:.1f} s at {service.url}", flush=True)
        _http_phases(service.url, pay, threads, floor, figures)
    finally:
        port = service.port
        service.stop()
    if not services.port_is_free(port):
        raise RuntimeError(f"the service stopped but port {port} is still taken")
    print("6. service stopped, port free", flush=True)


def _http_phases(url: str, pay: dict[str, list[dict]], threads: int, floor: list[float], figures: Figures) -> None:
    """Phases 2-5; /flush runs after each write phase, its figures are printed last (they are phase 5)."""
    seq = bench_sequential(url, pay["warm1"], pay["seq"])
    lag1 = flush(url)
    p50, p99 = float(np.percentile(seq, 50)), float(np.percentile(seq, 99))
    ratio = p50 / float(np.percentile(floor, 50))
    print(f"2. POST /score x{len(seq)}, concurrency 1, writes on: {_ms(seq)} (targets p50 <= 5 ms, p99 <= 12 ms); "
          f"p50 is {ratio:.1f}x the floor's", flush=True)
    figures.add("POST /score p50, concurrency 1", p50, "ms", "<=", 5)
    figures.add("POST /score p99, concurrency 1", p99, "ms", "<=", 12)
    figures.add("POST /score p50 / floor p50", ratio, "x")

    lat, wall = bench_concurrent(url, threads, pay["warm8"], pay["conc"])
    lag8 = flush(url)
    rate = len(lat) / wall
    print(f"3. POST /score x{len(lat)}, concurrency {threads}, writes on: {rate:.0f} requests/s in {wall:.1f} s "
          f"(target >= 250/s), {_ms(lat)}", flush=True)
    figures.add(f"POST /score throughput, concurrency {threads}", rate, "/s", ">=", 250)
    figures.add(f"POST /score p99, concurrency {threads}", float(np.percentile(lat, 99)), "ms")

    best = bench_batch(url, pay["warm_batch"], pay["batch"])
    print(f"4. POST /score_batch of {len(pay['batch']):,} payments, dry run: {best:.2f} s, best of 3 (target <= 1 s)",
          flush=True)
    figures.add(f"POST /score_batch of {len(pay['batch']):,}, best of 3", best, "s", "<=", 1)

    written = len(pay["warm1"]) + len(pay["seq"])
    print_lag(lag1, written, "concurrency 1")
    print_lag(lag8, written + len(pay["warm8"]) + len(pay["conc"]), f"concurrency {threads} (all writes so far)")
    figures.add("write-behind lag p50, after concurrency 1", lag1["lag_p50_ms"], "ms")
    figures.add("write-behind lag p99, after concurrency 1", lag1["lag_p99_ms"], "ms", "<=", 100)
    figures.add(f"write-behind lag p99, after concurrency {threads}", lag8["lag_p99_ms"], "ms", "<=", 100)
    figures.add("write-behind errors", float(len(lag8["errors"])), "", "<=", 0)
    figures.add("payments not written", float(written + len(pay["warm8"]) + len(pay["conc"]) - lag8["written"]),
                "", "<=", 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="payments timed in-process and at concurrency 1")
    parser.add_argument("--concurrent-requests", type=int, default=2000, help="payments timed at concurrency --threads")
    parser.add_argument("--threads", type=int, default=8, help="client threads, one session each (target is for 8)")
    parser.add_argument("--size", choices=LAB_SIZES, default=None,
                        help="catch up a scratch workspace at this size (default: yours if lab 04 is complete there)")
    args = parser.parse_args()
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"CPUs: {os.cpu_count()} ({affinity} usable by this process); "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}", flush=True)
    with _workspace(args.size) as (ws, size):
        figures = run(ws, size, args)
    figures.print()


if __name__ == "__main__":
    main()
