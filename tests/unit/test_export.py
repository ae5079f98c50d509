"""The export's rewriting and refusals, on small crafted projects in a temporary folder (no Feast, no git run).

What the whole export does to a real workspace, and that the result passes its own CI, is
tests/course/test_lab07_export.py.
"""

from __future__ import annotations

import sys

import pytest
import yaml

from mlops_course import export as exporting
from mlops_course import export_readme
from mlops_course.cli import main
from mlops_course.export import ExportError
from mlops_course.export_readme import first_line, readme


def test_imports_and_strings_name_the_kit():
    text = ("from mlops_course import data, story  # noqa: E402\nimport mlops_course.data as d\n"
            "source = f\"mlops_course.data.load(size={size!r})\"\n")
    assert exporting.rewrite_text(text) == (
        "from upi_kit import data, story  # noqa: E402\nimport upi_kit.data as d\n"
        "source = f\"upi_kit.data.load(size={size!r})\"\n")


def test_the_courses_variables_are_renamed_and_lookalikes_are_left_for_the_guard():
    text = ("ci:\n\tMLOPS_WORKSPACE=$(CI_STATE) make ci-steps\nos.environ.get('MLOPS_COURSE_ROOT')\n"
            "MLOPS_DATA_CACHE MLOPS_WORKSPACE_OLD\n")
    assert exporting.rewrite_text(text) == ("ci:\n\tUPI_WORKSPACE=$(CI_STATE) make ci-steps\n"
                                            "os.environ.get('UPI_PROJECT_ROOT')\nUPI_DATA_CACHE MLOPS_WORKSPACE_OLD\n")


def test_solution_markers_are_dropped():
    text = "    steps:\n      ### BEGIN SOLUTION 5.4\n      - run: make ci\n      ### END SOLUTION\n"
    assert exporting.rewrite_text(text) == "    steps:\n      - run: make ci\n"


def test_requirements_get_a_truthful_comment():
    text = "# pinned (lab 05). The course's package\n# (mlops_course: the dataset) is installed beside it.\npandas==2.3.3\n"
    out = exporting.rewrite_requirements(exporting.rewrite_text(text))
    assert out == exporting.REQUIREMENTS_HEADER + "pandas==2.3.3\n"
    assert "upi_kit/" in out and "beside" not in out


def test_rewrite_tree_rewrites_text_files_only(tmp_path):
    (tmp_path / "train.py").write_text("from mlops_course import data\n")
    (tmp_path / "Makefile").write_text("ci:\n\tMLOPS_WORKSPACE=.ci pytest\n")
    (tmp_path / "requirements.txt").write_text("# beside mlops_course\nnumpy\n")
    (tmp_path / "model.bin").write_bytes(b"\0mlops_course")
    exporting.rewrite_tree(tmp_path)
    assert (tmp_path / "train.py").read_text() == "from upi_kit import data\n"
    assert (tmp_path / "Makefile").read_text() == "ci:\n\tUPI_WORKSPACE=.ci pytest\n"
    assert (tmp_path / "requirements.txt").read_text().endswith("\nnumpy\n")
    assert (tmp_path / "model.bin").read_bytes() == b"\0mlops_course"
    exporting.check_leftovers(tmp_path)  # binary files are not text: nothing left


def test_the_leftover_guard_names_the_file(tmp_path):
    (tmp_path / "ok.py").write_text("from upi_kit import story\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "run.json").write_text('{"size": "MLOPS_CATCHUP_SIZE"}')
    with pytest.raises(ExportError, match=r"^notes/run\.json still mentions MLOPS_ after the export rewrote it"):
        exporting.check_leftovers(tmp_path)


@pytest.mark.parametrize("registry", ["/ws/project/feature_repo/data/registry.db",
                                      {"path": "/ws/project/feature_repo/data/registry.db", "cache_ttl_seconds": 60}])
def test_the_feature_store_paths_become_relative(registry):
    config = {"project": "upi_fraud", "provider": "local", "registry": registry,
              "online_store": {"type": "sqlite", "path": "/elsewhere/project/feature_repo/data/online_store.db"},
              "offline_store": {"type": "duckdb"}, "entity_key_serialization_version": 3}
    out = yaml.safe_load(exporting.relative_store_config(yaml.safe_dump(config, sort_keys=False)))
    assert (out["registry"]["path"] if isinstance(registry, dict) else out["registry"]) == "data/registry.db"
    assert out["online_store"] == {"type": "sqlite", "path": "data/online_store.db"}
    assert list(out) == list(config) and out["offline_store"] == {"type": "duckdb"}


def _project(ws, tests=True):
    project = ws / "project"
    (project / "tests").mkdir(parents=True)
    (project / "Makefile").write_text("ci:\n\techo ci\n")
    if not tests:
        (project / "tests").rmdir()
    return project


def test_a_workspace_without_lab_05s_project_is_refused(tmp_path):
    _project(tmp_path, tests=False)
    with pytest.raises(ExportError, match="run lab 05 .*first"):
        exporting.find_project(tmp_path)
    (tmp_path / "project" / "tests").mkdir()
    assert exporting.find_project(tmp_path) == tmp_path / "project"


def test_a_folder_that_is_not_empty_or_inside_the_project_is_refused(tmp_path):
    project, dest = tmp_path / "ws" / "project", tmp_path / "out"
    dest.mkdir()
    assert exporting.check_destination(dest, project) is True
    assert exporting.check_destination(tmp_path / "ws" / "export" / "upi", project) is False  # lab 07's place
    (dest / "x.txt").write_text("x")
    with pytest.raises(ExportError, match="choose an empty or new folder"):
        exporting.check_destination(dest, project)
    with pytest.raises(ExportError, match="inside the project it would copy"):
        exporting.check_destination(project / "export", project)


def test_caches_and_scratch_state_are_not_copied(tmp_path):
    project = _project(tmp_path / "ws")
    for name in ("train.py", "__pycache__/train.cpython-311.pyc", ".ci/mlflow/mlflow.db", ".ruff_cache/x",
                 "feature_repo/data/online_store.db", "feature_repo/data/online_first_day.db",
                 "feature_repo/data/registry.db", "feature_repo/data/device.parquet", ".hypothesis/x"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("x")
    exporting.copy_project(project, tmp_path / "out")
    copied = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert copied == ["Makefile", "feature_repo/data/device.parquet", "feature_repo/data/online_store.db", "train.py"]


def test_the_vendored_kit_is_standalone_and_rooted_in_the_export(tmp_path, monkeypatch):
    exporting.vendor(tmp_path)
    exporting.rewrite_tree(tmp_path)
    exporting.check_leftovers(tmp_path)
    exporting.check_imports(tmp_path)
    for var in ("UPI_WORKSPACE", "UPI_DATA_CACHE", "UPI_PROJECT_ROOT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        from upi_kit import workspace as kit_ws

        assert kit_ws.WORKSPACE_ENV == "UPI_WORKSPACE" and kit_ws.DATA_CACHE_ENV == "UPI_DATA_CACHE"
        assert kit_ws.course_root() == tmp_path.resolve()
        assert kit_ws._root_path() == tmp_path.resolve() / "workspace"
    finally:
        for name in [m for m in sys.modules if m == "upi_kit" or m.startswith("upi_kit.")]:
            del sys.modules[name]


@pytest.mark.parametrize(("path", "code", "problem"), [
    ("train.py", "from upi_kit import checks\n",
     r"train\.py:1 imports upi_kit\.checks \(mlops_course\.checks in the course\), which the export does not vendor "
     r"\(only story, errors, workspace, data\)"),
    ("upi_kit/extra.py", "import os\n\nimport sklearn\n", r"upi_kit/extra\.py:3 imports sklearn, which is not the"),
])
def test_an_import_the_export_cannot_satisfy_is_named(tmp_path, path, code, problem):
    (tmp_path / "upi_kit").mkdir()
    (tmp_path / "upi_kit" / "__init__.py").write_text("from .story import YEAR\n")
    (tmp_path / "upi_kit" / "story.py").write_text("YEAR = 2025\n")
    (tmp_path / "ok.py").write_text("from upi_kit import story\nfrom upi_kit.story import YEAR\nimport upi_kit\n")
    exporting.check_imports(tmp_path)
    (tmp_path / path).write_text(code)
    with pytest.raises(ExportError, match=problem):
        exporting.check_imports(tmp_path)


def test_a_failed_export_leaves_the_folder_as_it_found_it(tmp_path):
    project = _project(tmp_path / "ws")
    (project / "notes.json").write_text('{"size": "MLOPS_CATCHUP_SIZE"}')  # the leftover guard stops the export
    (tmp_path / "empty").mkdir()
    for dest, existed in ((tmp_path / "empty", True), (tmp_path / "new", False)):
        with pytest.raises(ExportError, match="notes.json still mentions MLOPS_"):
            exporting.export(dest, tmp_path / "ws")
        assert dest.exists() is existed and (not existed or list(dest.iterdir()) == [])


def test_the_gitignore_keeps_the_projects_own_lines(tmp_path):
    (tmp_path / ".gitignore").write_text("notes/\n.ci/\n")
    exporting.write_gitignore(tmp_path)
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert lines[:2] == ["notes/", ".ci/"] and lines.count(".ci/") == 1
    assert {"workspace/", "datasets/cache/", "__pycache__/", "mlruns/", "bentoml/", "*.pyc", ".venv/"} <= set(lines)


def test_the_readme_lists_the_files_and_only_the_results_on_record(tmp_path):
    dest, ws = tmp_path / "out", tmp_path / "ws"
    (dest / "upi_kit").mkdir(parents=True)
    (dest / "upi_kit" / "__init__.py").write_text('"""The kit.\n\nMore."""\n')
    (dest / "train.py").write_text('"""Train the model.\n\nDetails."""\n')
    (dest / "Makefile").write_text("# The commands. More.\n#   make ci   all\nci:\n\ttrue\ntrain:\n\ttrue\n")
    text = readme(dest, ws)
    assert "| train.py | Train the model. |" in text and "| Makefile | The commands. |" in text
    assert "| upi_kit/ | The kit. |" in text and "`make ci`" in text and "`make test`" not in text
    assert "## Results" not in text and "monitor.py" not in text and "loop.py" not in text
    (ws / "monitoring").mkdir(parents=True)
    (ws / "monitoring" / "weeks.json").write_text(
        '{"2025-09-08": {"status": "INCIDENT", "reasons": [{"check": "unit_fold"}, {"check": "drift"}]},'
        ' "2025-09-01": {"status": "OK", "reasons": []}}')
    (ws / "loop").mkdir()
    (ws / "loop" / "summary.json").write_text('{"weeks": 18, "saved_inr": 1250.5, "note": null}')
    text = readme(dest, ws)
    assert "| 2025-09-01 | OK | - |\n| 2025-09-08 | INCIDENT | drift, unit_fold |" in text
    assert "| weeks | 18 |\n| saved_inr | 1250.5 |\n| note | - |" in text and "The loop |" not in text


def test_the_loops_summary_puts_the_loop_beside_the_frozen_model(tmp_path):
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "summary.json").write_text(
        '{"frozen": {"net_inr": 100.0, "caught": 3}, "loop": {"net_inr": 150.5, "caught": 4},'
        ' "new_scam": {"frozen": {"recall": 0.0}, "loop": {"recall": 0.5}}, "promotions": [{"week": "w"}],'
        ' "weeks_over_budget": {"frozen": 10, "loop": 8}, "gain_inr": 50.5}')
    text = "\n".join(export_readme._loop(tmp_path))
    assert ("| Figure | Model frozen at go-live | The loop |\n| --- | --- | --- |\n| net_inr | 100.0 | 150.5 |\n"
            "| caught | 3 | 4 |\n| new_scam.recall | 0.0 | 0.5 |\n| weeks_over_budget | 10 | 8 |") in text
    assert "| promotions (count) | 1 |\n| gain_inr | 50.5 |" in text


def test_first_line_reads_docstrings_and_leading_comments(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "ci.yml").write_text("# CI/CD for the project (lab 05). What runs where:\n#   pull request: ...\n")
    assert first_line(tmp_path / "a.py") == ""
    assert first_line(tmp_path / "ci.yml") == "CI/CD for the project (lab 05)."


def test_the_cli_refuses_with_one_sentence_and_status_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLOPS_WORKSPACE", str(tmp_path / "empty-workspace"))
    assert main(["export", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "run lab 05" in err and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
