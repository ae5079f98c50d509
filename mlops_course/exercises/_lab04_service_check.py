"""Exercise 4.4's check, the BentoML service: its declaration, and its endpoints run on crafted payments.

_declared reads what @bentoml.service and @bentoml.api made of the learner's class (one worker, the runtime as
base, bodies validated by the Payment schema with a strict dry_run and bounded batches); _run_request calls an
endpoint on an instance built without __init__, with a Recorder (_lab04_service.py) in place of the runtime's
steps; _judge_request names the first thing that differs from what the service must do.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

import pandas as pd
from pydantic import ValidationError

from ..checks import Wrong, call_learner, exercise, require_type
from ._lab04_cases import VALID_PAYMENT
from ._lab04_service import payments

#: What scoring.decide answers for a payment, with the txn_id the service adds (4.5 checks a live answer has them).
SCORE_KEYS = ("txn_id", "score", "alert", "decision", "threshold", "model_version", "feature_set", "reasons", "features")


def _declared(svc: Any) -> None:
    """The class's BentoML declaration: a Service of one worker, on the runtime, with both scoring endpoints."""
    if isinstance(svc, type) or not hasattr(svc, "apis") or not hasattr(svc, "inner"):
        raise Wrong("FraudService is a plain class: decorate it with @bentoml.service(...), which makes it a "
                    "service BentoML can serve.")
    config = dict(getattr(svc, "config", {}) or {})
    if svc.name != "upi_fraud":
        raise Wrong(f"the service is named {svc.name!r}: name it 'upi_fraud' (bentofile.yaml, the Bento's tag and "
                    "the metrics all use that name).")
    workers = config.get("workers", 1)
    if workers != 1:
        raise Wrong(f"workers={workers}: each worker is a process with its own write-behind queue, so two payments "
                    "of one customer could be written back by two queues, out of order; keep workers=1.")
    if not (config.get("traffic") or {}).get("timeout"):
        raise Wrong("no request timeout: the payment switch waits for every answer, so bound it with "
                    "traffic={\"timeout\": 30}.")
    if ((config.get("logging") or {}).get("access") or {}).get("enabled", True):
        raise Wrong("the access log is on: pass **OPERATIONS (runtime.py) to @bentoml.service; every decision is "
                    "in the inference log already.")
    runtime = importlib.import_module("upi_fraud.serving.runtime")
    if not (isinstance(svc.inner, type) and issubclass(svc.inner, runtime.ServiceRuntime)):
        raise Wrong("FraudService does not derive from ServiceRuntime: `class FraudService(ServiceRuntime):` gives "
                    "it the champion, the store, the write-behind and the /features, /flush and /reload endpoints.")
    missing = [name for name in ("score", "score_batch") if name not in svc.apis]
    if missing:
        raise Wrong(f"no {' and no '.join('/' + m for m in missing)} endpoint: define it as a method decorated "
                    "with @bentoml.api.")
    _validated(svc.apis["score"].input_spec, "score", "payment", VALID_PAYMENT)
    _validated(svc.apis["score_batch"].input_spec, "score_batch", "payments", [VALID_PAYMENT])


def _validated(spec: Any, api: str, wrapper: str, one: Any) -> None:
    """An endpoint's body is validated as the contract says: the wrapper's name, the Payment schema, a strict
    dry_run that defaults to False, and (for the batch) 1 to MAX_BATCH payments."""
    from ._lab04_service import MAX_BATCH

    fields = set(getattr(spec, "model_fields", {}))
    if fields != {wrapper, "dry_run"}:
        raise Wrong(f"/{api} takes {', '.join(sorted(fields)) or 'nothing'}: it takes `{wrapper}` and `dry_run`, "
                    f"the names clients send ({{\"{wrapper}\": ..., \"dry_run\": true}}).")
    try:
        parsed = spec.model_validate({wrapper: one})
    except ValidationError as err:
        raise Wrong(f"/{api} refused a valid payment: {err.errors()[0]['msg']}.") from None
    if parsed.dry_run is not False:
        raise Wrong(f"/{api}'s dry_run is not False by default: a client that says nothing must be logged.")
    extra = {**VALID_PAYMENT, "note": "x"}
    refused = {
        "dry_run \"yes\"": ({wrapper: one, "dry_run": "yes"}, "a text dry_run is a broken client, and pydantic "
                            "turns \"yes\" into True unless the parameter is a StrictBool"),
        "a payment with an unknown field": ({wrapper: extra if api == "score" else [extra]},
                                            "type the payment with your Payment schema (4.2), so its rules guard "
                                            "the endpoint"),
    }
    if api == "score_batch":
        refused["an empty batch"] = ({wrapper: []}, "nothing to score is a client's mistake: Len(1, MAX_BATCH)")
        refused[f"{MAX_BATCH + 1:,} payments"] = (
            {wrapper: [VALID_PAYMENT] * (MAX_BATCH + 1)},
            f"the contract allows at most {MAX_BATCH:,} (contract.MAX_BATCH): Annotated[list[Payment], "
            "Len(1, MAX_BATCH)]")
    for what, (body, why) in refused.items():
        try:
            spec.model_validate(body)
        except ValidationError:
            continue
        raise Wrong(f"/{api} accepted {what}: {why}.")


def _run_request(svc: Any, api: str, items: list[Any], dry_run: bool, fresh: bool = True) -> tuple[Any, Any]:
    """One request to the learner's endpoint on a recorder: (what it answered, the recorder)."""
    from ._lab04_service import Recorder, run_endpoint

    instance = svc.inner.__new__(svc.inner)  # no __init__: no registry, no store; the recorder's steps instead
    recorder = Recorder(fresh=fresh)
    recorder.install(instance)
    arg = {"payment": items[0]} if api == "score" else {"payments": items}
    func = svc.apis[api].func
    answer = call_learner(lambda: run_endpoint(func, instance, dry_run=dry_run, **arg), f"FraudService.{api}")
    return answer, recorder


def _judge_request(answers: Any, recorder: Any, items: list[Any], dry_run: bool, fresh: bool, what: str) -> None:
    _judge_steps(recorder, items, dry_run, what)
    listed = answers if isinstance(answers, list) else [answers]
    if len(listed) != len(items):
        raise Wrong(f"{what} answered {len(listed)} decisions for {len(items)} payments: one each, in order.")
    for p, a in zip(items, listed, strict=True):
        _judge_answer(a, p, recorder.bundles[0].version, dry_run, fresh, what)
    if not dry_run:
        _judge_remembered(recorder.remembered[0], items, listed, what)


def _judge_steps(recorder: Any, items: list[Any], dry_run: bool, what: str) -> None:
    """The runtime's steps, in order: the bundle once at the first payment's time, the wait before the read, the
    bundle's own inputs, and remember once (never on a dry run)."""
    steps = recorder.steps()
    if steps.count("bundle_at") != 1:
        raise Wrong(f"{what} took the bundle {steps.count('bundle_at')} times: take it once per request (before "
                    "the loop), or a reload between two payments would score one request with two models.")
    when = recorder.calls[steps.index("bundle_at")][1]
    try:
        same_time = pd.Timestamp(when) == pd.Timestamp(items[0].event_timestamp)
    except (TypeError, ValueError):
        same_time = False
    if not same_time:
        raise Wrong(f"{what} asked for the bundle at {when!r}: ask at the first payment's event_timestamp, the "
                    "time the review budget's week is counted in (not now: a replay runs months later).")
    if "wait_for_writes" not in steps or "read_features" not in steps:
        raise Wrong(f"{what} never {'waited for the writes' if 'wait_for_writes' not in steps else 'read features'}: "
                    "wait_for_writes(rows), then read_features(rows, bundle.inputs).")
    if steps.index("wait_for_writes") > steps.index("read_features"):
        raise Wrong(f"{what} read the features before waiting for the queued writes: wait first, or the customer's "
                    "previous payment may not be in the store yet (read your writes).")
    inputs = recorder.calls[steps.index("read_features")][1]
    if tuple(inputs) != recorder.bundles[0].inputs:
        raise Wrong(f"{what} read {inputs}: read the bundle's own inputs, bundle.inputs (a v2 model needs more).")
    writes = steps.count("remember")
    if dry_run and writes:
        raise Wrong(f"a dry run wrote: {what} called remember(...) with dry_run=True; a dry run scores and writes "
                    "nothing (no store update, no log row).")
    if not dry_run and writes != 1:
        raise Wrong(f"{what} called remember {writes} times: once per request, after deciding, with all its "
                    "payments, so they are written back and logged together.")


def _judge_answer(a: Any, p: Any, version: str, dry_run: bool, fresh: bool, what: str) -> None:
    """One payment's answer: decide's dict, plus its txn_id, decision, features_fresh and logged."""
    from ._lab04_service import THRESHOLD

    require_type(a, dict, f"each answer of {what}")
    missing = [k for k in (*SCORE_KEYS, "features_fresh", "logged") if k not in a]
    if missing:
        raise Wrong(f"{what}'s answer has no {', '.join(missing)}: start from scoring.decide's dict and add "
                    "txn_id, decision, features_fresh and logged.")
    if a["txn_id"] != p.txn_id:
        raise Wrong(f"{what} answered {a['txn_id']!r} where {p.txn_id!r} was asked: keep the payments' order.")
    if a["model_version"] != version:
        raise Wrong(f"{what} scored with another bundle than the one bundle_at gave: decide with that bundle.")
    want = "review" if p.amount_inr / 10_000 >= THRESHOLD else "allow"
    if a["decision"] != want:
        raise Wrong(f"{what} said {a['decision']!r} for a score of {a['score']:.2f} against the threshold "
                    f"{THRESHOLD}: 'review' when the alert is on, else 'allow'.")
    if a["features_fresh"] is not fresh:
        raise Wrong(f"{what} said features_fresh={a['features_fresh']!r} when wait_for_writes returned {fresh}: "
                    "say what the wait returned, so a stale read is never silent.")
    if a["logged"] is not (not dry_run):
        raise Wrong(f"{what} said logged={a['logged']!r} on a {'dry run' if dry_run else 'real request'}: "
                    "logged says whether the payment was written back and logged (not dry_run).")


def _judge_remembered(remembered: tuple, items: list[Any], listed: list[Any], what: str) -> None:
    """remember(rows, decisions, started) got the request's payments as dicts, its answers and its arrival time."""
    rows, decisions, started = remembered
    if [r.get("txn_id") if isinstance(r, dict) else None for r in rows] != [p.txn_id for p in items]:
        raise Wrong(f"{what} remembered other rows than its payments: remember(rows, decisions, started) with "
                    "the validated payments as dicts (p.model_dump()).")
    if list(decisions) != listed:
        raise Wrong(f"{what} remembered other decisions than it answered: log exactly what the client got.")
    if not isinstance(started, float) or not 0 <= time.perf_counter() - started < 60:
        raise Wrong(f"{what} passed started={started!r}: pass time.perf_counter() taken when the request "
                    "arrived, so the log keeps the request's latency.")


@exercise(
    "4.4",
    "the service",
    hint=(
        "A BentoML service is a class decorated with @bentoml.service; each method decorated with @bentoml.api "
        "is an endpoint, and its typed parameters are the request body, validated before your code runs. "
        "FraudService derives from ServiceRuntime, which gives the champion, the store and four steps: "
        "bundle_at, wait_for_writes, read_features, remember.",
        "@bentoml.service(name=\"upi_fraud\", workers=1, traffic={\"timeout\": 30}, **OPERATIONS). One helper "
        "`_score(self, payments, dry_run)` serves both endpoints: rows = [p.model_dump() for p in payments]; "
        "the bundle at the first payment's time, once; wait_for_writes(rows) before read_features(rows, "
        "bundle.inputs); scoring.decide(bundle, columns); add txn_id, decision, features_fresh and logged to "
        "each decision; remember(rows, decisions, started) unless dry_run.",
        "Parameters: `payment: Payment` for /score and `payments: Annotated[list[Payment], Len(1, MAX_BATCH)]` "
        "for /score_batch, both with `dry_run: StrictBool = False` (a plain bool takes \"yes\"). /score "
        "returns `self._score([payment], dry_run)[0]`, a dict; /score_batch the whole list.",
    ),
)
def service(module: Any) -> str:
    if isinstance(module, str):  # a module name: import it afresh, so its stub reports "not done yet"
        try:
            module = importlib.reload(importlib.import_module(module))
        except (NotImplementedError, ImportError):
            raise
        except Exception as err:  # the learner's file: say what broke, not a traceback
            hint = (": is FraudService decorated with @bentoml.service(...)?" if "add_asgi_middleware" in str(err)
                    else "; run the %%writefile cell's file with `python -c 'import upi_fraud.serving.service'`")
            raise Wrong(f"importing your service.py raised {type(err).__name__}: {err}{hint}") from None
    svc = getattr(module, "FraudService", module)
    _declared(svc)

    payment_model = svc.apis["score"].input_spec.model_fields["payment"].annotation
    one, batch = payments([9_500.0], payment_model), payments([200.0, 9_000.0, 700.0], payment_model)
    for api, items, dry_run, fresh in (("score", one, False, True), ("score", one, True, True),
                                       ("score_batch", batch, False, False), ("score_batch", batch, True, True)):
        what = f"/{api}{' (dry run)' if dry_run else ''}"
        answers, recorder = _run_request(svc, api, items, dry_run, fresh)
        if api == "score" and isinstance(answers, list):
            raise Wrong("/score answered a list: it answers one payment with one dict (`[0]` of _score's list).")
        if api == "score_batch" and not isinstance(answers, list):
            raise Wrong("/score_batch should answer a list of decisions, one per payment, in order.")
        _judge_request(answers, recorder, items, dry_run, fresh, what)
    return ("One worker; /score and /score_batch validated by your Payment schema (an empty batch, 1,001 payments "
            "and dry_run \"yes\" refused); on crafted requests one bundle each, the wait before the read, a stale "
            "read said, and a dry run that writes nothing.")
