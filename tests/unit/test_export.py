"""The export's steps and refusals, on small crafted projects in a temporary folder (no Feast, no git run).

What the whole export does to a real workspace, and that the result passes its own CI, is
tests/course/test_lab07_export.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_course import export as exporting
from mlops_course import export_readme
from mlops_course.cli import main
from mlops_course.export import ExportError
from mlops_course.export_readme import first_line, readme

ROOT = Path(__file__).resolve().parents[2]


def test_solution_markers_are_dropped(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.write_text("    steps:\n      ### BEGIN SOLUTION 5.4\n      - run: make ci\n      ### END SOLUTION\n")
    (tmp_path / "gate.py").write_text("def gate():\n    ### BEGIN SOLUTION 2.5\n    return 1\n    ### END SOLUTION\n")
    exporting.drop_markers(tmp_path)
    assert workflow.read_text() == "    steps:\n      - run: make ci\n"
    assert (tmp_path / "gate.py").read_text() == "def gate():\n    return 1\n"


def test_the_leftover_guard_names_the_file_and_skips_binary_files(tmp_path):
    (tmp_path / "ok.py").write_text("from upi_kit import story\n")
    (tmp_path / "model.bin").write_bytes(b"\0mlops_course")
    exporting.check_leftovers(tmp_path)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "run.json").write_text('{"size": "MLOPS_CATCHUP_SIZE"}')
    with pytest.raises(ExportError, match=r"^notes/run\.json mentions MLOPS_, so the exported project would need "
                                          r"the course"):
        exporting.check_leftovers(tmp_path)


def test_the_reference_project_names_no_course_package_or_variable():
    """The reference project is what every workspace copies: the guard must find nothing in it."""
    assert exporting.leftovers(ROOT / "project") == []


def _project(ws, tests=True):
    """A project as lab 05 leaves it, reduced to what find_project looks for."""
    project = ws / "project"
    for folder in ("tests", "src/upi_kit"):
        (project / folder).mkdir(parents=True)
    (project / "Makefile").write_text("ci:\n\techo ci\n")
    (project / "pyproject.toml").write_text("[project]\nname = 'upi-fraud'\n")
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
    assert copied == ["Makefile", "feature_repo/data/device.parquet", "feature_repo/data/online_store.db",
                      "pyproject.toml", "train.py"]


def test_a_failed_export_leaves_the_folder_as_it_found_it(tmp_path):
    project = _project(tmp_path / "ws")
    (project / "notes.json").write_text('{"size": "MLOPS_CATCHUP_SIZE"}')  # the leftover guard stops the export
    (tmp_path / "empty").mkdir()
    for dest, existed in ((tmp_path / "empty", True), (tmp_path / "new", False)):
        with pytest.raises(ExportError, match="notes.json mentions MLOPS_"):
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
    (dest / "src" / "upi_kit").mkdir(parents=True)
    (dest / "src" / "upi_kit" / "__init__.py").write_text('"""The kit.\n\nMore."""\n')
    (dest / "src" / "upi_kit" / "story.py").write_text('"""The story."""\n')
    (dest / "train.py").write_text('"""Train the model.\n\nDetails."""\n')
    (dest / "Makefile").write_text("# The commands. More.\n#   make ci   all\nci:\n\ttrue\ntrain:\n\ttrue\n")
    text = readme(dest, ws)
    assert "| train.py | Train the model. |" in text and "| Makefile | The commands. |" in text
    assert "| src/upi_kit/ | The kit. |" in text and "story.py" not in text
    assert "`make ci`" in text and "`make test`" not in text
    assert "## Results" not in text and "upi-monitor" not in text and "upi-loop" not in text
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
