"""Checks for lab 07 (the closed loop).

7.1 is the loop's weekly decision (upi_fraud/loop/decision.py's decide_week): page, promote, drop, shadow, retrain or
nothing; 7.2, one poll of the service's alias watcher (upi_fraud/serving/swap.py's refresh): the hot swap. 7.3 judges a
challenger's shadow week (loop/shadow.py, _lab07_shadow.py), 7.4 and 7.5 promote and roll back through the registry's
aliases (loop/promotion.py) and 7.6 carries out the week's action (loop/actions.py), each on real temporary MLflow
registries (_lab07_promotion.py, _lab07_actions.py). Each check runs
the learner's code on crafted cases where the usual mistakes give another answer (an incident week that carries a
retrain trigger, a challenger not shadowed yet, a challenger waiting in a trigger week; a rollback,
versions '9' and '10', a version that fails to load, a swap before the load) and names the mistake, then on data
shaped like the lab's: a replay of September to December 2025, and polls while a thread reads the live bundle.
"""

from __future__ import annotations

import copy
from typing import Any

from ..checks import Wrong, call_learner, exercise
from . import _lab07_cases as cases
from .lab05 import _learner_function

ACTIONS = cases.ACTIONS

# ---------------------------------------------------------------- 7.1

_INCIDENT = {
    "retrain": ("an open incident: the week's data is broken; page, do not retrain or promote (CT would learn from "
                "the broken batch)"),
    "promote": ("it promotes during an incident: while an incident is open the week's data is broken and on-call is "
                "paged; page, do not retrain or promote (no model goes live until it is resolved)"),
}


def _action_mistake(out: Any) -> str | None:
    if isinstance(out, str) and out in ACTIONS:
        return None
    if out is None:
        return ("decide_week returned None: every path must return one of ACTIONS; a week with nothing to do "
                "returns 'none', the string")
    if not isinstance(out, str):
        return (f"decide_week returned {out!r} ({type(out).__name__}): return what the loop does, one of the "
                f"strings in ACTIONS ({', '.join(ACTIONS)}), not whether to act")
    return f"decide_week returned {out!r}, which is not one of ACTIONS: {', '.join(ACTIONS)}"


def _challenger_mistake(got: str, challenger: cases.Challenger) -> str:
    v, shadow = challenger.version, challenger.shadow
    guesses = [
        (got in ("retrain", "none"),
         f"challenger version {v} is waiting: decide about it first (shadow, promote or drop); "
         + ("retraining now would make another challenger beside it" if got != "none"
            else "doing nothing leaves it waiting forever")),
        (not challenger.gate_passed,
         f"challenger version {v} failed the gate (gate_passed is False): drop it; a model that lost to the "
         "champion on the holdout gets neither a shadow week nor promotion"),
        (shadow is None,
         f"challenger version {v} has not been shadowed yet (shadow is None): give it its shadow week first "
         "('shadow'); promote or drop only once its shadow week is over"),
        (shadow is not None and not shadow.ok,
         f"challenger version {v}'s shadow week went wrong (shadow.ok is False): drop it; promoting it would "
         "put a model live that failed beside the champion"),
        (True, f"challenger version {v} passed the gate and its shadow week went well: promote it"),
    ]
    return next(why for applies, why in guesses if applies)


def _decision_mistake(got: str, want: str, verdict: cases.Verdict, challenger: cases.Challenger | None) -> str:
    if want == "page":
        return _INCIDENT.get(got, f"it returns {got!r} in an INCIDENT week: an open incident pages on-call, "
                                  "whatever else the week holds (a trigger, a challenger)")
    if challenger is not None:
        return _challenger_mistake(got, challenger)
    if not verdict.retrain:
        return (f"retrain is False in this {verdict.status} week: nothing asks for a new model (a WARN finding "
                "goes on the dashboard); the loop does nothing, 'none'")
    return (f"retrain is True in this {verdict.status} week and no challenger waits: retrain (read verdict.retrain, "
            "not the status: the trigger may come with a WARN finding); the labels since the last run are news, "
            "and the gate and the shadow week stop a challenger that is no better")


def _decide_advice(err: Exception) -> str:
    if isinstance(err, AttributeError) and "NoneType" in str(err):
        return " (challenger is None when none waits, and its shadow is None until its shadow week is over)"
    return ""


@exercise(
    "7.1",
    "the loop's weekly decision",
    hint=(
        "Once a week is judged the loop does one thing, by precedence: an incident first (people are paged, the "
        "data is broken), then a challenger that waits (drop it, give it its shadow week, or promote it), then a "
        "retrain trigger, and otherwise nothing. The loop asks again once a challenger is promoted or dropped, so a "
        "trigger that still holds starts the next challenger the same Monday.",
        "Challenger and shadow may be None: test `is None` before you read their attributes. Read the trigger from "
        "verdict.retrain, not from the status.",
        "The traps: an INCIDENT week may carry retrain=True and still only pages; a challenger that failed the "
        "gate or its shadow week is dropped, one not shadowed yet is not promoted, whatever the trigger says; a "
        "WARN week may carry retrain=True; return the string 'none', not None.",
    ),
)
def decide_week(decide_week: Any) -> str:
    func = _learner_function(decide_week, "decide_week")
    crafted, weeks = cases.decide_cases(), cases.season()
    for what, verdict, challenger in crafted + weeks:
        given = copy.deepcopy((verdict, challenger))
        out = call_learner(func, "decide_week", verdict, challenger, advice=_decide_advice)
        if (verdict, challenger) != given:
            raise Wrong(f"it changed the verdict or the challenger it was given: decide_week only decides; the loop "
                        f"keeps the state. (On {what}.)")
        mistake = _action_mistake(out)
        if mistake:
            raise Wrong(f"{mistake}. (On {what}.)")
        want = cases.decide(verdict, challenger)
        if out != want:
            raise Wrong(f"{_decision_mistake(out, want, verdict, challenger)}. (On {what}: it returns {out!r}, the "
                        f"right action is {want!r}.)")
    return (f"Right on {len(crafted)} crafted weeks (an incident with a trigger, challengers at each stage with and "
            f"without a trigger, a WARN week that asks to retrain) and the {len(weeks)} decisions of September to "
            "December 2025.")


# ---------------------------------------------------------------- 7.2

_LOAD_FIRST = ("requests keep arriving while the model loads: keep the old bundle serving until the new one is "
               "ready, then swap once")


def _holder_mistake(champion: cases.RecordingChampion, loader: cases.Loader, old: cases.Bundle) -> str | None:
    if champion.writes:
        return (f"it assigned champion.{champion.writes[0]} itself: change the live bundle only through "
                "champion.swap(bundle), the holder's one way in (it takes the lock, so two swaps never cross)")
    seen = next((s for s in loader.seen if s is not old), old)
    if seen is not old:
        return f"while the new version loaded, the service held {seen!r} instead of version {old.version}: {_LOAD_FIRST}"
    return None


def _same_version_mistake(out: Any, champion: cases.RecordingChampion, loader: cases.Loader, live: str) -> str | None:
    guesses = [
        (bool(loader.calls), f"it loaded version {live}, which is already live: loading a model costs about a "
                             "second; the poll runs every few seconds: load only when the alias names another "
                             f"version (versions are strings, as the registry gives them: compared with a number, "
                             f"'{live}' == {live} is False in Python)"),
        (bool(champion.swaps), f"it swapped although version {live} is already live: swap only when the alias names "
                               "another version"),
        (out is not None, f"it returns {out!r} when nothing changed: return None"),
    ]
    return next((why for applies, why in guesses if applies), None)


def _missed_mistake(live: str, alias: str) -> str:
    if int(alias) < int(live):
        return (f"the alias names version {alias}, but version {live} stays live: a rollback moves the alias to an "
                "older version; follow the alias, whatever its number")
    if alias < live:
        return (f"the alias names version {alias}, but version {live} stays live: as text '{alias}' sorts before "
                f"'{live}'; do not compare numbers at all: follow the alias whenever it names another version")
    return f"the alias names version {alias}, but version {live} stays live: load it and swap it in"


def _swap_mistake(out: Any, champion: cases.RecordingChampion, loader: cases.Loader, live: str, alias: str) -> str:
    calls, swaps, old = loader.calls, champion.swaps, champion.swaps[0] if champion.swaps else None
    guesses = [
        (not calls and not swaps, lambda: _missed_mistake(live, alias)),
        (len(calls) > 1, lambda: f"it loaded {len(calls)} times for one change: load version {alias} once"),
        (bool(calls) and str(calls[0]) != alias, lambda: f"it loaded version {calls[0]!r}: load the version the "
                                                         f"alias names now, {alias!r}"),
        (not swaps, lambda: f"it loaded version {alias} but never swapped it in: champion.swap(bundle) puts it live"),
        (len(swaps) > 1, lambda: f"it swapped {len(swaps)} times for one change: swap once, the loaded bundle (a "
                                 "request between two swaps gets the wrong model)"),
        (not loader.loaded or old is not loader.loaded[0], lambda: f"it swapped in {old!r}, not the bundle load "
                                                                   "returned: swap the loaded bundle, whole"),
        (out is None, lambda: f"it returns None after swapping version {alias} in: return the version swapped in"),
        (isinstance(out, cases.Bundle), lambda: "it returns a bundle (swap() gives back the old one): return the "
                                                f"version swapped in, {alias!r}"),
        (not isinstance(out, str), lambda: f"it returns {out!r} ({type(out).__name__}): return the version as a "
                                           f"string, {alias!r}, as the registry gives it"),
        (True, lambda: f"it returns {out!r}: return the version swapped in, {alias!r}"),
    ]
    return next(why for applies, why in guesses if applies)()


def _broken_mistake(out: Any, raised: bool, champion: cases.RecordingChampion, old: cases.Bundle,
                    alias: str) -> str | None:
    if champion.get() is not old or champion.swaps:
        return (f"version {alias} failed to load and the service no longer serves version {old.version} as it was: a "
                "version that fails to load must leave the old bundle serving (swap only a bundle that loaded)")
    if not raised and out is not None:
        return (f"it returns {out!r}, but version {alias} failed to load and nothing was swapped in: let the "
                "error propagate, or return None")
    return None


def _poll(func: Any, champion: cases.Champion, alias: str, loader: cases.Loader, broken: bool) -> tuple[Any, bool]:
    """The learner's refresh, once: (what it returned, whether it raised, which only a broken version may)."""
    if not broken:
        return call_learner(func, "refresh", champion, alias, loader), False
    try:
        return func(champion, alias, loader), False
    except NotImplementedError:
        raise
    except Exception:  # the learner may let the loader's error propagate
        return None, True


def _refresh_case(func: Any, live: str, alias: str, broken: tuple[str, ...]) -> str | None:
    old = cases.Bundle(live)
    champion = cases.RecordingChampion(old)
    loader = cases.Loader(champion, broken)
    out, raised = _poll(func, champion, alias, loader, bool(broken))
    mistake = _holder_mistake(champion, loader, old)
    if mistake or broken:
        return mistake or _broken_mistake(out, raised, champion, old, alias)
    if live == alias:
        return _same_version_mistake(out, champion, loader, live)
    right = (len(champion.swaps) == len(loader.calls) == 1 and champion.get() is loader.loaded[0] and out == alias
             and isinstance(out, str))
    return None if right else _swap_mistake(out, champion, loader, live, alias)


def _drill_mistake(seen: list, loader: cases.Loader, champion: cases.Champion) -> str | None:
    served = {id(b) for b in loader.loaded}
    odd = [b for b in seen[1:] if b is not seen[0] and id(b) not in served][:1]
    changes = [v for k, v in enumerate(cases.POLLS) if k and v != cases.POLLS[k - 1]]
    guesses = [
        (bool(odd), f"a request got {odd[0] if odd else None!r} while the alias moved: {_LOAD_FIRST}"),
        ([str(c) for c in loader.calls] != changes, f"over {len(cases.POLLS)} polls the alias moved "
                                                    f"{len(changes)} times ({', '.join(changes)}), but it loaded "
                                                    f"{[str(c) for c in loader.calls]}: load once per change"),
        (champion.get().version != cases.POLLS[-1], f"after the polls the service serves version "
                                                    f"{champion.get().version}, not {cases.POLLS[-1]}"),
    ]
    return next((why for applies, why in guesses if applies), None)


@exercise(
    "7.2",
    "the hot swap",
    hint=(
        "One poll compares the version the alias names now with the version of the bundle being served. Same: "
        "nothing to do. Another one, newer or older: load that whole bundle while the old one keeps answering, "
        "then put it live in one step, and say which version went live.",
        "The holder has two methods: get() returns the live bundle (it has .version) and swap(bundle) replaces "
        "it under a lock. Versions are strings, as the registry gives them: compare them as strings, never as "
        "numbers or by order.",
        "The traps: a rollback moves the alias to an older version, and '10' < '9' as text, so compare for "
        "equality only; nothing may be swapped in before the load finished (no None, no placeholder), and a "
        "version that fails to load leaves the old bundle serving; load and swap once per change.",
    ),
)
def refresh(refresh: Any) -> str:
    func = _learner_function(refresh, "refresh")
    for what, live, alias, broken in cases.REFRESH_CASES:
        mistake = _refresh_case(func, live, alias, broken)
        if mistake:
            raise Wrong(f"{mistake}. (On {what}.)")
    seen, loader, champion = cases.drill(func, call_learner)
    mistake = _drill_mistake(seen, loader, champion)
    if mistake:
        raise Wrong(f"{mistake}. (On {len(cases.POLLS)} polls while a thread read the live bundle as requests do.)")
    return (f"Right on {len(cases.REFRESH_CASES)} crafted polls (the same version, newer, '9' to '10', rollbacks, a "
            f"version that fails to load; old bundle serving during each load, one swap) and {len(cases.POLLS)} "
            "polls while another thread kept reading the live bundle, which never saw anything but a whole bundle.")


# ---------------------------------------------------------------- 7.3 to 7.6: shadow, promotion, rollback, the action


@exercise(
    "7.3",
    "the shadow week's judgement",
    hint=(
        "The shadow week asks what a labelled holdout cannot: on this week's live payments, did the challenger score "
        "every one, and would its alerts fit the team's capacity? Both models' decisions are frames indexed by "
        "payment; compare them payment by payment, not row by row.",
        "champ = champion[\"alert\"].reindex(shadow.index) aligns the champion on the shadow's payments. ok: every "
        "payment of the champion is in the shadow (champion.index.isin(shadow.index).all()) and the shadow's alert "
        "rate is at most allowed_alert_rate.",
        "Known frauds: is_fraud and label_available_at < end, on payments.loc[shadow.index]. Caught: known & "
        "metrics.reviewed(event_timestamp, alert), for each model. Round every rate to 4 decimals.",
    ),
)
def shadow(module: Any) -> str:
    from upi_fraud.loop.state import Shadow

    from . import _lab07_shadow

    return _lab07_shadow.judge(_learner_function(module, "judge"), Shadow)


def _promotion_module(module: Any) -> tuple[Any, type]:
    """The learner's promotion module (a name is imported afresh) and its PromotionRefused."""
    from ._learner import learner_module

    mod = learner_module(module) if isinstance(module, str) else module
    refused = getattr(mod, "PromotionRefused", None)
    if not isinstance(refused, type):
        raise Wrong("promotion.py has no PromotionRefused: keep the given class above promote.")
    return mod, refused


@exercise(
    "7.4",
    "promotion through the registry",
    hint=(
        "The registry decides what is live: the alias champion names the served version, challenger the one that "
        "passed the gate. client.get_model_version_by_alias(name, alias) reads one (alias_version wraps it: None "
        "when unset), client.set_registered_model_alias(name, alias, version) moves one, "
        "client.delete_registered_model_alias(name, alias) removes one.",
        "Refuse (PromotionRefused) unless alias_version(client, model_name, CHALLENGER) == version. Then keep the "
        "current champion under PREVIOUS before anything else moves, move CHAMPION, delete CHALLENGER.",
        "Finally client.set_model_version_tag(model_name, version, \"promoted_at\", at) and the same for "
        "\"promoted_because\" with reason; return the replaced version (None when there was no champion).",
    ),
)
def promote(module: Any) -> str:
    from . import _lab07_promotion

    mod, refused = _promotion_module(module)
    return _lab07_promotion.judge_promote(getattr(mod, "promote", None), refused)


@exercise(
    "7.5",
    "rollback through the registry",
    hint=(
        "A rollback is one alias move: the champion goes back to the version PREVIOUS names. No deploy, no "
        "restart: the service follows the alias (your 7.2).",
        "Read PREVIOUS with alias_version; refuse (PromotionRefused) when it is None. Move CHAMPION to it, then "
        "delete PREVIOUS, so a second rollback refuses instead of flipping back to the version you just left.",
        "Tag the version you rolled back: rolled_back_at and rolled_back_because. Return the version served now.",
    ),
)
def rollback(module: Any) -> str:
    from . import _lab07_promotion

    mod, refused = _promotion_module(module)
    return _lab07_promotion.judge_rollback(getattr(mod, "rollback", None), refused)


@exercise(
    "7.6",
    "the week's action",
    hint=(
        "decide_week (7.1) says what to do; act does it. \"retrain\" calls retrain(as_of, why) and a challenger "
        "that passed the gate waits in state.challenger; \"promote\" and \"drop\" settle the waiting challenger; "
        "everything else changes nothing and returns {}.",
        "judged_at = pd.Timestamp(verdict[\"judged_at\"]): train as of it, with the RETRAIN reason's sentence in "
        "why; state.challenger = Challenger(made[\"version\"], gate_passed=True) if made[\"gate_passed\"] else None; "
        "return {\"ct\": made}.",
        "On \"promote\": promotion.promote(client, model_name, version, reason=promotion_reason(pending), "
        "at=judged_at.isoformat()) (your 7.4) and state.changes.append(Change(judged_at, version)); on \"drop\": delete the "
        "challenger alias. Then state.challenger = None; return {action: {\"version\": version}}.",
    ),
)
def act(module: Any) -> str:
    from upi_fraud.loop import state

    from . import _lab07_actions

    return _lab07_actions.judge(_learner_function(module, "act"), state)
