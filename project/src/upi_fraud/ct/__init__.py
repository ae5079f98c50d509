"""Continuous training (lab 05): retrain as of a moment, test, gate, and promote only a better model.

    python -m upi_fraud.ct --as-of 2025-12-08 --data-size default          (or: upi-ct ...)
    python -m upi_fraud.ct --trigger triggers/2025-12-08T0000-new_labels.json

`trigger` is the record that asks for a run; `labels` (yours) cuts the labels known as of a moment;
`plan` decides which weekly batches train, which judge and which are quarantined; `run` trains the
challenger, runs the project's model tests on it, re-scores the champion on the same holdout and lets
the gate decide; `card` writes down why.
"""
