"""The alert policy's vocabulary: what a failed check means, how loud it is, and where its runbook is.

Given in lab 06. A week gets one status. What a failed check means decides how loud it is:
* data quality (a broken batch: missing values, impossible amounts, a unit change, unknown categories) is
  an INCIDENT: the service is being fed wrong inputs now, so on-call is paged;
* performance below its floor, on the labels known so far, means RETRAIN: a trigger for continuous
  training (lab 05), handled on the next working day;
* drift in the inputs or in the scores is a WARN: it goes on the dashboard and pages nobody, because the
  world moves every week (salary days, festivals) and a model often copes. Paging on drift is how a
  monitoring team teaches itself to ignore its pager.
Precedence is INCIDENT > RETRAIN > WARN > OK (your policy.decide applies it).
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITY = {"OK": 0, "WARN": 1, "RETRAIN": 2, "INCIDENT": 3}
KIND_STATUS = {"data_quality": "INCIDENT", "performance": "RETRAIN", "drift": "WARN", "prediction": "WARN"}
RUNBOOKS = {"data_quality": "runbooks/data-quality.md", "performance": "runbooks/performance.md",
            "drift": "runbooks/drift.md", "prediction": "runbooks/prediction-drift.md"}


@dataclass(frozen=True)
class Finding:
    """One failed check: what kind, which check, and one sentence a person can act on."""

    kind: str      # data_quality | performance | drift | prediction
    check: str     # e.g. "unit_fold", "drift:amount_inr", "recall:new_scam"
    sentence: str

    @property
    def status(self) -> str:
        return KIND_STATUS[self.kind]

    @property
    def runbook(self) -> str:
        return RUNBOOKS[self.kind]


@dataclass(frozen=True)
class Verdict:
    """A week's status, its reasons most severe first, and whether continuous training should run."""

    status: str               # OK | WARN | RETRAIN | INCIDENT
    reasons: list[Finding]    # the findings, most severe first
    retrain: bool             # write a trigger record for continuous training
