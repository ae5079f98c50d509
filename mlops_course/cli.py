"""Command line: python -m mlops_course {lab,build-labs,run,record,study,status,reset,export}."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from . import workspace
from .errors import CourseError
from .manifest import LAB_SIZES


def _cmd_lab(args: argparse.Namespace) -> int:
    from .labsettings import write_overrides
    from .manifest import course

    write_overrides()
    root = workspace.course_root()
    first = course().labs[0].notebook
    workspace.activate()
    jupyter = Path(sys.executable).with_name("jupyter")
    argv = [
        str(jupyter) if jupyter.exists() else "jupyter", "lab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={root}",
        f"labs/{first}",
        *(["--allow-root"] if os.geteuid() == 0 else []),  # containers and CI often run as root
        *args.jupyter_args,
    ]
    print(f"Opening JupyterLab on labs/{first} (workspace: {workspace.root()}). Stop it with Ctrl+C.")
    os.chdir(root)
    os.execvp(argv[0], argv)
    return 0  # not reached


def _cmd_build(args: argparse.Namespace) -> int:
    from .coursemap import update_readme
    from .labgen import build

    changes = build(check=args.check) + update_readme(check=args.check)
    if args.check:
        if changes:
            print("labs/ is out of date with solutions/: " + "; ".join(changes) + ". Run `make labs` and commit the result.")
            return 1
        print("labs/ is in sync with solutions/.")
        return 0
    print("\n".join(changes) if changes else "labs/ already up to date.")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from .catchup import require, run_lab
    from .manifest import course

    lab = course().lab(args.lab)
    if lab.requires:
        require(*lab.requires, size=args.size)
    result = run_lab(lab, size=args.size, output_dir=workspace.folder("runs"))
    print(f"Ran {lab.id} at size {args.size} in {result.seconds:.1f} s; executed notebook: {result.output}")
    return 0


def _cmd_record(args: argparse.Namespace) -> int:
    """Maintainers: execute solutions on a fresh workspace and commit their real outputs."""
    from .catchup import is_complete, run_lab
    from .labgen import build
    from .manifest import course
    from .record import record_outputs

    labs = course().built_through(args.labs)
    wanted = {course().lab(x).id for x in args.labs} or {lab.id for lab in labs}
    solutions = workspace.course_root() / "solutions"
    with workspace.scratch("mlops-record-") as scratch:
        with workspace.using(args.workspace or scratch):
            for lab in labs:
                if lab.id not in wanted and is_complete(lab.id):
                    print(f"{lab.id} already complete in {workspace.root()}")
                    continue
                res = run_lab(lab, size=args.size, output_dir=scratch.parent / "executed")
                if lab.id in wanted:
                    record_outputs(solutions / lab.notebook, res.output)
                    print(f"recorded {lab.id} ({res.seconds:.1f} s)")
                else:
                    print(f"ran {lab.id} as a prerequisite ({res.seconds:.1f} s)")
    for line in build():
        print(line)
    return 0


def _cmd_study(args: argparse.Namespace) -> int:
    """Maintainers: the seed study (lab 07's figures on other seeds), recorded with a stamp of its inputs."""
    from . import study

    if args.check:
        current = study.stamp()
        recorded = study.load().get("stamp") if study.record_path().is_file() else None
        print(f"the seed study is {'current' if recorded == current else 'stale: run ' + study.COMMAND}")
        return 0 if recorded == current else 1
    study.run()
    return 0


def _cmd_configure_jupyterlab(args: argparse.Namespace) -> int:
    """Binder's postBuild: the course's JupyterLab settings (no news feed) in this environment."""
    from .labsettings import write_overrides

    print(f"JupyterLab settings written to {write_overrides()}")
    return 0


def _cmd_env(args: argparse.Namespace) -> int:
    """Shell exports that point the stack at the workspace with telemetry off (Binder's `start` evals them)."""
    import shlex

    for name, value in workspace.environment().items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    """Instructors: run a learner's notebook in a throwaway workspace and report its exercises.

    Given a folder, every learner's notebooks in it, each in a supervised process: a class report
    (exit 0 once it is written, whatever the learners got; 2 for a folder that cannot be checked).
    """
    from .grading import check_notebook

    path = Path(args.notebook)
    if path.is_dir() or (not path.exists() and path.suffix != ".ipynb"):
        from .classreport import check_folder

        report = check_folder(path, args.out, jobs=args.jobs, timeout=args.timeout, memory_gb=args.memory_gb,
                              size=args.size)
        print(report.summary())
        return 0
    report = check_notebook(args.notebook, size=args.size)
    print(report)
    return 0 if report.all_correct else 1


def _cmd_status(args: argparse.Namespace) -> int:
    from .catchup import status

    print(f"Workspace: {workspace.root()}")
    for lab, marker in status():
        if not lab.built:
            state = "not built yet"
        elif marker:
            state = f"done {marker['completed_at']}"
        else:
            state = "to do"
        print(f"  {lab.id:<24} {state}")
    return 0


def _cmd_reset(args: argparse.Namespace) -> int:
    ws = workspace.root()
    if not args.yes:
        answer = input(f"Delete everything in {ws}? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("Nothing deleted.")
            return 1
    removed = workspace.reset(confirm=True)
    print(f"Emptied {ws} ({len(removed)} item(s) removed).")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    """Learners: the project leaves the course as a standalone git repository (errors exit with status 2)."""
    from .export import export

    print(f"Exporting the workspace's project to {args.dest} (copy, feast apply, git commit) ...")
    print(export(args.dest).summary())
    return 0


def _positive(kind: type) -> Any:
    """An argparse type: a number above zero."""

    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} is not above zero")
        return value

    parse.__name__ = kind.__name__
    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlops_course", description="UPI Fraud MLOps Labs helper.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("lab", help="open JupyterLab on the course (extra arguments go to jupyter lab)")
    p.set_defaults(func=_cmd_lab)
    p = sub.add_parser("build-labs", help="generate labs/ from solutions/")
    p.add_argument("--check", action="store_true", help="fail if labs/ is stale instead of writing")
    p.set_defaults(func=_cmd_build)
    p = sub.add_parser("run", help="run a lab's solution (catching up earlier labs) in the workspace")
    p.add_argument("lab", help="lab id or number, e.g. 02-experiment-tracking or 2")
    p.add_argument("--size", default="ci", choices=LAB_SIZES, help="data size (default: ci)")
    p.set_defaults(func=_cmd_run)
    p = sub.add_parser("record", help="maintainers: execute solutions on a fresh workspace and store their outputs")
    p.add_argument("labs", nargs="*", help="lab ids (default: every built lab)")
    p.add_argument("--size", default="default", choices=LAB_SIZES)
    p.add_argument("--workspace", help="reuse this workspace (prerequisites already complete there are not re-run); "
                   "default: a fresh temporary one")
    p.set_defaults(func=_cmd_record)
    p = sub.add_parser("study", help="maintainers: run lab 07 on seeds 1-3 and record its figures (about an hour)")
    p.add_argument("--check", action="store_true", help="only say whether the recorded study is current")
    p.set_defaults(func=_cmd_study)
    p = sub.add_parser("check", help="instructors: run a learner's notebook, or a folder of them (a class report)")
    p.add_argument("notebook", help="path to the learner's .ipynb (its file name says which lab it is), or a folder "
                   "with one .ipynb or one folder per learner")
    p.add_argument("--size", default="ci", choices=LAB_SIZES)
    p.add_argument("--out", help="folder: where class-report.csv and .md go (default: the submissions folder)")
    p.add_argument("--jobs", type=_positive(int), help="folder: notebooks run at once (default: as many as "
                   "cores and memory allow)")
    p.add_argument("--timeout", type=_positive(float), default=600.0,
                   help="folder: seconds each notebook may run, catch-up not counted (default: 600)")
    p.add_argument("--memory-gb", type=_positive(float), default=3.0,
                   help="folder: memory of each notebook's processes together, in GB (default: 3)")
    p.set_defaults(func=_cmd_check)
    p = sub.add_parser("configure-jupyterlab", help="write the course's JupyterLab settings (no news feed)")
    p.set_defaults(func=_cmd_configure_jupyterlab)
    p = sub.add_parser("env", help="print shell exports for the workspace, telemetry off (eval \"$(...)\")")
    p.set_defaults(func=_cmd_env)
    p = sub.add_parser("status", help="which labs are done in this workspace")
    p.set_defaults(func=_cmd_status)
    p = sub.add_parser("reset", help="empty the workspace")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.set_defaults(func=_cmd_reset)
    p = sub.add_parser("export", help="export the project as a standalone git repository (outside the course)")
    p.add_argument("dest", help="a new or empty folder, e.g. ~/upi-fraud")
    p.set_defaults(func=_cmd_export)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.jupyter_args = extra
    try:
        return args.func(args)
    except (CourseError, FileNotFoundError) as err:
        print(err, file=sys.stderr)  # a learner-facing sentence, not a traceback
        return getattr(err, "exit_code", 1)
