"""Exercise 4.4's check (the BentoML service) passes the reference service.py and names each typical mistake.

Each wrong variant is the reference file with one substitution, loaded as a module of its own; the check builds
its class without __init__ and runs the endpoints on crafted payments with a recorder in place of the runtime's
steps (mlops_course/exercises/_lab04_service.py): no registry, no store, no server.
"""

from __future__ import annotations

import asyncio

import pytest
import reference_project
from upi_fraud.serving import contract, service

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import _lab04_service, lab04

SERVICE = "src/upi_fraud/serving/service.py"


def test_the_reference_service_passes(capsys):
    lab04.service.check(service)
    assert "one bundle each" in capsys.readouterr().out


def test_the_check_runs_inside_a_running_event_loop_as_in_a_notebook(capsys):
    async def in_a_kernel():
        lab04.service.check(service)

    asyncio.run(in_a_kernel())
    assert "one bundle each" in capsys.readouterr().out


def test_the_lab_stub_is_not_done(tmp_path):
    with pytest.raises(NotImplementedError):
        reference_project.lab_stub(tmp_path, SERVICE)


def test_a_module_name_whose_file_is_the_stub_is_not_done(tmp_path, monkeypatch):
    (tmp_path / "stub_service.py").write_text(reference_project.stubbed(SERVICE))
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ExerciseNotDone):
        lab04.service.check("stub_service")


BUNDLE = 'bundle = self.bundle_at(pd.Timestamp(rows[0]["event_timestamp"]))'
WAIT = "fresh = self.wait_for_writes(rows)"


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("@bentoml.service(name=\"upi_fraud\", workers=1, traffic={\"timeout\": 30}, **OPERATIONS)\n", ""),
          ("FraudService.add_asgi_middleware(JsonOnly)", "pass"),
          ("FraudService.add_asgi_middleware(SameOriginOnly)", "pass")],
         "FraudService is a plain class"),
        ([("workers=1", "workers=2")], "workers=2"),
        ([("traffic={\"timeout\": 30}, ", "")], "no request timeout"),
        ([(", **OPERATIONS)", ")")], "the access log is on"),
        ([("class FraudService(ServiceRuntime):", "class FraudService:")], "does not derive from ServiceRuntime"),
        ([("dry_run: StrictBool = False) -> dict", "dry_run: bool = False) -> dict")], "accepted dry_run \"yes\""),
        ([("Annotated[list[Payment], Len(1, MAX_BATCH)]", "list[Payment]")], "accepted an empty batch"),
        ([("Len(1, MAX_BATCH)", "Len(1)")], "accepted 1,001 payments"),
        ([("payment: Payment, dry_run", "payment: dict, dry_run")], "accepted a payment with an unknown field"),
        ([("        " + BUNDLE + "  # once: a request never mixes two models\n", ""),
          ("scoring.decide(bundle, self.read_features(rows, bundle.inputs))",
           "[scoring.decide(self.bundle_at(pd.Timestamp(r[\"event_timestamp\"])), self.read_features([r], "
           "self.bundle_at(pd.Timestamp(r[\"event_timestamp\"])).inputs))[0] for r in rows]")],
         "took the bundle"),
        ([('pd.Timestamp(rows[0]["event_timestamp"])', 'pd.Timestamp.now("UTC")')], "asked for the bundle at"),
        ([("        " + WAIT + "  # before reading: the store must hold this customer's earlier payments\n", ""),
          ("        for p, d in zip(", f"        {WAIT}\n        for p, d in zip(")], "before waiting"),
        ([("bundle.inputs))", "(\"amount_inr\",)))")], "read the bundle's own inputs"),
        ([("        if not dry_run:\n            self.remember", "        if True:\n            self.remember")],
         "a dry run wrote"),
        ([("logged=not dry_run", "logged=True")], "logged=True on a dry run"),
        ([("features_fresh=fresh", "features_fresh=True")], "features_fresh=True when wait_for_writes returned False"),
        ([('decision="review" if d["alert"] else "allow"', 'decision="review" if d["score"] > 0.9 else "allow"')],
         "said 'allow' for a score of 0.90"),
        ([("return self._score([payment], dry_run)[0]", "return self._score([payment], dry_run)")],
         "/score answered a list"),
        ([("self.remember(rows, decisions, started)", "self.remember(rows, decisions, time.time())")],
         "pass time.perf_counter()"),
    ],
)
def test_a_typical_mistake_is_named(tmp_path, substitutions, message):
    wrong = reference_project.variant(tmp_path, SERVICE, *substitutions)
    with pytest.raises(ExerciseIncorrect, match=message.replace("(", r"\(").replace(")", r"\)")):
        lab04.service.check(wrong)


def test_a_file_that_fails_to_import_is_explained_not_a_traceback(tmp_path, monkeypatch):
    text = reference_project.text(SERVICE).replace('@bentoml.service(name="upi_fraud", workers=1, traffic={"timeout": 30}, '
                                                   '**OPERATIONS)\n', "")
    (tmp_path / "plain_service.py").write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ExerciseIncorrect, match="importing your service.py raised AttributeError.*@bentoml.service"):
        lab04.service.check("plain_service")


def test_the_checks_batch_limit_is_the_contracts():
    assert _lab04_service.MAX_BATCH == contract.MAX_BATCH


def test_the_hints_come_in_steps_and_hold_less_than_half_the_solution():
    lines = [line.strip() for line in reference_project.block(SERVICE, "4.4").lines
             if line.strip() and not line.strip().startswith(("#", '"""'))]
    held = [line for line in lines if any(line in step for step in lab04.service.hints)]
    assert len(lab04.service.hints) >= 3
    assert len(held) < len(lines) / 2, held
