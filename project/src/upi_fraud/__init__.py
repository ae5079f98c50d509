"""upi_fraud: catching fraud in UPI payments, from a model in a notebook to a system that keeps itself right.

Built in the UPI Fraud MLOps Labs, one layer per lab, and runnable on its own (`make ci`, the console
commands in pyproject.toml). The modules, by layer:

* the problem (lab 01): `dates` (IST days and weeks), `timesplit`, `rules`, `alerts` and `rupees`
  (the business metric under a daily review budget);
* tracking and the registry (lab 02): `features`, `tracking`, `modeling`, `selection`, `gate`, `train`;
* the feature store (lab 03): `feature_pipeline`, and the Feast repo in feature_repo/;
* serving (lab 04): `serving` (the BentoML service, fresh features, the inference log, replays);
* CI/CD (lab 05): `validation` (data and model behaviour checks) and `ct` (continuous training);
* monitoring (lab 06): `monitoring` (weekly Evidently reports, the alert policy, triggers);
* the closed loop (lab 07): `loop`, and `serving.watcher` (the live service follows the registry).

The dataset, the story's dates and where runs write come from `upi_kit`, the project's one
dependency outside the public stack.
"""

__version__ = "0.2.0"
