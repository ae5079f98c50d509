"""Lab 07's checks accept the right answers in their usual variants and name each typical mistake.

7.1 and 7.2 are learner modules of the reference project: the loop's weekly decision (upi_fraud/loop/decision.py,
whose verdict and challenger are state.py's dataclasses) and one poll of the alias watcher
(upi_fraud/serving/swap.py). The right answer is the reference file itself; a typical wrong answer is the same file
with one substitution, loaded as a module of its own (reference_project.variant). No server, no network.
"""

from __future__ import annotations

import re
from dataclasses import asdict, fields

import pytest
import reference_project

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone, call_learner
from mlops_course.exercises import _lab07_cases as cases
from mlops_course.exercises import lab07

DECISION, SWAP = "src/upi_fraud/loop/decision.py", "src/upi_fraud/serving/swap.py"
#: exercise id -> (the exercise, its reference file, the module a notebook passes to check, the function it calls)
EXERCISES = {
    "7.1": (lab07.decide_week, DECISION, "upi_fraud.loop.decision", "decide_week"),
    "7.2": (lab07.refresh, SWAP, "upi_fraud.serving.swap", "refresh"),
}


def _variant(tmp_path, ex_id, *substitutions):
    """The exercise's reference function, its file with each (old, new) substituted."""
    _, rel, _, attr = EXERCISES[ex_id]
    return getattr(reference_project.variant(tmp_path, rel, *substitutions), attr)


def _solution_lines(ex_id):
    return [line.strip() for line in reference_project.block(EXERCISES[ex_id][1], ex_id).lines if line.strip()]


def test_the_ids_and_titles_are_the_labs():
    assert [(e.id, e.title) for e, *_ in EXERCISES.values()] == [("7.1", "the loop's weekly decision"),
                                                                 ("7.2", "the hot swap")]


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_the_solution_shows_the_reference_files_block(capsys, ex_id):
    exercise, rel, *_ = EXERCISES[ex_id]
    exercise.solution()
    code = reference_project.block(rel, ex_id).code
    assert capsys.readouterr().out == f"Solution for exercise {ex_id}:\n\n{code.rstrip()}\n"


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_the_solution_block_is_inside_the_checked_function(ex_id):
    _, rel, _, attr = EXERCISES[ex_id]
    body = [line.strip() for line in reference_project.function_text(rel, attr).splitlines()]
    assert all(line in body for line in _solution_lines(ex_id)), attr


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_the_hints_come_in_three_steps(ex_id):
    assert len(EXERCISES[ex_id][0].hints) == 3


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_the_hints_hold_less_than_half_the_solution(ex_id):
    lines = _solution_lines(ex_id)
    held = [line for line in lines if any(line in step for step in EXERCISES[ex_id][0].hints)]
    assert lines and len(held) < len(lines) / 2, held


@pytest.mark.parametrize(("ex_id", "said"), [("7.1", "decisions of September to December 2025"),
                                             ("7.2", "never saw anything but a whole bundle")])
def test_given_its_module_name_the_check_imports_the_reference_and_passes_it(capsys, ex_id, said):
    exercise, _, module, _ = EXERCISES[ex_id]
    exercise.check(module)
    assert said in capsys.readouterr().out


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_the_generated_labs_stub_means_not_done(tmp_path, ex_id):
    exercise, rel, _, attr = EXERCISES[ex_id]
    stub = reference_project.lab_stub(tmp_path, rel)
    with pytest.raises(ExerciseNotDone, match=re.escape(ex_id)):
        exercise.check(getattr(stub, attr))


@pytest.mark.parametrize(("ex_id", "package"), [("7.1", "upi_fraud.loop"), ("7.2", "upi_fraud.serving")])
def test_a_module_that_does_not_exist_is_named_with_the_file_that_writes_it(ex_id, package):
    folder = package.replace(".", "/")
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            f"there is no module {package}.nowhere: run the %%writefile cell that writes "
            f"project/src/{folder}/nowhere.py")):
        EXERCISES[ex_id][0].check(f"{package}.nowhere")


# ---------------------------------------------------------------- 7.1


def asdict_decide_week(verdict, challenger):
    """Another right answer: dicts of the dataclasses with .get, another order of the tests, a truthy challenger."""
    week, waiting = asdict(verdict), challenger and asdict(challenger)
    if week.get("status") == "INCIDENT":
        return "page"
    if waiting:
        if waiting.get("gate_passed") and waiting.get("shadow") is None:
            return "shadow"
        if waiting.get("gate_passed") and waiting["shadow"].get("ok"):
            return "promote"
        return "drop"
    return "retrain" if week.get("retrain") else "none"


def table_decide_week(verdict, challenger):
    """Another right answer: a lookup table of the challenger's stage."""
    if verdict.status == "INCIDENT":
        return "page"
    if challenger is None:
        return {True: "retrain", False: "none"}[bool(verdict.retrain)]
    shadow = challenger.shadow
    stage = "failed" if not challenger.gate_passed else "waiting" if shadow is None else str(shadow.ok)
    return {"failed": "drop", "waiting": "shadow", "True": "promote", "False": "drop"}[stage]


@pytest.mark.parametrize("answer", [asdict_decide_week, table_decide_week], ids=["asdict", "table"])
def test_other_right_decide_weeks_pass(answer):
    lab07.decide_week.check(answer)


INCIDENT, CHALLENGER = 'if verdict.status == "INCIDENT":', "if challenger is not None:"
DROP = "if not challenger.gate_passed or (challenger.shadow is not None and not challenger.shadow.ok):"
STAGE = 'return "shadow" if challenger.shadow is None else "promote"'
TRIGGER = 'return "retrain" if verdict.retrain else "none"'


def test_another_right_decision_module_passes(tmp_path):
    lab07.decide_week.check(_variant(tmp_path, "7.1", (TRIGGER, 'return "none" if not verdict.retrain else "retrain"')))


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([(INCIDENT, INCIDENT.replace(":", " and not verdict.retrain:"))],
         "an open incident: the week's data is broken; page, do not retrain or promote"),
        ([(INCIDENT, "if False:"), (TRIGGER, 'return "retrain" if verdict.retrain else '
                                             '"page" if verdict.status == "INCIDENT" else "none"')],
         "an open incident: the week's data is broken"),
        ([(INCIDENT, INCIDENT.replace(":", " and challenger is None:"))], "it promotes during an incident"),
        ([("not challenger.gate_passed or ", "")],
         "challenger version 8 failed the gate (gate_passed is False): drop it"),
        ([(STAGE, 'return "promote"')],
         "challenger version 8 has not been shadowed yet (shadow is None): give it its shadow week first"),
        ([(" or (challenger.shadow is not None and not challenger.shadow.ok)", "")],
         "challenger version 8's shadow week went wrong (shadow.ok is False): drop it"),
        ([("(challenger.shadow is not None and not challenger.shadow.ok)", "not challenger.shadow.ok")],
         "raised AttributeError: 'NoneType' object has no attribute 'ok' (challenger is None when none waits, and "
         "its shadow is None"),
        ([(CHALLENGER, "if True:")],
         "raised AttributeError: 'NoneType' object has no attribute 'gate_passed' (challenger is None when none "
         "waits"),
        ([(CHALLENGER, "if challenger is not None and not verdict.retrain:")],
         "challenger version 8 is waiting: decide about it first (shadow, promote or drop); retraining now"),
        ([(TRIGGER, 'return "retrain" if verdict.status == "RETRAIN" else "none"')],
         "retrain is True in this WARN week and no challenger waits: retrain (read verdict.retrain, not the status"),
        ([(TRIGGER, 'return "retrain" if verdict.retrain else None')],
         "decide_week returned None: every path must return one of ACTIONS"),
        ([(TRIGGER, "return verdict.retrain")], "decide_week returned False (bool): return what the loop does"),
        ([(TRIGGER, 'return "retrain" if verdict.retrain else "wait"')],
         "decide_week returned 'wait', which is not one of ACTIONS"),
        ([(TRIGGER, 'return "retrain" if verdict.status != "OK" else "none"')],
         "retrain is False in this WARN week: nothing asks for a new model"),
        ([(f"{DROP}\n            return \"drop\"",
           f"{DROP}\n            challenger.gate_passed = False\n            return \"drop\"")],
         "it changed the verdict or the challenger it was given"),
    ],
    ids=["incident-retrains", "incident-last", "incident-promotes", "gate-ignored", "promotes-unshadowed",
         "promotes-failed-shadow", "shadow-none-crashes", "challenger-none-crashes", "retrains-over-challenger",
         "status-for-trigger", "returns-none", "returns-bool", "not-an-action", "retrains-on-warn", "mutates"],
)
def test_each_decide_week_mistake_is_named(tmp_path, substitutions, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab07.decide_week.check(_variant(tmp_path, "7.1", *substitutions))


def test_the_checks_actions_are_the_projects():
    from upi_fraud.loop.state import ACTIONS

    assert cases.ACTIONS == ACTIONS


def test_the_checks_verdict_and_challenger_have_the_fields_of_the_projects():
    """A learner's decide_week reads state.py's dataclasses in the loop; the check's stand-ins have the same fields."""
    from upi_fraud.loop import state

    def names(cls):
        return {f.name for f in fields(cls)}

    assert names(cases.Verdict) == names(state.WeekVerdict) and names(cases.Challenger) == names(state.Challenger)
    assert names(cases.Shadow) <= names(state.Shadow)


def test_the_season_replays_to_the_loops_actions():
    weeks = cases.season()
    assert len(weeks) == 19 and "2025-09-01" in weeks[0][0] and "2025-12-29" in weeks[-1][0]
    assert sum("asked again" in what for what, *_ in weeks) == 1  # the drop of 10 November, trigger still on
    assert [cases.decide(v, c) for _, v, c in weeks] == cases.SEASON_ACTIONS


def test_the_seasons_incident_shadow_does_not_count():
    """Challenger 10 shadows the INCIDENT week of 1 December: it shadows again, and is promoted a week later."""
    weeks = {what[19:29] + ("+" if "again" in what else ""): (v, c) for what, v, c in cases.season()}
    verdict, waiting = weeks["2025-12-01"]
    assert verdict.status == "INCIDENT" and waiting.version == "10" and waiting.shadow is None
    assert weeks["2025-12-08"][1].shadow.ok and cases.decide(*weeks["2025-12-08"]) == "promote"


def test_the_seasons_first_incident_carries_a_retrain_trigger_in_a_fixed_ist_offset():
    incident = next(v for _, v, *_ in cases.season() if v.status == "INCIDENT")
    assert incident.retrain and str(incident.judged_at.tz) == "UTC+05:30"


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


@pytest.mark.parametrize("answer", [plain_refresh, careful_refresh], ids=["plain", "careful"])
def test_other_right_refreshes_pass(answer):
    lab07.refresh.check(answer)


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
        lab07.refresh.check(_variant(tmp_path, "7.2", *substitutions))


def test_the_drill_finds_nothing_wrong_with_the_reference(tmp_path):
    seen, loader, champion = cases.drill(_variant(tmp_path, "7.2"), call_learner)
    assert seen and lab07._drill_mistake(seen, loader, champion) is None


def test_the_drill_alone_sees_a_placeholder(tmp_path):
    placeholder = _variant(tmp_path, "7.2", ("    bundle = load(version_now)",
                                             "    champion.swap(None)\n    bundle = load(version_now)"))
    assert "a request got None while the alias moved" in lab07._drill_mistake(*cases.drill(placeholder, call_learner))


def test_the_drill_alone_sees_a_reload_on_every_poll(tmp_path):
    always = _variant(tmp_path, "7.2", (f"if {SAME}:", "if False:"))
    assert "but it loaded ['3', '3', '4'" in lab07._drill_mistake(*cases.drill(always, call_learner))
