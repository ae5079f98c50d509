"""Lab 07's checks accept the right answers in their usual variants and name each typical mistake.

7.1 and 7.2 are pieces of the learner's project files (loop.py, watcher.py). loop.py imports most of the project,
so the reference functions are cut out of the project files' text and put under a small head (the names they
use), as lab 06's tests do; a wrong variant is the reference with one substitution, imported from a temporary
folder. No server, no network.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import sys

import pandas as pd
import pytest

from mlops_course import labgen, notebooks
from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone, call_learner
from mlops_course.exercises import _lab07_cases as cases
from mlops_course.exercises import lab07

NOTEBOOK = "07_capstone.ipynb"
FILES = {"7.1": "loop", "7.2": "watcher"}
ATTR = {"7.1": "decide_week", "7.2": "refresh"}
_names = itertools.count()


def _reference_source(module):
    """The text of the reference project file `module`.py, as the solution notebook writes it."""
    return notebooks.written_file(NOTEBOOK, f"{module}.py")


def _reference_function(ex_id):
    """The reference function of `ex_id`, with its solution markers, as the project file writes it."""
    lines = _reference_source(FILES[ex_id]).splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"def {ATTR[ex_id]}(")))
    end = next((k for k in range(start + 1, len(lines)) if lines[k][:1] not in ("", " ")), len(lines))
    return "\n".join(lines[start:end]).rstrip() + "\n"


def _block(ex_id):
    """The solution block of `ex_id` in the reference file (what solution() shows)."""
    return next(part for part in notebooks.parse(_reference_source(FILES[ex_id]))
                if isinstance(part, notebooks.SolutionBlock) and part.exercise_id == ex_id)


HEADS = {
    "7.1": 'import types\n\nimport pandas as pd\n\nmonitor = types.SimpleNamespace(WINDOW_DAYS=28)\n'
           'ACTIONS = ("page", "promote", "drop", "shadow", "retrain", "wait", "none")\n\n\n',
    "7.2": "import threading\nimport time\n\n\n",
}


def _module(tmp_path, ex_id, *substitutions):
    """The reference of `ex_id` under its file's head, with substitutions (old, new), imported as a module."""
    text = HEADS[ex_id] + _reference_function(ex_id)
    for old, new in substitutions:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"lab07_{ATTR[ex_id]}_{next(_names)}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference(tmp_path, ex_id, *substitutions):
    return getattr(_module(tmp_path, ex_id, *substitutions), ATTR[ex_id])


EXERCISES = {"7.1": lab07.decide_week, "7.2": lab07.refresh}


@pytest.mark.parametrize("ex_id", sorted(FILES))
def test_the_reference_function_holds_the_solution_block(ex_id):
    lines = [line.strip() for line in _block(ex_id).lines if line.strip()]
    body = [line.strip() for line in _reference_function(ex_id).splitlines()]
    assert lines and all(line in body for line in lines), lines


@pytest.mark.parametrize("ex_id", sorted(FILES))
def test_the_hints_come_in_three_steps_and_hold_less_than_half_the_solution(ex_id):
    lines = [line.strip() for line in _block(ex_id).lines if line.strip()]
    held = [line for line in lines if any(line in step for step in EXERCISES[ex_id].hints)]
    assert len(EXERCISES[ex_id].hints) == 3
    assert len(held) < len(lines) / 2, held


@pytest.mark.parametrize("ex_id", sorted(FILES))
def test_the_solution_shows_the_reference_block(capsys, ex_id):
    EXERCISES[ex_id].solution()
    shown = capsys.readouterr().out
    assert f"Solution for exercise {ex_id}" in shown
    assert all(line.strip() in shown for line in _block(ex_id).lines)


def test_the_ids_and_titles_are_the_labs():
    assert [(e.id, e.title) for e in EXERCISES.values()] == [("7.1", "the loop's weekly decision"),
                                                             ("7.2", "the hot swap")]


@pytest.mark.parametrize("ex_id", sorted(FILES))
def test_given_a_module_name_the_check_imports_it_and_its_stub_means_not_done(tmp_path, monkeypatch, ex_id):
    exercise, text = EXERCISES[ex_id], HEADS[ex_id] + _reference_function(ex_id)
    stub, ids = labgen.stub_out(f"%%writefile project/{FILES[ex_id]}.py\n" + text)
    assert ids == [ex_id]
    monkeypatch.syspath_prepend(str(tmp_path))
    right, stubbed = f"lab07_right_{ATTR[ex_id]}", f"lab07_stub_{ATTR[ex_id]}"
    (tmp_path / f"{right}.py").write_text(text)
    assert "Right on" in exercise._checker(right)
    (tmp_path / f"{stubbed}.py").write_text(stub.partition("\n")[2])
    with pytest.raises(ExerciseNotDone, match=re.escape(ex_id)):
        exercise.check(stubbed)
    with pytest.raises(ExerciseIncorrect, match="there is no module lab07_nowhere"):
        exercise.check("lab07_nowhere")
    for name in (right, stubbed):
        sys.modules.pop(name, None)


# ---------------------------------------------------------------- 7.1


def get_decide_week(verdict, challenger, last_change, window_days=28):
    """Another right answer: .get, another order of the tests, seconds, >=, a truthy challenger."""
    if verdict.get("status") == "INCIDENT":
        return "page"
    if challenger:
        if challenger.get("gate_passed") and challenger.get("shadow") is None:
            return "shadow"
        if challenger.get("gate_passed") and challenger["shadow"].get("ok"):
            return "promote"
        return "drop"
    if not verdict.get("retrain"):
        return "none"
    age = float("inf") if last_change is None else (verdict["judged_at"] - last_change).total_seconds()
    return "retrain" if age >= window_days * 24 * 3600 else "wait"


def days_decide_week(verdict, challenger, last_change, window_days=28):
    """Another right answer: whole days of the Timedelta (floored), the status instead of the retrain flag."""
    actions = {"INCIDENT": "page"}
    if verdict["status"] in actions:
        return actions[verdict["status"]]
    if challenger is None:
        if verdict["status"] != "RETRAIN":
            return "none"
        recent = last_change is not None and (verdict["judged_at"] - last_change).days < window_days
        return "wait" if recent else "retrain"
    shadow = challenger["shadow"]
    if not challenger["gate_passed"] or (shadow is not None and not shadow["ok"]):
        return "drop"
    return "shadow" if shadow is None else "promote"


def test_the_reference_and_decide_week_variants_pass(tmp_path, capsys):
    lab07.decide_week.check(_reference(tmp_path, "7.1"))
    lab07.decide_week.check(get_decide_week)
    lab07.decide_week.check(days_decide_week)
    lab07.decide_week.check(_reference(tmp_path, "7.1", ('if verdict["retrain"]:',
                                                         'if verdict["status"] == "RETRAIN":')))
    lab07.decide_week.check(_reference(tmp_path, "7.1", (
        'verdict["judged_at"] - last_change < pd.Timedelta(days=window_days)',
        'not verdict["judged_at"] >= last_change + pd.Timedelta(days=window_days)')))
    assert "weeks of September to December 2025" in capsys.readouterr().out


INCIDENT, CHALLENGER = 'if verdict["status"] == "INCIDENT":', "if challenger is not None:"
AGE = 'verdict["judged_at"] - last_change < pd.Timedelta(days=window_days)'


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([(INCIDENT, INCIDENT.replace(":", ' and not verdict["retrain"]:'))],
         "an open incident: the week's data is broken; page, do not retrain or promote"),
        ([(INCIDENT, "if False:"), ('return "none"', 'return "page" if verdict["status"] == "INCIDENT" else "none"')],
         "an open incident: the week's data is broken"),
        ([(INCIDENT, INCIDENT.replace(":", " and challenger is None:"))], "it promotes during an incident"),
        ([('if not challenger["gate_passed"]:', "if False:")],
         "challenger version 8 failed the gate (gate_passed is False): drop it"),
        ([('return "shadow"', 'return "promote"')],
         "challenger version 8 has not been shadowed yet (shadow is None): give it its shadow week first"),
        ([('return "promote" if challenger["shadow"]["ok"] else "drop"', 'return "promote"')],
         "challenger version 8's shadow week went wrong (shadow['ok'] is False): drop it"),
        ([('        if challenger["shadow"] is None:\n            return "shadow"\n', "")],
         "raised TypeError: 'NoneType' object is not subscriptable (challenger is None when none waits, and its "
         "shadow is None"),
        ([(CHALLENGER, 'if challenger is not None and not verdict["retrain"]:')],
         "challenger version 8 is waiting: decide about it first (shadow, promote or drop); retraining now"),
        ([('return "wait"', 'return "retrain"')],
         "the last 28 days still hold decisions of the previous model: recall there is not news about the new "
         "one; wait"),
        ([("< pd.Timedelta(days=window_days)", "<= pd.Timedelta(days=window_days)")],
         "the live model changed exactly 28 days before judged_at: the window now holds only the new model's"),
        ([("days=window_days", "days=28")], "it ignores window_days: here it is 14"),
        ([("last_change is not None and ", "")],
         "unsupported operand type(s) for -: 'Timestamp' and 'NoneType' (last_change is None when the live model "
         "never changed)"),
        ([(AGE, '(verdict["judged_at"].date() - last_change.date()).days < window_days')],
         "compare the aware timestamps as they are (their difference is a Timedelta): their dates, or their clock "
         "faces without zones, are off"),
        ([(AGE, 'verdict["judged_at"].tz_localize(None) - last_change.tz_localize(None) < '
                'pd.Timedelta(days=window_days)')], "two zones, 27 days 23:00:00 apart"),
        ([(AGE, '(verdict["judged_at"].normalize() - last_change.normalize()).days < window_days')],
         "the live model changed 27 days 23:59:59 before judged_at, less than 28 days, though their dates are 28 "
         "days apart"),
        ([(AGE, 'verdict["judged_at"].tz_localize(None) - last_change.tz_convert("UTC").tz_localize(None) < '
                'pd.Timedelta(days=window_days)')],
         "compare the aware timestamps as they are (their difference is a Timedelta): their dates, or their clock "
         "faces without zones, are off by the 5 h 30 between UTC and IST"),
        ([('return "none"', "pass")], "decide_week returned None: every path must return one of ACTIONS"),
        ([('return "none"', "return False")], "decide_week returned False (bool): return what the loop does"),
        ([('return "wait"', 'return "hold"')], "decide_week returned 'hold', which is not one of ACTIONS"),
        ([('if verdict["retrain"]:', 'if verdict["status"] != "OK":')],
         "retrain is False in this WARN week: nothing asks for a new model"),
        ([('return "promote" if', 'challenger["decided"] = True\n        return "promote" if')],
         "it changed the verdict or the challenger it was given"),
    ],
    ids=["incident-retrains", "incident-last", "incident-promotes", "gate-ignored", "promotes-unshadowed",
         "promotes-failed-shadow", "shadow-none-crashes", "retrains-over-challenger", "never-waits", "boundary",
         "hard-coded-28", "last-change-none-crashes", "dates", "naive-clocks", "midnights", "ist-clock-vs-utc-clock", "returns-none",
         "returns-bool", "not-an-action", "retrains-on-warn", "mutates"],
)
def test_each_decide_week_mistake_is_named(tmp_path, substitutions, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab07.decide_week.check(_reference(tmp_path, "7.1", *substitutions))


def test_the_season_replays_as_the_loop_would():
    weeks = cases.season()
    assert len(weeks) == 18 and weeks[0][1]["week"] == "2025-09-01" and weeks[-1][1]["week"] == "2025-12-29"
    assert [cases.decide(v, c, last, **kw) for _, v, c, last, kw in weeks] == cases.SEASON_ACTIONS
    incident = next(v for _, v, *_ in weeks if v["status"] == "INCIDENT")
    assert incident["retrain"] and str(incident["judged_at"].tz) == "UTC+05:30"


def test_the_time_zone_cases_tell_aware_timestamps_from_dates_and_clock_faces():
    fooled = {"dates": 0, "clocks": 0}
    for _, verdict, _, last, _ in [c for c in cases.decide_cases() if "UTC" in c[0]]:
        right, judged = cases.decide(verdict, None, last), verdict["judged_at"]
        fooled["dates"] += right != ("wait" if (judged.date() - last.date()).days < 28 else "retrain")
        naive = judged.tz_localize(None) - last.tz_localize(None)
        fooled["clocks"] += right != ("wait" if naive < pd.Timedelta(days=28) else "retrain")
    assert fooled == {"dates": 1, "clocks": 2}


# ---------------------------------------------------------------- 7.2


def plain_refresh(champion, version_now, load):
    """Another right answer: both versions are strings, so != is enough; returns version_now."""
    if champion.get().version != version_now:
        champion.swap(load(version_now))
        return version_now
    return None


def careful_refresh(champion, version_now, load):
    """Another right answer: a version that fails to load is skipped, and None says nothing changed."""
    live = champion.get()
    if str(live.version) == str(version_now):
        return None
    try:
        new = load(version_now)
    except Exception:  # the watcher keeps the old bundle serving
        return None
    champion.swap(new)
    return str(new.version)


def test_the_reference_and_refresh_variants_pass(tmp_path, capsys):
    lab07.refresh.check(_reference(tmp_path, "7.2"))
    lab07.refresh.check(plain_refresh)
    lab07.refresh.check(careful_refresh)
    assert "kept reading the live bundle, which never saw anything but a whole bundle" in capsys.readouterr().out


SAME = "str(champion.get().version) == str(version_now)"


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([(SAME, "champion.get().version == int(version_now)")],
         "it loaded version 7, which is already live: loading a model costs about a second; the poll runs every "
         "few seconds: load only when the alias names another version (versions are strings, as the registry "
         "gives them: compared with a number, '7' == 7 is False"),
        ([(f"if {SAME}:", "if False:")], "it loaded version 7, which is already live"),
        ([(SAME, "int(version_now) <= int(champion.get().version)")],
         "a rollback moves the alias to an older version; follow the alias, whatever its number. (On a rollback"),
        ([(SAME, "str(version_now) <= str(champion.get().version)")], "as text '10' sorts before '9'"),
        ([("    bundle = load(version_now)", "    champion.swap(None)\n    bundle = load(version_now)")],
         "the service held None instead of version 7: requests keep arriving while the model loads: keep the old "
         "bundle serving until the new one is ready, then swap once"),
        ([("champion.swap(bundle)", "champion._bundle = bundle")],
         "it assigned champion._bundle itself: change the live bundle only through champion.swap(bundle)"),
        ([("champion.swap(bundle)", "champion.swap(bundle)\n    champion.swap(bundle)")],
         "it swapped 2 times for one change"),
        ([("champion.swap(bundle)", "pass")], "it loaded version 8 but never swapped it in"),
        ([("bundle = load(version_now)", "load(version_now)\n    bundle = load(version_now)")],
         "it loaded 2 times for one change"),
        ([("bundle = load(version_now)", "try:\n        bundle = load(version_now)\n    except OSError:\n"
                                         "        bundle = None")],
         "a version that fails to load must leave the old bundle serving"),
        ([("bundle = load(version_now)", "try:\n        bundle = load(version_now)\n    except OSError:\n"
                                         "        return str(version_now)")],
         "it returns '9', but version 9 failed to load and nothing was swapped in"),
        ([("return str(bundle.version)", "return int(bundle.version)")],
         "it returns 8 (int): return the version as a string, '8'"),
        ([("champion.swap(bundle)", "return champion.swap(bundle)")],
         "it returns a bundle (swap() gives back the old one)"),
        ([("return str(bundle.version)", "return None")], "it returns None after swapping version 8 in"),
        ([("return None", "return str(version_now)")], "it returns '7' when nothing changed: return None"),
    ],
    ids=["int-compare", "always-loads", "newer-only", "text-order", "placeholder-first", "assigns-attribute",
         "swaps-twice", "never-swaps", "loads-twice", "broken-swaps-none", "broken-returns-version", "returns-int",
         "returns-old-bundle", "returns-none", "same-returns-version"],
)
def test_each_refresh_mistake_is_named(tmp_path, substitutions, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab07.refresh.check(_reference(tmp_path, "7.2", *substitutions))


def test_the_drill_alone_sees_a_placeholder_and_a_reload_on_every_poll(tmp_path):
    seen, loader, champion = cases.drill(_reference(tmp_path, "7.2"), call_learner)
    assert seen and lab07._drill_mistake(seen, loader, champion) is None
    placeholder = _reference(tmp_path, "7.2", ("    bundle = load(version_now)",
                                               "    champion.swap(None)\n    bundle = load(version_now)"))
    assert "a request got None while the alias moved" in lab07._drill_mistake(*cases.drill(placeholder, call_learner))
    always = _reference(tmp_path, "7.2", (f"if {SAME}:", "if False:"))
    assert "but it loaded ['3', '3', '4'" in lab07._drill_mistake(*cases.drill(always, call_learner))
