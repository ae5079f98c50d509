"""Monitoring (lab 06): every Monday, judge the week that just ended, on what was known then.

    python -m upi_fraud.monitoring calibrate              # once: reference, clean history, frozen policy
    python -m upi_fraud.monitoring --week 2025-09-08      # judge one IST week (Monday to Sunday)
    python -m upi_fraud.monitoring --from 2025-09-01 --to 2026-01-01                   (or: upi-monitor ...)

`config` says what is watched and how; `record` reads the production record (the inference log) and the
fraud reports; `reports` runs the Evidently reports, with the frozen thresholds as Evidently tests;
`performance` (yours) measures recall on the labels known so far; `checks` turns failed tests into
findings; `policy` (yours) gives the week one status; `thresholds` calibrates and freezes the policy;
`weekly` judges weeks and writes snapshots, HTML reports, weeks.json and trigger records; `dashboard`
is the Evidently project the UI shows.
"""

import warnings

# Evidently is this package's engine: imported once, here, because version 0.7.23 warns on import about its own
# dependencies (numpy.core, litestar's Dependency), notices about third-party code that would otherwise fill the
# output of every command and notebook cell that first touches it.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import evidently  # noqa: F401
