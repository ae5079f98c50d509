"""Lab 04's checks accept the right answers in their usual variants and name each typical mistake.

4.1 to 4.3 are files of the learner's project (upi_fraud.serving's threshold.py, request_schema.py, windows.py):
their tests give the checks the reference module, or a wrong variant of it, the reference file with one
substitution loaded as a module of its own. 4.5 and 4.6 read what the service answered (4.4, the service,
has its own file: test_exercises_lab04_service.py): their tests build those
answers by hand. No server, no network.
"""

from __future__ import annotations

import inspect
import re
from datetime import datetime
from enum import Enum, StrEnum
from typing import Annotated

import numpy as np
import pytest
import reference_project
from pydantic import BaseModel, ConfigDict, Field, constr, field_validator
from upi_fraud.serving import request_schema, threshold, windows

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab04

SCHEMA = "src/upi_fraud/serving/request_schema.py"
#: exercise id -> (the reference file, what its check is given, the exercise)
SOLUTIONS = {"4.1": ("src/upi_fraud/serving/threshold.py", threshold.calibrate, lab04.threshold),
             "4.2": (SCHEMA, request_schema.Payment, lab04.request_schema),
             "4.3": ("src/upi_fraud/serving/windows.py", windows.add_event, lab04.window_merge)}


def _solution_lines(ex_id):
    return [line.strip() for line in reference_project.block(SOLUTIONS[ex_id][0], ex_id).lines if line.strip()]


@pytest.mark.parametrize("ex_id", list(SOLUTIONS))
def test_what_the_check_is_given_holds_the_exercise_solution_block(ex_id):
    rel, answer, _ = SOLUTIONS[ex_id]
    block = reference_project.block(rel, ex_id)
    assert block.lines and "\n".join(block.lines) in inspect.getsource(answer)


@pytest.mark.parametrize("ex_id", list(SOLUTIONS))
def test_the_hints_come_in_steps_and_hold_less_than_half_the_solution(ex_id):
    exercise, lines = SOLUTIONS[ex_id][2], _solution_lines(ex_id)
    held = [line for line in lines if any(line in step for step in exercise.hints)]
    assert len(exercise.hints) >= 2
    assert len(held) < len(lines) / 2, held


def test_the_short_exercises_have_hints_in_steps():
    assert len(lab04.call_service.hints) >= 2 and len(lab04.openapi.hints) >= 2


# ---------------------------------------------------------------- 4.2


class Channel(StrEnum):
    intent, collect, qr = "intent", "collect", "qr"


class Os(StrEnum):
    android, ios = "android", "ios"


class EnumPayment(BaseModel):
    """Another right schema: Enums, constr, plain Field constraints and a validator for the zone."""

    model_config = ConfigDict(extra="forbid")
    txn_id: constr(strict=True, min_length=1, max_length=64)
    event_timestamp: Annotated[datetime, Field(json_schema_extra={"pattern": r"^20[1-9][0-9]-.*(Z|[+-]\d\d:\d\d)$"})]
    customer_id: constr(strict=True, min_length=1)
    payee_id: constr(strict=True, min_length=1)
    device_id: constr(strict=True, min_length=1)
    amount_inr: float = Field(strict=True, gt=0, le=10_000_000)
    channel: Channel
    payee_type: Enum("PayeeType", {"p2p": "p2p", "p2m": "p2m"}, type=str)
    merchant_category: Enum("Category", {c: c for c in ("p2p", "grocery", "food", "fashion", "electronics",
                                                        "recharge", "utilities", "travel", "gaming", "education",
                                                        "fuel", "health")}, type=str)
    device_os: Os | None
    app_version: str
    city_tier: int = Field(strict=True, ge=1, le=3)

    @field_validator("event_timestamp")
    @classmethod
    def aware_and_plausible(cls, value):
        if value.tzinfo is None:
            raise ValueError("needs a time zone")
        if value.year < 2015:
            raise ValueError("before UPI")
        return value


def test_the_reference_schema_passes(capsys):
    lab04.request_schema.check(request_schema.Payment)
    assert "crafted payments accepted" in capsys.readouterr().out


def test_a_schema_with_enums_constr_and_a_validator_passes(capsys):
    lab04.request_schema.check(EnumPayment)
    assert "crafted payments accepted" in capsys.readouterr().out


TIME_CHECK = ('@field_validator("event_timestamp")\n    @classmethod\n'
              "    def plausible_time(cls, value: datetime) -> datetime:\n"
              "        if not EARLIEST <= value < LATEST:")
WHOLE_PAYMENT_CHECK = ('@model_validator(mode="after")\n    def plausible_time(self):\n'
                       "        if not EARLIEST <= self.event_timestamp < LATEST:")


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("amount_inr: Annotated[float, Field(strict=True, ", "amount_inr: Annotated[float, Field(")],
         "accepted amount_inr = true: JSON true is a bool"),
        ([("device_os: DeviceOS | None", "device_os: DeviceOS")], "refused device_os = null: during the null-OS"),
        ([("le=MAX_AMOUNT_INR", "le=100_000")], "refused an amount of ₹6,60,000"),
        ([("le=MAX_AMOUNT_INR, ", "")], "accepted amount_inr = 20000000.0: no UPI payment reaches ₹1 crore"),
        ([('model_config = ConfigDict(extra="forbid")', "model_config = ConfigDict()")],
         "accepted an extra field 'note': a field the contract does not know means a wrong client"),
        ([("event_timestamp: IsoTime", "event_timestamp: datetime"),
          ("if not EARLIEST <= value < LATEST:", "if value.year < 2015:")],
         'accepted event_timestamp = "2025-09-01T10:15:00": a time without a zone'),
        ([("channel: Channel", "channel: str")], "accepted channel = \"upi\""),
        ([("ge=1, le=3", "ge=1, le=4")], "accepted city_tier = 4"),
        ([(TIME_CHECK, WHOLE_PAYMENT_CHECK), ("return value", "return self"), ("field_validator", "model_validator")],
         """refused event_timestamp = "1999-09-01T10:15:00+05:30" but the error names no field, not 'event_timestamp'"""),
        ([("from pydantic import", "from pydantic import AwareDatetime\nfrom pydantic import"),
          ("event_timestamp: IsoTime", "event_timestamp: AwareDatetime")],
         "the document says only 'date-time' for event_timestamp"),
        ([("from pydantic import", "from pydantic import AwareDatetime\nfrom pydantic import"),
          ("event_timestamp: IsoTime", "event_timestamp: Annotated[AwareDatetime, Field(json_schema_extra="
           "{'pattern': '^[0-9]{4}-.*'})]")],
         "the document's pattern for event_timestamp is wrong on 1999-01-01T10:15:00+05:30"),
    ],
    ids=["bool-amount", "null-os", "paise", "no-max", "extra", "naive-time", "channel", "tier", "no-field",
         "format-only", "loose-pattern"],
)
def test_each_schema_mistake_is_named(tmp_path, substitutions, message):
    payment = reference_project.variant(tmp_path, SCHEMA, *substitutions).Payment
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab04.request_schema.check(payment)


def test_a_model_strict_everywhere_refuses_the_text_timestamp_and_says_why(tmp_path):
    payment = reference_project.variant(tmp_path, SCHEMA, ('extra="forbid"', 'extra="forbid", strict=True')).Payment
    with pytest.raises(ExerciseIncorrect, match="refused a valid payment.*event_timestamp"):
        lab04.request_schema.check(payment)


def test_a_class_that_is_not_a_model_is_explained():
    with pytest.raises(ExerciseIncorrect, match="should be a pydantic model"):
        lab04.request_schema.check(dict)


def test_an_instance_instead_of_the_class_is_explained():
    with pytest.raises(ExerciseIncorrect, match="pass the class itself"):
        lab04.request_schema.check(request_schema.Payment(**lab04.VALID_PAYMENT))


def test_a_model_whose_validation_raises_not_implemented_is_not_done():
    class Stub(BaseModel):
        @classmethod
        def model_validate(cls, obj, **kwargs):
            raise NotImplementedError

    with pytest.raises(ExerciseNotDone, match="4.2"):
        lab04.request_schema.check(Stub)


def test_given_a_module_name_the_check_imports_the_module_afresh(tmp_path, capsys):
    """The notebook passes the module's name: the check imports (reloads) it, then checks its Payment."""
    (tmp_path / "request_schema.py").write_text(reference_project.text(SCHEMA))
    with reference_project.importable(tmp_path):
        lab04.request_schema.check("request_schema")
    assert "crafted payments accepted" in capsys.readouterr().out


def test_given_a_module_name_the_lab_stub_is_not_done(tmp_path):
    """The generated lab's class body raises at import, inside the check."""
    (tmp_path / "request_schema.py").write_text(reference_project.stubbed(SCHEMA))
    with reference_project.importable(tmp_path), pytest.raises(ExerciseNotDone, match="4.2"):
        lab04.request_schema.check("request_schema")


# ---------------------------------------------------------------- 4.1

VALID_SCORES = np.round(np.random.default_rng(0).beta(1.0, 20.0, 5000), 3)  # ties, as a model's scores have
calibrate = threshold.calibrate


def loop_calibrate(scores, budget_share):
    """Another right answer: a loop over the distinct scores, max + 1 when none fits."""
    scores = [float(s) for s in scores]
    for candidate in sorted(set(scores)):
        if sum(s >= candidate for s in scores) <= budget_share * len(scores) + 1e-9:
            return candidate
    return max(scores) + 1.0


def mean_calibrate(scores, budget_share):
    """Another right answer: the alert rate as a mean, compared with the budget share as it is."""
    s = np.asarray(scores, dtype=float)
    fits = [c for c in np.unique(s) if np.mean(s >= c) <= budget_share]
    return float(fits[0]) if fits else float(np.nextafter(s.max(), np.inf))


def test_the_reference_calibration_passes(capsys):
    lab04.threshold.check(calibrate, VALID_SCORES)
    assert "on the validation month" in capsys.readouterr().out


@pytest.mark.parametrize(("right", "budget_share"), [(loop_calibrate, 0.01), (mean_calibrate, 0.02)],
                         ids=["loop", "mean"])
def test_a_plain_loop_and_a_mean_pass(right, budget_share, capsys):
    lab04.threshold.check(right, VALID_SCORES, budget_share=budget_share)
    assert "on the validation month" in capsys.readouterr().out


def test_the_lab_stub_of_the_threshold_is_not_done(tmp_path):
    with pytest.raises(ExerciseNotDone, match="4.1"):
        lab04.threshold.check(reference_project.lab_stub(tmp_path, SOLUTIONS["4.1"][0]).calibrate, VALID_SCORES)


def one_step_too_high(scores, budget_share):
    s = np.unique(np.asarray(scores, dtype=float))
    t = loop_calibrate(scores, budget_share)
    higher = s[s > t]
    return float(higher[0]) if higher.size else t


def rounded_budget(scores, budget_share):
    s = np.sort(np.asarray(scores, dtype=float))[::-1]
    return float(s[round(budget_share * len(s)) - 1])


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda s, b: np.quantile(s, b), "you alert on 99% of the payments: np.quantile(scores, budget_share)"),
        (lambda s, b: np.quantile(s, 1 - b), "ties at the threshold: 500 alerts where the budget allows 5"),
        (lambda s, b: float(np.max(s)) + 1, "fewer than the budget allows: 0 alerts where 10 fit"),
        (one_step_too_high, "fewer than the budget allows: 9 alerts where 10 fit"),
        (rounded_budget, "ties at the threshold: 500 alerts"),
        (lambda s, b: float(np.sort(s)[-int(b * len(s)) - 1]), "over budget: 11 alerts where the budget allows "
         "10: the score equal to the threshold alerts too (score >= threshold, not >)"),
        (lambda s, b: "0.9", "calibrate returned str"),
        (lambda s, b: float("nan"), "returned NaN"),
        (lambda s, b: np.inf, "JSON has no infinity"),
        (lambda s, b: np.quantile(s, [1 - b, 0.5]), "calibrate returned ndarray"),
    ],
    ids=["bottom-quantile", "top-quantile", "max-plus-one", "one-step-high", "sorted-index", "greater-than", "text",
         "nan", "inf", "array"],
)
def test_each_threshold_mistake_is_named(wrong, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab04.threshold.check(wrong, VALID_SCORES)


def test_rounding_the_budget_up_is_over_budget():
    def rounds_up(scores, budget_share):
        n = len(scores)
        return calibrate(scores, round(budget_share * n) / n + 1e-12)

    message = "over budget: 2 alerts where the budget allows 1: 1% of 150 payments is 1.5, rounded down"
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab04.threshold.check(rounds_up, VALID_SCORES)


def test_right_on_crafted_scores_but_not_on_the_validation_month_is_caught():
    with pytest.raises(ExerciseIncorrect, match="On the validation month's scores, after every crafted case was right"):
        lab04.threshold.check(lambda s, b: calibrate(s, b) if len(s) < 2000 else 0.5, VALID_SCORES)


# ---------------------------------------------------------------- 4.3


add_event = windows.add_event


def numpy_merge(times, values, t, value, window_s):
    """Another right answer: numpy arrays in and out, a mask and a stable argsort."""
    ts = np.append(np.asarray([] if times is None else times, dtype=float), t)
    vs = np.append(np.asarray([] if values is None else values, dtype=object), np.array([value], dtype=object))
    keep = ts > t - window_s
    order = np.argsort(ts[keep], kind="stable")
    return ts[keep][order], vs[keep][order]


@pytest.mark.parametrize("right", [add_event, numpy_merge, lambda *args: tuple(tuple(x) for x in add_event(*args))],
                         ids=["reference", "numpy", "tuples-out"])
def test_the_reference_merge_a_numpy_variant_and_tuples_out_pass(right, capsys):
    lab04.window_merge.check(right)
    assert "crafted windows" in capsys.readouterr().out


def test_the_lab_stub_of_the_merge_is_not_done(tmp_path):
    with pytest.raises(ExerciseNotDone, match="4.3"):
        lab04.window_merge.check(reference_project.lab_stub(tmp_path, SOLUTIONS["4.3"][0]).add_event)


def pairs_of(times, values):
    return list(zip([] if times is None else times, [] if values is None else values, strict=True))


def closed_edge(times, values, t, value, window_s):
    pairs = sorted([p for p in pairs_of(times, values) if p[0] >= t - window_s] + [(t, value)])
    return [s for s, _ in pairs], [v for _, v in pairs]


def no_pruning(times, values, t, value, window_s):
    pairs = sorted(pairs_of(times, values) + [(t, value)], key=lambda p: p[0])
    return [s for s, _ in pairs], [v for _, v in pairs]


def keyed_by_time(times, values, t, value, window_s):
    kept = {s: v for s, v in pairs_of(times, values) if s > t - window_s} | {t: value}
    return sorted(kept), [kept[s] for s in sorted(kept)]


def sorted_apart(times, values, t, value, window_s):
    pairs = [p for p in pairs_of(times, values) if p[0] > t - window_s] + [(t, value)]
    return sorted(s for s, _ in pairs), sorted(v for _, v in pairs)


def unsorted(times, values, t, value, window_s):
    pairs = [p for p in pairs_of(times, values) if p[0] > t - window_s] + [(t, value)]
    return [s for s, _ in pairs], [v for _, v in pairs]


def in_place(add_event):
    def merge(times, values, t, value, window_s):
        new_times, new_values = add_event(times, values, t, value, window_s)
        if isinstance(times, list):
            times[:], values[:] = new_times, new_values
        return new_times, new_values
    return merge


def or_empty(add_event):
    return lambda times, values, *rest: add_event(times or [], values or [], *rest)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda _: closed_edge, "kept the event exactly 7 days old: windows are open at the far edge"),
        (lambda _: no_pruning, "did not prune"),
        (lambda _: keyed_by_time, "lost the twin payment at the same second"),
        (lambda _: sorted_apart, "values no longer match their times after sorting"),
        (lambda _: unsorted, "not oldest first"),
        (in_place, "changed the list you were given"),
        (or_empty, "test `times is None`"),
        (lambda f: lambda times, values, *rest: f(list(times), list(values), *rest), "times and values are None"),
        (lambda f: lambda *args: list(zip(*f(*args), strict=True)), "return two sequences"),
    ],
    ids=["closed-edge", "no-pruning", "twin", "values-apart", "unsorted", "mutates", "or-empty", "none", "pairs"],
)
def test_each_merge_mistake_is_named(make, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab04.window_merge.check(make(add_event))


# ---------------------------------------------------------------- 4.5


def served(**changes):
    answer = {"txn_id": "T000123", "score": 0.82, "alert": True, "decision": "review", "threshold": 0.41,
              "model_version": "3", "feature_set": "v2", "reasons": ["amount_inr"], "features": {"cust_txn_1h": 2.0},
              "features_fresh": True, "logged": False}
    return {**answer, **changes}


class Response:
    status_code = 200

    def json(self):
        return served()


def test_the_service_answer_passes_with_the_version_as_int_or_str(capsys):
    lab04.call_service.check(served(), 3)
    lab04.call_service.check(served(score=0.1, alert=False, decision="allow"), "3")
    assert "'review'" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Response(), "call .json() on the response"),
        ({"error": "payment.amount_inr: Input should be a valid number"},
         "the service refused the request: payment.amount_inr"),
        (served(model_version="2"), "scored by version 2, but the champion is version 3"),
        ({k: v for k, v in served().items() if k != "reasons"}, "the answer has no reasons"),
        (served(alert=False), "alert and decision do not follow score >= threshold"),
        (served(logged=True), "the service logged this try"),
        (None, "is still None"),
    ],
    ids=["response", "refused", "other-version", "missing-key", "edited", "logged", "none"],
)
def test_each_service_call_mistake_is_named(answer, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab04.call_service.check(answer, 3)


# ---------------------------------------------------------------- 4.6


def docs(required=("txn_id", "amount_inr", "device_os")):
    """The shape of the service's /docs.json, trimmed to what the check reads."""
    body = {"type": "object", "title": "Input", "required": ["payment"],
            "properties": {"payment": {"$ref": "#/components/schemas/Payment"},
                           "dry_run": {"default": False, "type": "boolean"}}}
    return {"openapi": "3.0.2",
            "paths": {"/score": {"post": {"requestBody": {"content": {"application/json": {"schema": body}}}}}},
            "components": {"schemas": {"Payment": {"type": "object", "required": list(required),
                                                   "properties": {name: {} for name in required}}}}}


def test_the_required_fields_pass_in_any_container_and_order():
    lab04.openapi.check(["txn_id", "amount_inr", "device_os"], docs())
    lab04.openapi.check({"device_os", "txn_id", "amount_inr"}, docs())
    lab04.openapi.check(("city_tier",), docs(required=["city_tier"]))  # read from the spec, not typed in


@pytest.mark.parametrize(
    ("required", "message"),
    [
        (["payment"], "that is what the body's wrapper requires ({\"payment\": ...}); follow the $ref"),
        (["txn_id", "amount_inr"], "it misses device_os"),
        (["txn_id", "amount_inr", "device_os", "dry_run"], "dry_run: not required"),
        ("txn_id", "but it is a str"),
    ],
    ids=["wrapper", "missing", "extra", "string"],
)
def test_each_contract_mistake_is_named(required, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab04.openapi.check(required, docs())


@pytest.mark.parametrize(("spec", "message"), [(Response(), "call .json"), ({"paths": {}}, "no POST /score")],
                         ids=["response", "other-document"])
def test_a_response_or_another_document_is_explained(spec, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab04.openapi.check(["payment"], spec)


def test_the_checks_amount_limit_is_the_contracts():
    from upi_fraud.serving import contract

    from mlops_course.exercises import _lab04_cases

    assert _lab04_cases.MAX_AMOUNT_INR == contract.MAX_AMOUNT_INR
