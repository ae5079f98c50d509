"""Exercise 7.6's check, the week's action: act(...) on a real MLflow registry with a recording retrain.

Each case makes a new registry (_lab07_promotion.registry: SQLite in a temporary folder), a LoopState and a week's
verdict, and passes a retrain that records (as_of, why) and answers as continuous training would, with the gate
passed or not. What the learner's act did is read back from the registry's aliases and the state.
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from ..checks import Wrong, call_learner
from ._lab07_promotion import MODEL, aliases, registry

JUDGED_AT = "2025-12-08T00:00:00+05:30"
VERDICT = {"week": "2025-12-01", "judged_at": JUDGED_AT, "status": "RETRAIN",
           "reasons": [{"status": "WARN", "check": "drift", "sentence": "input drift in 2 of 7 columns."},
                       {"status": "RETRAIN", "check": "recall:new_scam",
                        "sentence": "recall on new_scam is 0/31 reported frauds of the last 28 days."}]}


class RecordingRetrain:
    """Continuous training as the loop passes it in: records each (as_of, why), answers with version 3."""

    def __init__(self, gate_passed: bool) -> None:
        self.gate_passed = gate_passed
        self.calls: list[tuple[Any, str]] = []

    def __call__(self, as_of: Any, why: str) -> dict[str, Any]:
        self.calls.append((as_of, why))
        return {"version": "3", "gate_passed": self.gate_passed, "why": "crafted"}


def _state(classes: Any, challenger: Any = None) -> Any:
    return classes.LoopState(challenger=challenger, changes=[classes.Change(pd.Timestamp("2025-09-01", tz="UTC"), "1")])


def _retrain_case(act: Any, classes: Any, gate_passed: bool) -> None:
    with registry(champion="1") as client:
        state, retrain = _state(classes), RecordingRetrain(gate_passed)
        out = call_learner(act, "act", client, MODEL, state, "retrain", copy.deepcopy(VERDICT), retrain)
        if len(retrain.calls) != 1:
            raise Wrong(f"on \"retrain\" act called retrain {len(retrain.calls)} times: once, as of the week's "
                        "judgement.")
        as_of, why = retrain.calls[0]
        if not isinstance(as_of, pd.Timestamp) or as_of != pd.Timestamp(JUDGED_AT):
            raise Wrong(f"act retrained as of {as_of!r}: train as of the moment the week was judged, "
                        "pd.Timestamp(verdict[\"judged_at\"]), never now (a replay runs months later) and never a "
                        "string.")
        if VERDICT["reasons"][1]["sentence"] not in str(why):
            raise Wrong(f"act said why {why!r}: quote the RETRAIN reason's sentence, so the training card says "
                        "what asked for it.")
        if not (isinstance(out, dict) and out.get("ct", {}).get("version") == "3"):
            raise Wrong(f"on \"retrain\" act returned {out!r}: return {{\"ct\": what retrain returned}}.")
        waiting = state.challenger
        if gate_passed and (waiting is None or str(waiting.version) != "3" or waiting.gate_passed is not True
                            or waiting.shadow is not None):
            raise Wrong(f"after a retrain whose gate passed, state.challenger is {waiting!r}: "
                        "Challenger(\"3\", gate_passed=True), waiting for its shadow week.")
        if not gate_passed and waiting is not None:
            raise Wrong(f"after a retrain whose gate failed, state.challenger is {waiting!r}: None, the champion "
                        "stays and nothing goes to shadow.")


def _settle_case(act: Any, classes: Any, action: str) -> None:
    with registry(champion="1", challenger="2") as client:
        state = _state(classes, classes.Challenger("2", gate_passed=True))
        retrain = RecordingRetrain(True)
        out = call_learner(act, "act", client, MODEL, state, action, copy.deepcopy(VERDICT), retrain)
        now = aliases(client)
        if retrain.calls:
            raise Wrong(f"on \"{action}\" act retrained: it settles the waiting challenger; run.py asks again "
                        "afterwards whether to retrain.")
        if out != {action: {"version": "2"}}:
            raise Wrong(f"on \"{action}\" act returned {out!r}: return {{\"{action}\": {{\"version\": \"2\"}}}}.")
        if state.challenger is not None:
            raise Wrong(f"after \"{action}\" state.challenger is still {state.challenger!r}: the challenger is "
                        "settled, set it to None.")
        if "challenger" in now:
            raise Wrong(f"after \"{action}\" the alias challenger still names {now['challenger']}: "
                        + ("promotion.promote removes it." if action == "promote" else
                           "delete it (client.delete_registered_model_alias), the version no longer waits."))
        if action == "promote":
            if now.get("champion") != "2" or now.get("previous_champion") != "1":
                raise Wrong(f"after \"promote\" the aliases are {now}: promote through your promotion.promote "
                            "(champion 2, previous_champion 1).")
            last = state.changes[-1] if len(state.changes) == 2 else None
            if last is None or str(last.version) != "2" or last.at != pd.Timestamp(JUDGED_AT):
                raise Wrong(f"after \"promote\" state.changes is {state.changes}: append Change(judged_at, "
                            "\"2\"), the moment the live model changed.")
        elif now.get("champion") != "1" or len(state.changes) != 1:
            raise Wrong(f"\"drop\" changed the champion or state.changes ({now}, {state.changes}): a dropped "
                        "challenger never goes live.")


def _idle_cases(act: Any, classes: Any) -> None:
    for action, challenger in (("page", "2"), ("shadow", "2"), ("none", None), ("promote", None), ("drop", None)):
        with registry(champion="1", **({"challenger": challenger} if challenger else {})) as client:
            waiting = classes.Challenger(challenger, gate_passed=True) if challenger else None
            state, retrain = _state(classes, waiting), RecordingRetrain(True)
            before = aliases(client)
            out = call_learner(act, "act", client, MODEL, state, action, copy.deepcopy(VERDICT), retrain)
            what = f"\"{action}\" with {'challenger ' + challenger if challenger else 'no challenger'}"
            if out != {} or retrain.calls or aliases(client) != before or state.challenger is not waiting:
                raise Wrong(f"on {what} act did something (returned {out!r}, retrained {len(retrain.calls)} times, "
                            f"aliases {before} -> {aliases(client)}): on any other action, or with nothing to "
                            "settle, change nothing and return {}.")


def judge(act: Any, classes: Any) -> str:
    _retrain_case(act, classes, gate_passed=True)
    _retrain_case(act, classes, gate_passed=False)
    _settle_case(act, classes, "promote")
    _settle_case(act, classes, "drop")
    _idle_cases(act, classes)
    return ("On real registries: a retrain as of the judgement with its reason (a challenger waits only if its gate "
            "passed), a promotion through your promote with the change recorded, a drop that removes the "
            "challenger alias, and page, shadow, none (or nothing to settle) changing nothing.")
