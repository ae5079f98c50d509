"""Exercise 4.7's check (the batch client) passes the reference client.py and names each typical mistake.

Each wrong variant is the reference file with one substitution, loaded as a module of its own; the check runs
score_in_batches against a crafted service (mlops_course/exercises/_lab04_client.py) that records each request.
"""

from __future__ import annotations

import re

import pytest
import reference_project
from upi_fraud.serving import client, contract

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import _lab04_client, lab04

CLIENT = "src/upi_fraud/serving/client.py"


def test_the_crafted_service_refuses_what_the_contract_refuses():
    assert _lab04_client.MAX_BATCH == contract.MAX_BATCH


def test_the_reference_client_passes(capsys):
    lab04.batch_client.check(client)
    assert "2,500 payments in 3 requests" in capsys.readouterr().out


def test_the_lab_stub_is_not_done(tmp_path):
    with pytest.raises(ExerciseNotDone):
        lab04.batch_client.check(reference_project.lab_stub(tmp_path, CLIENT))


def test_the_refused_batch_keeps_the_decisions_before_it():
    service = _lab04_client.CraftedService()
    with pytest.raises(client.BatchRefused, match="payments 8 to 14") as caught:
        client.score_in_batches(service, _lab04_client.crafted_payments(20, bad_at=9), batch_size=7)
    assert [d["txn_id"] for d in caught.value.decided] == [f"T{i:05d}" for i in range(1, 8)]


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("payments[start:start + batch_size]", "payments[start:]")],
         "sent 2,500 payments in one request"),
        ([("range(0, len(payments), batch_size)", "range(0, len(payments) - batch_size + 1, batch_size)")],
         "were never sent (the last, partial batch?)"),
        ([("payments=batch, dry_run=dry_run", "payments=batch")], "sent dry_run=False: pass the caller's dry_run"),
        ([("    if not 1 <= batch_size <= MAX_BATCH:\n        raise ValueError(f\"batch_size must be 1 to "
           "{MAX_BATCH:,} (the contract's MAX_BATCH), not {batch_size}\")\n", "")],
         "with batch_size=0: calling score_in_batches(...) raised ValueError: range() arg 3 must not be zero"),
        ([("    if not 1 <= batch_size <= MAX_BATCH:", "    if batch_size < 1:")],
         "with batch_size=1,001 it sent a request"),
        ([("range(0, len(payments), batch_size)", "range(0, max(len(payments), 1), batch_size)")],
         "with no payments it sent a request with an empty batch"),
        ([("        except BentoMLException as err:\n            raise BatchRefused(f\"the service refused {which} "
           "({err.error_code}): {err}\", decided) from err\n", "        finally:\n            pass\n")],
         "reached the caller as BentoML's InvalidArgument"),
        ([("({err.error_code}): {err}\", decided)", "({err.error_code})\", decided)")],
         "carry the service's own message"),
        ([("({err.error_code}): {err}\", decided)", "({err.error_code}): {err}\", [])")],
         "BatchRefused.decided holds []"),
        ([("        if [a.get(\"txn_id\") for a in answers] != [p[\"txn_id\"] for p in batch]:\n"
           "            raise BatchRefused(f\"the service answered {which} with other txn_ids than it was sent\", "
           "decided)\n", "")],
         "accepted a batch answered in another order"),
        ([("        decided.extend(answers)\n", "        decided.extend(answers[::-1])\n")],
         "returned 2,500 answers: one decision per payment, in the payments' order"),
    ],
)
def test_a_typical_mistake_is_named(tmp_path, substitutions, message):
    wrong = reference_project.variant(tmp_path, CLIENT, *substitutions)
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab04.batch_client.check(wrong)
