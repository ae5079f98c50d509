"""What the weekly job watches, and how: the drift method per column, the reference, the clean history.

Given in lab 06, in one place, with the reasons. The thresholds themselves are not here: they are
calibrated on the clean history and frozen in monitoring/policy.json (thresholds.py).
"""

from __future__ import annotations

#: Drift method per monitored input, and why: PSI for amounts and hours (binned against the reference, so a heavy
#: tail of large payments does not drown the rest, and risk teams read it every day); Jensen-Shannon for categories
#: (bounded 0..1, symmetric, and fine with a category that one side lacks). A K-S or chi-square p-value would flag
#: trivial shifts at thousands of rows a week (at 7,000 rows almost everything is "significant").
INPUTS = {"amount_inr": "psi", "hour_ist": "psi", "channel": "jensenshannon", "payee_type": "jensenshannon",
          "merchant_category": "jensenshannon", "device_os": "jensenshannon", "city_tier": "jensenshannon"}
#: Behaviour features (counts and sums over time windows, many zeros that collapse PSI's bins): Wasserstein, in
#: reference standard deviations.
BEHAVIOUR_METHOD = "wasserstein"
SCORE_METHOD = "psi"
CATEGORICAL = ["channel", "payee_type", "merchant_category", "device_os", "city_tier"]
#: Fields the service's request contract requires: a missing one means the log or a pipeline broke, not an app,
#: so they are checked over the whole week. device_os is optional in the contract: checked per app version.
REQUIRED = ["channel", "payee_type", "merchant_category", "amount_inr", "city_tier"]
#: Columns of the record that are not monitored inputs.
NOT_INPUTS = ("txn_id", "event_timestamp", "app_version", "score", "alert", "reviewed", "model_version")
MIN_VERSION_ROWS = 20   # an app version needs this many payments in a week to be judged on its own
WINDOW_DAYS = 28        # performance: the last four weeks of payments, with the reports known so far
MIN_CASES = 5           # a typology is judged on at least this many reported frauds
REFERENCE = ("2025-07-01", "2025-08-01")  # IST days, end exclusive: the validation month
#: Clean history for calibration: the weeks of March to August. January and February are left out: the data
#: starts on 1 January, so every behaviour feature (payments in the last 7 days, a new payee) warms up over the
#: first weeks.
HISTORY = ("2025-03-03", "2025-09-01")
PROJECT_NAME = "UPI fraud: production monitoring"
