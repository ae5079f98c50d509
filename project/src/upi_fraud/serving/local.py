"""The service on this machine, for a while: a sandboxed store and log, `bentoml serve` on a free port (given in lab 05).

The project's contract tests (tests/conftest.py's `url`) and its benches meet the service as the payment switch
would, over HTTP, without touching the real online store or inference log:

    with local.serving(tmp_folder) as url:      # http://127.0.0.1:<free port>, ready
        httpx.post(url + "/score", json={...})

The online store is a consistent copy of the go-live store (or the current one), the log is new, and the server is
stopped at the end (SIGTERM to its process group, SIGKILL after a grace) with its port free again.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import yaml

from upi_fraud import layout
from upi_fraud.serving.serve import SERVICE

HOST = "127.0.0.1"


class ServiceNotReady(RuntimeError):
    """The service could not be started: the message says why and what to do, with the end of its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
        return True


def tail(path: Path, lines: int = 25) -> str:
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def sandbox(folder: Path) -> dict[str, str]:
    """A feature repo whose online store is a copy of the go-live store, and a fresh inference log; returns the env."""
    repo = layout.feature_repo()
    candidates = [layout.go_live_snapshot(), repo / "data/online_store.db"]
    store = next((p for p in candidates if p.is_file()), None)
    if store is None:
        raise ServiceNotReady(f"No online store to serve from: neither {candidates[0]} nor {candidates[1]} exists. "
                              "Materialize the features (lab 03/04) first.")
    config = yaml.safe_load((repo / "feature_store.yaml").read_text())
    config["online_store"]["path"] = str(folder / "online_store.db")
    config["registry"] = str((repo / config["registry"]).resolve())  # a relative one stays ours
    (folder / "feature_repo").mkdir()
    (folder / "feature_repo/feature_store.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    with sqlite3.connect(store) as source, sqlite3.connect(folder / "online_store.db") as target:
        source.backup(target)  # a consistent copy even if a server is writing to the store
    src = str(layout.PROJECT / "src")  # the service's package, installed or not
    return {"FEATURE_REPO": str(folder / "feature_repo"), "INFERENCE_LOG": str(folder / "inference_log.db"),
            "BENTOML_HOME": str(folder / "bentoml"), "BENTOML_DO_NOT_TRACK": "true", "DO_NOT_TRACK": "true",
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "PYTHONPATH": os.pathsep.join(p for p in [src, os.environ.get("PYTHONPATH", "")] if p)}


def stop(proc: subprocess.Popen[bytes], port: int, grace: float = 10.0) -> None:
    """SIGTERM to the server's process group (a clean shutdown drains the log queue), SIGKILL after the grace."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    deadline = time.monotonic() + grace  # BentoML's worker has its own session: wait until it lets go of the port
    while not port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    if not port_is_free(port):
        raise RuntimeError(f"port {port} is still taken after stopping the service: a worker outlived it")


@contextmanager
def serving(folder: Path, timeout: float = 120.0, service: str = SERVICE,
            env: dict[str, str] | None = None) -> Iterator[str]:
    """`bentoml serve SERVICE` on a free port of 127.0.0.1, sandboxed in `folder`; yields its URL once ready."""
    env = {**os.environ, **sandbox(folder), **(env or {})}
    port = free_port()
    bentoml = Path(sys.executable).with_name("bentoml")
    cmd = [str(bentoml), "serve", service, "--host", HOST, "--port", str(port)]
    log_path = folder / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=layout.PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise ServiceNotReady(f"The service exited (code {proc.returncode}) before it was ready. "
                                      f"Its log ends with:\n{tail(log_path)}")
            try:
                if httpx.get(base + "/readyz", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass  # the port opens before the worker is up: keep polling
            if time.monotonic() > deadline:
                raise ServiceNotReady(f"The service was not ready at {base}/readyz within {timeout:.0f} s (raise "
                                      f"SERVICE_TIMEOUT if the first start is slow). Its log ends with:\n"
                                      f"{tail(log_path)}")
            time.sleep(0.25)
        yield base
    finally:
        stop(proc, port)
