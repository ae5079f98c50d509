"""The closed loop (lab 07): serve a week, monitor it, retrain on a trigger, shadow the challenger, promote.

    python -m upi_fraud.loop --from 2025-09-01 --to 2026-01-01 --data-size default      (or: upi-loop ...)

`state` holds what the loop carries from week to week; `decision` (yours) says what to do once a week is
judged; `run` serves, monitors and acts, week by week; `drill` proves the swap under load; `valuation`
measures, in hindsight, what the loop is worth against the model frozen at go-live.
"""
