"""Checks for lab 04 (serving the model with BentoML), in the order a learner meets them.

4.1 to 4.3 are pieces of the project the service runs: the alert threshold, the request schema and the
write-back of fresh features. Each check runs the learner's code on crafted inputs where the usual mistakes
give another answer (ties at the threshold, a bool amount, a null OS, the event exactly one window old, a twin
at the same second) and names the mistake. 4.4 is the BentoML service itself: its declaration, and its endpoints
run on crafted payments with a recorder in place of the runtime (_lab04_service.py). 4.5 and 4.6 read what the
running service answered. 4.7 is the batch client, run against a crafted service (_lab04_client.py).
"""

from __future__ import annotations

import copy
import importlib
import json
import math
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError
from upi_kit import story

from ..checks import Wrong, call_learner, exercise, require_type
from ._lab04_cases import MUST_ACCEPT, MUST_REFUSE, VALID_PAYMENT
from ._lab04_client import batch_client as batch_client  # 4.7, the batch client: ex.batch_client.check(...)
from ._lab04_service_check import SCORE_KEYS
from ._lab04_service_check import service as service  # 4.4, the BentoML service: ex.service.check(...)


def _validate(model: Any, changes: dict) -> Any:
    """Validate VALID_PAYMENT with `changes` as BentoML does (parsed JSON); None when accepted, else the error."""
    payload = {**copy.deepcopy(VALID_PAYMENT), **changes}
    try:
        model.model_validate(payload)
    except ValidationError as err:
        return err
    except NotImplementedError:
        raise
    except Exception as err:  # a validator of the learner's that crashed instead of raising ValueError
        raise Wrong(f"validating {changes or 'a valid payment'} raised {type(err).__name__}: {err}; a validator "
                    "should raise ValueError, which pydantic turns into a 400 naming the field.") from None


@exercise(
    "4.2",
    "the request schema",
    hint=(
        "The schema is a contract: it lists every field the payment switch may send, its type, its range and "
        "its known categories, and refuses anything else with a 400 that names the field. Be strict where a "
        "sloppy client could slip through (a bool or a text amount, an unknown category, a time without a "
        "zone), and lenient where real traffic is odd but must be answered: a null OS, a huge amount.",
        "In pydantic: `ConfigDict(extra=\"forbid\")` for unknown fields, `Literal[...]` (or an Enum) for "
        "categories, `Annotated[float, Field(strict=True, gt=0, le=...)]` for the amount, `contract.IsoTime` "
        "for the time (an aware datetime, its rule stated in the document; a `@field_validator` for its range), `StringConstraints(pattern=...)` for ids and "
        "versions, `X | None` for a field that may be null.",
        "The traps: `bool` is a subclass of `int` in Python, so without strict=True a JSON true becomes ₹1; "
        "and the two incident weeks (device_os null, amounts in paise up to ₹66 lakh) must still be scored: "
        "the service answers, monitoring catches the drift.",
    ),
)
def request_schema(payment_model: Any) -> str:
    if isinstance(payment_model, str):  # a module name: import it here, so its stub reports "not done yet"
        module = importlib.import_module(payment_model)
        payment_model = getattr(importlib.reload(module), "Payment", None)
    if isinstance(payment_model, BaseModel):
        raise Wrong("you passed one payment (an instance); pass the class itself: `Payment`, no parentheses.")
    if not (isinstance(payment_model, type) and issubclass(payment_model, BaseModel)):
        raise Wrong(f"`Payment` should be a pydantic model (a class deriving from BaseModel), not "
                    f"{type(payment_model).__name__}.")
    for what, changes, why in MUST_ACCEPT:
        err = _validate(payment_model, changes)
        if err is not None:
            first = err.errors()[0]
            raise Wrong(f"it refused {what}: {why} (pydantic says {'.'.join(map(str, first['loc']))}: "
                        f"{first['msg']}).")
    for changes, why in MUST_REFUSE:
        ((field, value),) = changes.items()
        what = f"{field} = {json.dumps(value)}" if field in VALID_PAYMENT else f"an extra field '{field}'"
        err = _validate(payment_model, changes)
        if err is None:
            raise Wrong(f"it accepted {what}: {why}.")
        named = [str(e["loc"][0]) for e in err.errors() if e["loc"]]
        if field not in named:
            names = ", ".join(f"'{n}'" for n in dict.fromkeys(named)) or "no field"
            raise Wrong(f"it refused {what} but the error names {names}, not '{field}': the 400 must say which "
                        "field is wrong (check a field in its own type or field_validator, not a model_validator).")
    _documented_time(payment_model)
    return (f"{len(MUST_ACCEPT)} crafted payments accepted (the null-OS and paise weeks included) and "
            f"{len(MUST_REFUSE)} refused, each error naming its field; the time's rule is in the document.")


def _documented_time(payment_model: Any) -> None:
    """The schema's document states the time's rule as a pattern: what the service's OpenAPI page tells clients."""
    import re

    node = payment_model.model_json_schema().get("properties", {}).get("event_timestamp", {})
    pattern = node.get("pattern")
    if not pattern:
        raise Wrong("the document says only 'date-time' for event_timestamp, which allows any year and no zone "
                    "rule: type it with contract.IsoTime, so the OpenAPI page states what the service accepts "
                    "(schemathesis then writes valid times instead of being refused).")
    times = [c.get("event_timestamp", VALID_PAYMENT["event_timestamp"]) for _, c, _ in MUST_ACCEPT]
    wrong = [t for t in times if not re.search(pattern, t)] + [
        t for t in ("1999-01-01T10:15:00+05:30", "2025-09-01T10:15:00") if re.search(pattern, t)]
    if wrong:
        raise Wrong(f"the document's pattern for event_timestamp is wrong on {wrong[0]}: it should state exactly "
                    "what the schema accepts; contract.IsoTime does.")


# ---------------------------------------------------------------- 4.1

def _threshold_cases() -> list[tuple[str, Any, float]]:
    rng = np.random.default_rng(4)
    return [
        ("1,000 distinct scores, budget 1%", rng.permutation((np.arange(1000) + 0.5) / 1000), 0.01),
        ("500 equal scores, budget 1%", np.full(500, 0.3), 0.01),
        ("95 scores of 0.1 and 5 of 0.9, budget 1%", rng.permutation(np.repeat([0.1, 0.9], [95, 5])), 0.01),
        ("150 distinct scores, budget 1% (1.5 payments)", rng.permutation(np.linspace(0.01, 0.99, 150)), 0.01),
        ("400 scores rounded to 2 decimals, budget 5%", np.round(rng.beta(1.2, 6.0, 400), 2), 0.05),
        ("300 scores as a Python list, budget 1%", list(np.round(rng.uniform(0, 1, 300), 3)), 0.01),
        ("250 scores as a pandas Series indexed from 1000, budget 2%",
         pd.Series(rng.uniform(0, 1, 250), index=np.arange(1000, 1250)), 0.02),
    ]


def _allowed(n: int, budget: float) -> int:
    return int(math.floor(budget * n + 1e-9))


def _right_count(scores: np.ndarray, budget: float) -> int:
    """Alerts at the lowest threshold that fits the budget (0 when every distinct score is too many)."""
    counts = len(scores) - np.searchsorted(np.sort(scores), np.unique(scores), side="left")
    fitting = counts[counts <= _allowed(len(scores), budget)]
    return int(fitting.max()) if fitting.size else 0


def _as_threshold(t: Any) -> float:
    t = t.item() if isinstance(t, np.ndarray) and t.size == 1 else t
    if isinstance(t, bool | np.bool_) or not isinstance(t, int | float | np.integer | np.floating):
        raise Wrong(f"calibrate returned {type(t).__name__}; return one number, the threshold (a float).")
    t = float(t)
    if math.isnan(t):
        raise Wrong("calibrate returned NaN: no score is >= NaN, so nothing would ever alert.")
    if math.isinf(t):
        raise Wrong("calibrate returned an infinite threshold: the service returns the threshold in its JSON "
                    "answer, and JSON has no infinity; above the top score, use a number just above it.")
    return t


def _judge(t: float, scores: np.ndarray, budget: float, what: str) -> None:
    n, allowed, right = len(scores), _allowed(len(scores), budget), _right_count(scores, budget)
    got = int((scores >= t).sum())
    if got == right:
        return
    on = f" (On {what}: threshold {t:.6g}.)"
    if got < right:
        raise Wrong(f"you alert on fewer than the budget allows: {got} alerts where {right} fit: return the "
                    f"lowest threshold that fits, or reviewers paid for {allowed} reviews sit idle.{on}")
    tied = int((scores == t).sum())
    if tied > 1 and (scores > t).sum() <= allowed:
        raise Wrong(f"ties at the threshold: {got} alerts where the budget allows {allowed}: every score equal to "
                    "the threshold alerts (score >= threshold), and a quantile or a sorted index ignores ties; "
                    f"step above the tied scores.{on}")
    if got > n / 2:
        raise Wrong(f"you alert on {got / n:.0%} of the payments: np.quantile(scores, budget_share) is the bottom "
                    "of the scores; the threshold sits near the top, where at most budget_share of the scores are "
                    f"at or above it.{on}")
    why = []
    if not float(budget * n).is_integer():
        why.append(f"{budget:.0%} of {n} payments is {budget * n:g}, rounded down: half a review does not exist")
    if tied:
        why.append("the score equal to the threshold alerts too (score >= threshold, not >)")
    raise Wrong(f"over budget: {got} alerts where the budget allows {allowed}{': ' * bool(why)}{'; '.join(why)}.{on}")


@exercise(
    "4.1",
    "calibrate the alert threshold",
    hint=(
        "The review team's daily budget is a rate: at most budget_share of the payments may alert. The service "
        "alerts when score >= threshold, so look for the lowest threshold whose alert rate, mean(scores >= t), "
        "is still within the budget. Scores can tie, and every tied score alerts together.",
        "Try each distinct score as a candidate (`np.unique` gives them in ascending order) and count the "
        "scores at or above it (a sorted array and `np.searchsorted(..., side='left')`, or a plain loop); keep "
        "the first that fits. When none fits, return a number just above the top score (`np.nextafter`).",
        "The trap: `np.quantile(scores, 1 - budget_share)` interpolates between scores and ignores ties, so it "
        "can let 5 tied scores alert where the budget allows 1.",
    ),
)
def threshold(calibrate: Any, valid_scores: Any, budget_share: float = story.ALERT_TARGET_SHARE) -> str:
    for what, scores, budget in _threshold_cases():
        t = _as_threshold(call_learner(calibrate, "calibrate", copy.copy(scores), budget))
        _judge(t, np.asarray(scores, dtype=float), budget, what)
    scores = np.asarray(valid_scores, dtype=float)
    t = _as_threshold(call_learner(calibrate, "calibrate", scores.copy(), budget_share))
    _judge(t, scores, budget_share, "the validation month's scores, after every crafted case was right")
    got = int((scores >= t).sum())
    return (f"Right on every crafted case; on the validation month {got:,} of {len(scores):,} payments alert "
            f"({got / len(scores):.2%}, budget {budget_share:.0%}) at threshold {t:.4f}.")


# ---------------------------------------------------------------- 4.3

T, WEEK, DAY = 1_756_700_000.0, 7 * 86_400.0, 86_400.0  # T: an instant of September 2025, in seconds


def _window_cases() -> list[tuple[str, Any, Any, float, Any, float]]:
    return [  # (what, stored times, stored values, t, value, window_s)
        ("a new customer (times and values are None)", None, None, T, 250.0, WEEK),
        ("a stored event 30 days old", [T - 30 * DAY, T - 3600], [100.0, 200.0], T, 50.0, WEEK),
        ("an event exactly 7 days old and one a second younger", [T - WEEK, T - WEEK + 1, T - 60],
         [10.0, 20.0, 30.0], T, 40.0, WEEK),
        ("a stored payment at the same second (a twin)", [T - 60, T], [5.0, 7.0], T, 9.0, WEEK),
        ("stored events out of order", [T - 100, T - 5000, T - 10], [1.0, 2.0, 3.0], T, 4.0, WEEK),
        ("a payee's payers (strings) over 24 hours", [T - DAY - 5, T - DAY, T - 7200], ["C1", "C2", "C3"], T,
         "C4", DAY),
        ("stored lists given as tuples", (T - WEEK - 1, T - 10), (1.0, 2.0), T, 3.0, WEEK),
        ("stored lists given as numpy arrays", np.array([T - WEEK - 1, T - 10]), np.array([1.0, 2.0]), T, 3.0, WEEK),
    ]


def _expected(times: Any, values: Any, t: float, value: Any, window_s: float) -> list[tuple[float, Any]]:
    stored = [] if times is None else [(float(s), type(value)(v)) for s, v in zip(times, values, strict=True)]
    return sorted([p for p in stored if p[0] > t - window_s] + [(t, value)], key=lambda p: p[0])


_MERGE_ADVICE = {  # a known crash's text -> what to add to its message
    "NoneType": " (a new entity has no stored lists: times and values are None)",
    "truth value of an array": " (with numpy arrays, `times or []` is ambiguous: test `times is None`)",
    "'tuple' object has no attribute": " (the store may hand back tuples or arrays: build a new list, list(times))",
}


def _merge_advice(err: Exception) -> str:
    return next((advice for text, advice in _MERGE_ADVICE.items() if text in str(err)), "")


def _pairs(out: Any, as_value: type) -> list[tuple[float, Any]]:
    if not isinstance(out, tuple | list) or len(out) != 2:
        raise Wrong(f"add_event returned {type(out).__name__}: return two sequences, `return times, values`.")
    try:
        times, values = [float(s) for s in out[0]], [as_value(v) for v in out[1]]
    except (TypeError, ValueError):
        raise Wrong("add_event should return (times, values): times in seconds, values as given.") from None
    if len(times) != len(values):
        raise Wrong(f"it returns {len(times)} times but {len(values)} values: one value per time.")
    return list(zip(times, values, strict=True))


def _window_mistake(got: list, want: list, case: tuple) -> str:
    t, window_s = case[3], case[5]
    edge, got_t, want_t = t - window_s, [s for s, _ in got], [s for s, _ in want]
    if any(s == edge for s in got_t):
        return (f"it kept the event exactly {'7 days' if window_s == WEEK else '24 hours'} old: windows are open "
                "at the far edge (keep time > t - window_s)")
    if any(s < edge for s in got_t):
        return "it did not prune: events older than the window stay, so the lists would grow forever"
    if got_t.count(t) < want_t.count(t):
        return ("it lost the twin payment at the same second: a stored event at t is still in the window; keep "
                "it and add the new one (two entries)" if want_t.count(t) > 1 else "it did not add the new event")
    if sorted(got_t) == sorted(want_t):
        return ("the times are not oldest first: sort by time" if got_t != sorted(got_t) else
                "the values no longer match their times after sorting: sort the (time, value) pairs together")
    return "it dropped an event still inside the window: keep every stored event with time > t - window_s"


def _merge_one(add_event: Any, case: tuple) -> None:
    what, times, values, t, value, window_s = case
    snapshot = copy.deepcopy((times, values))
    out = call_learner(add_event, "add_event", times, values, t, value, window_s, advice=_merge_advice)
    if not all(np.array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object))
               for a, b in zip((times, values), snapshot, strict=True) if a is not None):
        raise Wrong("it changed the list you were given: Feast hands back its own lists; build new ones "
                    f"(copy first). (On {what}.)")
    got, want = _pairs(out, type(value)), _expected(times, values, t, value, window_s)
    got_t = [s for s, _ in got]
    if got_t == sorted(got_t) and sorted(got, key=repr) == sorted(want, key=repr):
        return
    shown = [[("t" if s == t else f"t - {t - s:,.0f} s", v) for s, v in pairs] for pairs in (got, want)]
    raise Wrong(f"{_window_mistake(got, want, case)}. (On {what}: it returns {shown[0]}; the answer is {shown[1]}.)")


@exercise(
    "4.3",
    "merge an event into a stored window",
    hint=(
        "Writing to the online store is read-modify-write: you get the stored lists (or None for a new "
        "entity), add the new event, and keep only what can still fall inside a later window: an event whose "
        "time is more than t - window_s. Keep each value with its own time, oldest first.",
        "Pair times and values with `zip`, filter the pairs with a comprehension on the time, append the new "
        "pair, sort by the time (`key=lambda pair: pair[0]`), and unzip into two new lists.",
        "The traps: the far edge is open (an event exactly window_s old is out), a payment at the same second "
        "as the new one stays (two entries), and a new entity's lists are None.",
    ),
)
def window_merge(add_event: Any) -> str:
    for case in (cases := _window_cases()):
        _merge_one(add_event, case)
    return (f"Right on {len(cases)} crafted windows: the far edge, twins, order, strings, tuples and arrays; "
            "the store's lists stay bounded and in time order.")


# ---------------------------------------------------------------- 4.5 and 4.6



@exercise(
    "4.5",
    "call the service",
    hint=(
        "The service is a web API: POST the payment to /score as JSON, wrapped as the endpoint's input "
        "({\"payment\": {...}}), and keep what it answers, parsed from JSON into a dict.",
        "`requests.post(url, json=body, timeout=...)` sends the body; the response's `.json()` is the dict. The "
        "body is {\"payment\": first_payment, \"dry_run\": True}: a try must not write (the answer says logged: false).",
    ),
)
def call_service(answer: Any, champion_version: Any) -> str:
    if hasattr(answer, "json") and hasattr(answer, "status_code"):
        raise Wrong(f"that is the HTTP response (status {answer.status_code}), not what it says: call .json() on "
                    "the response.")
    require_type(answer, dict, "`answer`")
    if "error" in answer or "detail" in answer:
        raise Wrong(f"the service refused the request: {answer.get('error', answer.get('detail'))}: send the body "
                    "as {\"payment\": {...}}, with every field of the payment.")
    missing = [k for k in SCORE_KEYS if k not in answer]
    if missing:
        raise Wrong(f"the answer has no {', '.join(missing)}: is it the service's answer to POST /score?")
    if answer.get("logged") is not False:
        raise Wrong("the service logged this try (logged is not false): add \"dry_run\": true to the body, beside "
                    "\"payment\", so a try neither moves the online store nor adds a row to the log.")
    if str(answer["model_version"]) != str(champion_version):
        raise Wrong(f"it was scored by version {answer['model_version']}, but the champion is version "
                    f"{champion_version}: the service loads the champion when it starts; restart it.")
    if not all(isinstance(answer[k], int | float) and not isinstance(answer[k], bool) for k in ("score", "threshold")):
        raise Wrong("score and threshold should be numbers: pass the service's answer unchanged.")
    alert = bool(answer["score"] >= answer["threshold"])
    if bool(answer["alert"]) != alert or answer["decision"] != ("review" if alert else "allow"):
        raise Wrong("alert and decision do not follow score >= threshold: pass the service's answer unchanged.")
    return (f"Version {answer['model_version']} scored {answer['txn_id']}: {answer['score']:.3f} against the "
            f"threshold {answer['threshold']:.3f}, so '{answer['decision']}'.")


def _payment_schema(spec: Any) -> dict:
    if hasattr(spec, "json") and hasattr(spec, "status_code"):
        raise Wrong("`spec` is the HTTP response: call .json() on it.")
    require_type(spec, dict, "`spec`")
    try:
        body = spec["paths"]["/score"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        node = body["properties"]["payment"]
        while "$ref" in node:
            ref, node = node["$ref"], spec
            for part in ref.removeprefix("#/").split("/"):
                node = node[part]
        return node
    except (KeyError, TypeError):
        raise Wrong("`spec` has no POST /score taking a payment: pass the service's /docs.json, parsed.") from None


@exercise(
    "4.6",
    "read the API's contract",
    hint=(
        "The OpenAPI document describes every endpoint: under paths, /score's post says what its request body "
        "holds. The payment itself is described once, among the components, and the body points to it.",
        "Follow the body's schema to its property 'payment': its '$ref' (\"#/components/schemas/...\") names "
        "where the payment's schema lives, and that schema's 'required' lists the fields.",
    ),
)
def openapi(required: Any, spec: Any) -> str:
    want = set(_payment_schema(spec).get("required", []))
    require_type(required, (list, tuple, set, frozenset), "`required`")
    got = {str(name) for name in required}
    if got == {"payment"}:
        raise Wrong("that is what the body's wrapper requires ({\"payment\": ...}); follow the $ref to the "
                    "Payment schema and read its own 'required'.")
    if want - got:
        raise Wrong(f"it misses {', '.join(sorted(want - got))}: read the names from the Payment schema's 'required'.")
    if got - want:
        raise Wrong(f"{', '.join(sorted(got - want))}: not required; read the names from the Payment schema's "
                    "'required' (a property that is not in it may be left out).")
    return f"{len(want)} required fields, read from the contract itself: any client can learn them from /docs.json."
