"""The exported project's README, generated from what the export holds and what the workspace recorded.

A README written by hand would drift from the project: a lab adds a file, a learner drops one. So the file
table is built from the files present (each .py file's docstring, each config file's leading comment), the
commands are listed only for the Makefile targets and scripts that exist, and the results section only shows
figures read from the workspace's own records (monitoring/weeks.json, loop/summary.json). Nothing is claimed
that was not read from a file.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

#: Files and folders whose purpose no comment in them states; folders shown as one row each.
KNOWN = {
    "README.md": "This file.",
    ".gitignore": "What git leaves out: local runs (workspace/, .ci/), the dataset cache, caches and virtual "
                  "environments.",
    "bentofile.yaml": "How `bentoml build` packages the service as a Bento.",
    "feature_repo/feature_store.yaml": "Feast's configuration: local provider, SQLite online store, DuckDB offline "
                                       "store; paths relative to the feature repo.",
    "feature_repo/data/": "The feature sources (parquet), the Feast registry and the online store the service "
                          "tests read.",
    "runbooks/": "What on-call does for each kind of monitoring alert (data quality, performance, drift).",
}
#: Folders shown as one row each: the row reads the folder's own description.
FOLDERS = {"src/upi_kit": "src/upi_kit/__init__.py", "feature_repo/data": None, "runbooks": None}
#: Parts of the system, each shown when the file that implements it is present.
PARTS = [
    ("src/upi_fraud/train.py", "trains the fraud model, tracks every run and registers the model in **MLflow**, "
                               "and promotes a challenger only if it saves more rupees than the champion"),
    ("feature_repo/feature_store.yaml", "computes behaviour features with a **Feast** feature store: offline for "
                                        "training, online for serving, the same definitions for both"),
    ("src/upi_fraud/serving/service.py", "serves a decision per payment with **BentoML**, reading fresh features "
                                         "from the online store and logging every decision"),
    (".github/workflows/ci.yml", "checks every change in **CI**: lint, types, data, feature, model and service "
                                 "tests"),
    ("src/upi_fraud/monitoring/weekly.py", "judges each week of production with **Evidently**: drift, data quality "
                                           "and performance on the fraud reports known so far"),
    ("src/upi_fraud/ct/run.py", "retrains as of a date or a monitoring trigger and promotes only a better, tested "
                                "model (**continuous training**)"),
    ("src/upi_fraud/loop/run.py", "runs the **closed loop**: production, monitoring, retraining and back to "
                                  "production"),
]
#: The console commands (pyproject.toml) and what each does, listed when its module is present.
COMMANDS = [
    ("src/upi_fraud/train.py", "upi-train --data-size ci --promote", "train, register and gate a model"),
    ("src/upi_fraud/serving/calibration.py", "upi-calibrate --data-size ci", "set the champion's alert threshold"),
    ("src/upi_fraud/serving/serve.py", "upi-serve --port 3000", "serve the model over HTTP on 127.0.0.1"),
    ("src/upi_fraud/serving/replay.py", "upi-replay --from 2025-09-01 --to 2025-09-08 --bulk --data-size ci",
     "score production payments through the same code as the service"),
    ("src/upi_fraud/ct/cli.py", "upi-ct --as-of 2025-12-08 --data-size ci", "continuous training as of a date"),
    ("src/upi_fraud/monitoring/cli.py", "upi-monitor --week 2025-09-08 --data-size ci",
     "judge one IST week of logged payments (`upi-monitor calibrate` first)"),
    ("src/upi_fraud/loop/cli.py", "upi-loop --data-size ci", "the closed loop over the production months"),
]


#: loop/summary.json compares the loop with the model frozen at go-live, side by side (lab 07's upi_fraud.loop.valuation).
LOOP_SIDES = {"frozen": "Model frozen at go-live", "loop": "The loop"}


def first_line(path: Path) -> str:
    """What a file says it does: a module docstring's first line, or the first line of a leading # comment."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return ""
    if path.suffix == ".py":
        try:
            doc = ast.get_docstring(ast.parse(text)) or ""
        except SyntaxError:
            return ""
        return doc.strip().splitlines()[0] if doc.strip() else ""
    comment = []
    for line in text.splitlines():  # the leading comment's first paragraph, up to an indented or blank line
        if line.startswith("#!"):
            continue  # a shebang says how to run the file, not what it does
        body = line.strip()[1:] if line.strip().startswith("#") else None
        if body is None or not body.strip() or (comment and body.startswith("  ")):
            break
        comment.append(body.strip())
    return re.split(r"(?<=[.!?])\s", " ".join(comment), maxsplit=1)[0]


def _rows(dest: Path) -> list[tuple[str, str]]:
    """(file, purpose) for every file of the export; upi_kit, the feature data and the runbooks one row each."""
    rows: list[tuple[str, str]] = []
    for path in sorted(dest.rglob("*"), key=lambda p: (len(p.relative_to(dest).parts) > 1, str(p))):
        rel = path.relative_to(dest).as_posix()
        if not path.is_file() or rel.startswith(".git/"):
            continue
        folder = next((prefix for prefix in FOLDERS if rel.startswith(prefix + "/")), None)
        if folder is None:
            rows.append((rel, KNOWN.get(rel) or first_line(path)))
        elif not any(r == folder + "/" for r, _ in rows):
            described = FOLDERS[folder]
            rows.append((folder + "/", first_line(dest / described) if described else KNOWN[folder + "/"]))
    return rows


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    def line(cells: tuple[object, ...]) -> str:
        return "| " + " | ".join("-" if c is None else str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    return [line(header), line(tuple("---" for _ in header)), *(line(row) for row in rows)]


def _makefile_targets(dest: Path) -> set[str]:
    path = dest / "Makefile"
    return set(re.findall(r"^([a-zA-Z][\w-]*):", path.read_text(), flags=re.M)) if path.is_file() else set()


def _commands(dest: Path) -> list[str]:
    """The commands section: only the targets and commands this export has."""
    targets, out = _makefile_targets(dest), ["## Commands", ""]
    described = [
        ("ci", "`make ci`: what CI runs. Lint (ruff) and types (mypy), the data and feature tests, training at the "
               "`ci` size on a scratch registry in `.ci/` (a fresh CI runner has no registry either), then the model "
               "and service tests against the model it just trained."),
        ("test", "`make test`: every test, against the champion in the registry MLFLOW_TRACKING_URI names "
                 "(`DATA_SIZE=ci make test` for the small data)."),
        ("train", "`make train`: train and gate a model at `SIZE` (default `ci`) and set its threshold "
                  "(`make train SIZE=default` for the full year)."),
        ("ct", "`make ct AS_OF=2025-12-08`: continuous training as of a date (`TRIGGER=file.json` to act on a "
               "monitoring trigger)."),
    ]
    out += [f"- {text}" for target, text in described if target in targets]
    commands = [(command, what) for module, command, what in COMMANDS if (dest / module).is_file()]
    if commands:
        out += ["", "Installed (`pip install -e .`), the package gives these commands (each has `--help`); "
                "uninstalled, run the same as `PYTHONPATH=src python -m <module>`:", "",
                *(f"- `{command}`: {what}." for command, what in commands)]
    workflow = ".github/workflows/ci.yml"
    if (dest / workflow).is_file():
        out += ["", f"The GitHub workflow `{workflow}` runs `make ci` on every pull request; "
                "`.github/workflows/deliver.yml` trains and delivers on main, and runs continuous training."]
    return out + [""]


def _weeks(ws: Path) -> list[str]:
    path = ws / "monitoring" / "weeks.json"
    try:
        weeks = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    rows = [(week, judged.get("status", "?"),
             ", ".join(sorted({r.get("check", "?") for r in judged.get("reasons", [])})) or None)
            for week, judged in sorted(weeks.items())]
    return ["### Monitoring, week by week", "", "As judged by upi-monitor in the course (`monitoring/weeks.json`).", "",
            *_table(("Week", "Status", "Checks behind the status"), rows), ""]


def _figures(data: object, prefix: str = "") -> dict[str, object]:
    """The scalars of a JSON value by dotted path; a list counts as its length."""
    if isinstance(data, dict):
        return {k: v for key, value in data.items() for k, v in _figures(value, f"{prefix}{key}.").items()}
    if isinstance(data, list):
        return {f"{prefix.rstrip('.')} (count)": len(data)}
    return {prefix.rstrip("."): data}


def _loop(ws: Path) -> list[str]:
    """loop/summary.json: the loop's figures beside the model frozen at go-live (where a figure has both), the rest
    as they are; the file's own names, no interpretation."""
    try:
        figures = _figures(json.loads((ws / "loop" / "summary.json").read_text()))
    except (OSError, ValueError):
        return []
    pairs: dict[str, dict[str, object]] = {}
    alone = []
    for key, value in figures.items():
        parts = key.split(".")
        side = next((part for part in parts if part in LOOP_SIDES), None)
        if side and len(parts) > 1:
            pairs.setdefault(".".join(p for p in parts if p != side), {})[side] = value
        elif key:
            alone.append((key, value))
    lines = ["### The closed loop", "", "As summarised in the course (`loop/summary.json`).", ""]
    if pairs:
        header = ("Figure", *LOOP_SIDES.values())
        lines += [*_table(header, [(k, *(v.get(s) for s in LOOP_SIDES)) for k, v in pairs.items()]), ""]
    if alone:
        lines += [*_table(("Figure", "Value"), alone), ""]
    return lines if pairs or alone else []


def _results(ws: Path) -> list[str]:
    body = _weeks(ws) + _loop(ws)
    if not body:
        return []
    return ["## Results", "", "Read from the course workspace's records when the project was exported; this "
            "repository does not hold those records and does not recompute them.", "", *body]


def readme(dest: Path, ws: Path) -> str:
    """The README's text for the export at DEST, with results read from the workspace WS."""
    parts = [text for file, text in PARTS if (dest / file).is_file()]
    lines = ["# UPI fraud detection", "",
             "A fraud detection project for UPI payments in India, built in the UPI Fraud MLOps Labs and exported "
             "as a standalone repository. The data is a synthetic year (2025) of UPI payments with fraud, generated "
             "deterministically by `upi_kit.data.load(size, seed)` and cached in `datasets/cache/`; runs write to "
             "`workspace/` (both git-ignored). The code is the typed package `upi_fraud` in `src/`.", ""]
    if parts:
        lines += ["The project:", "", *(f"- {text};" for text in parts[:-1]), f"- {parts[-1]}.", ""]
    lines += ["## Files", "", *_table(("File", "What it does"), _rows(dest)), ""]
    lines += ["## Set up", "", "```", "python -m venv .venv && . .venv/bin/activate",
              "pip install -r requirements.txt && pip install --no-deps -e .   # the package and its commands",
              "```", "", "Runs write to `workspace/` (`UPI_WORKSPACE` moves it): the MLflow registry "
              "(`workspace/mlflow/mlflow.db`, or the server `MLFLOW_TRACKING_URI` names), the production record, "
              "monitoring and the loop.", "",
              "The Feast registry names its parquet files by absolute path: after cloning to another folder, run "
              "`cd feature_repo && feast apply` once.", ""]
    return "\n".join(lines + _commands(dest) + _results(ws)).rstrip() + "\n"


def write_readme(dest: Path, ws: Path) -> None:
    """Write DEST/README.md (the project's own short README is replaced)."""
    (dest / "README.md").write_text(readme(dest, ws), encoding="utf-8")
