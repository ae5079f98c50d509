"""The suite runs with no network beyond 127.0.0.1 (tools/offline.py under `make test`)."""

import os
import socket
import subprocess
import sys

import pytest


def test_only_loopback_is_reachable():
    mode = os.environ.get("MLOPS_NETWORK", "guarded")
    if mode == "isolated":
        # A fresh network namespace: the only interface is loopback, so nothing can leave the machine.
        assert [name for _, name in socket.if_nameindex()] == ["lo"]
    # In every mode the socket guard refuses a non-loopback address before any packet is sent.
    with pytest.raises(ConnectionRefusedError, match="only 127.0.0.1 is allowed"):
        socket.create_connection(("192.0.2.1", 9), timeout=1)


def test_child_processes_are_guarded_too():
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 9), timeout=1)\nexcept ConnectionRefusedError as e:\n    print('refused:', e)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert "refused: offline test run" in res.stdout


def test_loopback_still_works():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
