"""Background services: free port, readiness, and nothing left behind, even when the parent dies."""

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from mlops_course import launchers, services
from mlops_course.services import Service, ServiceError

# A tiny HTTP server that also forks a worker in its own session, as BentoML does: a SIGKILL of the
# server's process group does not reach it, and it survives its parent unless the guard finds it.
SERVER = [sys.executable, "-c", textwrap.dedent("""
    import http.server, os, signal, sys, time
    if os.fork() == 0:            # a worker that would be orphaned by a careless stop
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)   # a stubborn one: only SIGKILL stops it
        while True:
            time.sleep(1)
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/health" else 404); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *a): pass
    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""), "{port}"]


def wait_gone(pids, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return []
        time.sleep(0.1)
    return alive


def test_start_waits_until_ready_and_stop_removes_the_whole_tree(ws):
    svc = Service("toy", SERVER, ready_path="/health", timeout=20)
    with svc:
        assert services.http_status(svc.url + "/health") == 200
        pids = svc.pids()
        assert len(pids) >= 3  # guard, server, forked worker (in its own session)
        port = svc.port
    assert wait_gone(pids) == []
    assert services.port_is_free(port)
    assert not svc.running
    svc.stop()  # twice is fine


def test_a_service_that_dies_at_start_reports_its_log(ws):
    svc = Service("broken", [sys.executable, "-c", "import sys; print('boom: bad config'); sys.exit(3)"], timeout=10)
    with pytest.raises(ServiceError, match="exited before it answered.*boom: bad config"):
        svc.start()


def test_a_service_that_never_answers_times_out_and_is_stopped(ws):
    svc = Service("silent", [sys.executable, "-c", "import time; time.sleep(60)"], timeout=1.5)
    with pytest.raises(ServiceError, match="did not answer"):
        svc.start()
    assert not svc.running


def test_a_picked_port_taken_by_another_process_before_the_bind_is_picked_again(ws, monkeypatch):
    # A stranger that does not speak HTTP (like a kernel's ZMQ socket) grabs the port between pick and bind.
    with socket.socket() as stranger:
        stranger.bind(("127.0.0.1", 0))
        stranger.listen()
        taken = stranger.getsockname()[1]
        picks = iter([taken])
        real_free_port = services.free_port
        monkeypatch.setattr(services, "free_port", lambda: next(picks, None) or real_free_port())
        with Service("toy", SERVER, ready_path="/health", timeout=20) as svc:
            assert svc.port != taken
            assert services.http_status(svc.url + "/health") == 200


def test_a_busy_port_is_refused_with_advice(ws):
    with Service("toy", SERVER, ready_path="/health", timeout=20) as first:
        with pytest.raises(ServiceError, match=f"Port {first.port} is already in use"):
            Service("toy2", SERVER, port=first.port).start()


def kill_the_kernel_that_started(tmp_path, start: str, ready_path: str, timeout: float = 15.0) -> None:
    """A stand-in for a notebook kernel runs `start` (which binds `svc`), reports its pids, then is SIGKILLed
    (no atexit, no finally): the guard alone must stop every process and free the port."""
    import json

    script = tmp_path / "kernel.py"
    script.write_text(textwrap.dedent(f"""
        import json, time
        from mlops_course import launchers
        from mlops_course.services import Service
        {start}
        print(json.dumps({{"port": svc.port, "pids": svc.pids()}}), flush=True)
        time.sleep(300)
    """))
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    info = json.loads(parent.stdout.readline())
    assert services.http_status(f"http://127.0.0.1:{info['port']}{ready_path}") == 200
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    assert wait_gone(info["pids"], timeout=timeout) == []
    assert services.port_is_free(info["port"])


def test_killing_the_parent_kills_the_server_and_frees_the_port(ws, tmp_path):
    kill_the_kernel_that_started(tmp_path, f'svc = Service("toy", {SERVER!r}, ready_path="/health", timeout=20).start()',
                                 "/health")


BENTO_SERVICE = textwrap.dedent("""
    import bentoml

    @bentoml.service
    class Echo:
        @bentoml.api
        def double(self, x: int) -> int:
            return 2 * x
""")


def _bento_pids(svc):
    return [p for p in svc.pids() if p != svc.proc.pid]


def test_a_real_bentoml_service_leaves_no_worker_after_stop(ws, tmp_path):
    (tmp_path / "echo.py").write_text(BENTO_SERVICE)
    svc = launchers.bentoml_service("echo:Echo", cwd=tmp_path, name="echo")
    with svc:
        import json
        import urllib.request

        req = urllib.request.Request(svc.url + "/double", data=json.dumps({"x": 21}).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert json.load(resp) == 42
        pids, port = svc.pids(), svc.port
        sessions = {psutil.Process(p).pid: os.getsid(p) for p in pids}
        assert len(set(sessions.values())) >= 2, "BentoML's worker runs in its own session (the trap this guards)"
    assert wait_gone(pids) == []
    assert services.port_is_free(port)


def test_a_real_bentoml_service_dies_with_the_kernel_that_started_it(ws, tmp_path):
    (tmp_path / "echo.py").write_text(BENTO_SERVICE)
    start = f'svc = launchers.bentoml_service("echo:Echo", cwd={str(tmp_path)!r}, name="echo").start()'
    kill_the_kernel_that_started(tmp_path, start, "/readyz", timeout=30)


def test_the_evidently_ui_launcher_serves_its_api_and_stops_clean(ws, tmp_path):
    with launchers.evidently_ui(tmp_path / "evidently") as ui:
        assert services.http_status(ui.url + "/api/projects") == 200
        pids, port = ui.pids(), ui.port
    assert wait_gone(pids) == []
    assert services.port_is_free(port)


def test_free_port_is_on_loopback_and_free():
    port = services.free_port()
    assert 1024 < port < 65536
    assert services.port_is_free(port)
