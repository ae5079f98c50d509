"""One launcher per server: the command is written once and shared by notebooks and the Jupyter proxy."""

from mlops_course import launchers, proxy, workspace


def test_the_jupyter_proxy_runs_the_same_mlflow_command_as_the_notebooks(ws):
    served = proxy.mlflow()["command"]
    assert served[:-2] == launchers.mlflow_ui_command(host="127.0.0.1", port="{port}")
    assert served[-2:] == ["--allowed-hosts", "*"]  # the proxy forwards the browser's Host header


def test_the_mlflow_ui_reads_the_workspace_store_with_one_worker(ws):
    cmd = launchers.mlflow_ui_command()
    assert cmd[cmd.index("--backend-store-uri") + 1] == workspace.mlflow_tracking_uri()
    assert cmd[cmd.index("--workers") + 1] == "1"
    assert cmd[cmd.index("--host") + 1] == "{host}"


def test_every_launcher_binds_loopback_and_asks_for_a_free_port(ws, tmp_path):
    for svc in (launchers.mlflow_ui(), launchers.bentoml_service("svc:Svc", cwd=tmp_path),
                launchers.evidently_ui(tmp_path / "ev")):
        assert svc.port is None  # picked free at start
        assert "127.0.0.1" in svc.command and svc.url.startswith("http://127.0.0.1:")
