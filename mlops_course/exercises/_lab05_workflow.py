"""Reading the learner's pull-request workflow (lab 05, exercise 5.7): GitHub's schema first, then the job.

The schema is check-jsonschema's bundled copy of SchemaStore's github-workflow.json, so the check works offline
and reports the same best match as `check-jsonschema --builtin-schema vendor.github-workflows FILE`, in-process
(the command takes a second to start). The YAML is read as check-jsonschema reads it (ruamel, YAML 1.2), where
`on:` stays the key "on"; PyYAML's YAML 1.1 would turn it into True.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..checks import Wrong

PYTHON = "3.11"  # the course's Python (environment.yml), the one CI must test with
_MAKE_VALUE_OPTIONS = {"-C", "-f", "-I", "-o", "-W", "--directory", "--file", "--include-dir"}
_MATRIX = re.compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")


def _plain(data: Any) -> Any:
    """YAML as JSON has it: string keys, dates as text (as check-jsonschema does before validating)."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data.isoformat() if isinstance(data, dt.date) else data


def _load(path: Path) -> dict:
    if not path.is_file():
        raise Wrong(f"there is no file at {path}: run the %%writefile cell that writes the workflow.")
    if path.parent.name != "workflows" or path.parent.parent.name != ".github":
        raise Wrong(f"{path} is not in .github/workflows/: GitHub runs only the workflow files found there.")
    text = path.read_text(encoding="utf-8")
    if "NotImplementedError" in text and "not done yet" in text:
        raise NotImplementedError("5.7")  # the stub a generated lab leaves: the check reports "not done yet"
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        doc = YAML(typ="safe", pure=True).load(text)
    except MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else "?"
        raise Wrong(f"the file is not valid YAML: {err.problem} (line {line}); indent with spaces, never tabs, "
                    "two per level.") from None
    except YAMLError as err:
        raise Wrong(f"the file is not valid YAML: {err}.") from None
    if not isinstance(doc, dict):
        raise Wrong("the workflow should be a YAML mapping: its events under `on`, its jobs under `jobs`.")
    return _plain(doc)


@cache
def _validator() -> Any:
    import jsonschema

    text = resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("github-workflows.json").read_text()
    schema = json.loads(text)
    return jsonschema.validators.validator_for(schema)(schema)


def schema_error(doc: dict) -> str | None:
    """check-jsonschema's best match for the workflow, in one sentence (None when GitHub's schema accepts it)."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(doc))
    if error is None:
        return None
    if error.context:
        error = best_match(error.context)
    message = error.message.split(" is not one of [")[0]
    if message != error.message:
        message += " is not a name GitHub knows"
    elif "is valid under each of" in message and ".steps[" in error.json_path:
        message = "a step either uses an action (uses) or runs a command (run), not both: make it two steps"
    elif len(message) > 160:
        message = message[:150].rstrip() + " ..."
    return f"GitHub's workflow schema refuses it: at {error.json_path}, {message}"


def _events(doc: dict) -> set[str]:
    on = doc.get("on")
    return {on} if isinstance(on, str) else set(on or ())


def _targets(args: list[str]) -> list[str]:
    targets, skip = [], False
    for word in args:
        if not skip and not word.startswith("-") and "=" not in word:
            targets.append(word)
        skip = word in _MAKE_VALUE_OPTIONS  # -C dir, -f file: the next word is the option's value
    return targets


def _commands(command: str) -> list[list[str]]:
    """The words of each simple command of a run step (split at ;, &&, ||, | and new lines; VAR=value prefixes
    dropped), so `echo make ci` is an echo, not a make."""
    found = []
    for part in re.split(r"&&|\|\||[;|\n]", command):
        try:
            words = shlex.split(part)
        except ValueError:
            words = part.split()
        while words and re.fullmatch(r"\w+=\S*", words[0]):
            words = words[1:]
        if words:
            found.append(words)
    return found


def make_targets(command: str) -> list[list[str]]:
    """The targets of each `make` a run command calls (options and VAR=value dropped)."""
    return [_targets(words[1:]) for words in _commands(command) if Path(words[0]).name == "make"]


def _skips_pull_requests(job: dict) -> bool:
    condition = str(job.get("if", "")).replace('"', "'")
    if "event_name == 'pull_request'" in condition:  # named explicitly (with || for other events): it runs
        return False
    return "event_name == 'push'" in condition or "event_name != 'pull_request'" in condition


def _python_mistake(step: dict, job: dict) -> str | None:
    version = (step.get("with") or {}).get("python-version")
    if version is None:
        return f"the setup-python step names no python-version: ask for \"{PYTHON}\", the course's Python"
    match = _MATRIX.fullmatch(str(version))
    versions = (job.get("strategy") or {}).get("matrix", {}).get(match.group(1), []) if match else [version]
    for value in versions if isinstance(versions, list) else [versions]:
        if isinstance(value, float) and str(value) == PYTHON:
            return (f"python-version is the number {value:g}, not the text \"{PYTHON}\": it happens to work, but "
                    "YAML reads an unquoted 3.10 as the number 3.1; quote versions: \"3.11\"")
        if isinstance(value, float):
            return (f"python-version is the number {value:g}: YAML reads an unquoted version as a number (3.10 "
                    f"becomes 3.1); quote it, and ask for the course's Python: \"{PYTHON}\"")
    if not any(re.fullmatch(r"3\.11(\.[\dx*]+)?", str(v)) for v in versions):
        return f"python-version is {version!r}: test with the course's Python, \"{PYTHON}\""
    return None


def _ci_step(jobs: dict) -> tuple[str, int]:
    """(job, step index) of the first `make ci` in a job that runs on pull requests."""
    ci, skipped, other = [], [], []
    for name, job in jobs.items():
        for i, step in enumerate(job.get("steps") or []):
            targets = [t for make in make_targets(str(step.get("run", ""))) for t in make]
            if "ci" in targets:
                (skipped if _skips_pull_requests(job) else ci).append((name, i))
            elif targets:
                other.append(" ".join(targets))
    if ci:
        return ci[0]
    if skipped:
        raise Wrong(f"job '{skipped[0][0]}' runs make ci, but its `if` skips it on pull requests: drop the "
                    "condition (a deploy job may wait for the push; the test job must not).")
    if other:
        raise Wrong(f"it runs `make {other[0]}`; the pull-request gate is `make ci`, the one target for everything "
                    "CI must check, the same command on your laptop and in CI.")
    raise Wrong("no step runs `make ci`: add a `run` step that calls it, after the checkout and setup-python.")


def pull_request_job(path: Path) -> str:
    """The name of the job that checks a pull request; Wrong with the first mistake otherwise."""
    doc = _load(path)
    problem = schema_error(doc)
    if problem:
        raise Wrong(f"{problem}.")
    events = _events(doc)
    if "pull_request" not in events:
        if "pull_request_target" in events:
            raise Wrong("pull_request_target runs the base branch's workflow with the repository's secrets, for "
                        "other purposes; a test job listens to pull_request.")
        raise Wrong(f"it runs only on {', '.join(sorted(events))}: a pull request gets no check before it is "
                    "merged; add the pull_request event.")
    name, at = _ci_step(doc["jobs"])
    steps = doc["jobs"][name]["steps"]
    uses = [str(step.get("uses", "")).split("@")[0] for step in steps]
    if "actions/checkout" not in uses[:at]:
        late = "the checkout comes after make ci, and steps run in order: " if "actions/checkout" in uses else ""
        raise Wrong(f"{late}the runner starts empty: check out the repository first (actions/checkout).")
    if "actions/setup-python" not in uses[:at]:
        raise Wrong(f"no actions/setup-python step before make ci: the runner's own Python is not the course's; "
                    f"set up Python \"{PYTHON}\" first.")
    problem = _python_mistake(steps[uses.index("actions/setup-python")], doc["jobs"][name])
    if problem:
        raise Wrong(f"{problem}.")
    problem = _install_mistake(steps, uses.index("actions/setup-python"), at)
    if problem:
        raise Wrong(f"{problem}.")
    return name


#: A pinned requirements file, in the project or a folder of it (requirements.txt, requirements-lock.txt, ...).
_REQUIREMENTS = re.compile(r"(\S*/)?requirements[\w.-]*\.txt")


def _pip_install_args(words: list[str]) -> list[str] | None:
    """The arguments of a `pip install` (pip, pip3, python -m pip, uv pip); None for any other command."""
    name = Path(words[0]).name
    if name in ("pip", "pip3"):
        rest = words[1:]
    elif re.fullmatch(r"python(3(\.\d+)?)?", name) and words[1:3] == ["-m", "pip"]:
        rest = words[3:]
    elif name == "uv" and words[1:2] == ["pip"]:
        rest = words[2:]
    else:
        return None
    return rest[1:] if rest[:1] == ["install"] else None


def _installs_project(args: list[str]) -> bool:
    """Whether pip's arguments install the project's dependencies: -r a requirements file, or the project (.)."""
    for word, value in zip(args, [*args[1:], ""], strict=True):
        if word in ("-r", "--requirement") and _REQUIREMENTS.fullmatch(value):
            return True  # -r requirements.txt
        if word.startswith(("-r", "--requirement=")) and _REQUIREMENTS.fullmatch(
                word.removeprefix("--requirement=").removeprefix("-r")):
            return True  # -rrequirements.txt, --requirement=requirements.txt
        if re.fullmatch(r"\.(\[[\w,-]+\])?", word):
            return True  # the project itself: ., .[dev], -e .
    return False


def _install_mistake(steps: list[dict], setup_at: int, ci_at: int) -> str | None:
    """What is wrong with installing the dependencies between setup-python and make ci (None: nothing)."""
    installs, bare = [], False
    for i, step in enumerate(steps):
        for words in _commands(str(step.get("run", ""))):
            args = _pip_install_args(words)
            if args is None:
                continue
            if _installs_project(args):
                installs.append(i)
            elif any(_REQUIREMENTS.fullmatch(arg) for arg in args):
                bare = True
    if any(setup_at < i < ci_at for i in installs):
        return None
    if any(i > ci_at for i in installs):
        return ("the install comes after make ci, and steps run in order: make ci would run on a Python with "
                "nothing installed; install before it")
    if any(i < setup_at for i in installs):
        return ("the install comes before actions/setup-python, so it installs into the runner's own Python, not "
                "the one make ci uses; install after setup-python")
    if bare:
        return ("`pip install requirements.txt` looks for a package named requirements.txt: install from the file "
                "with `pip install -r requirements.txt`")
    return ("nothing installs the project's dependencies before make ci: setup-python gives a bare Python, without "
            "mlflow, pytest or ruff; add a step `run: pip install -r requirements.txt` before make ci")
