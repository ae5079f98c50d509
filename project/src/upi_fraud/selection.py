"""Which run is best: the team's rule, as code that CI can run (lab 02, exercise 2.2).

`registry.register_best` registers the best run of an experiment by this rule (lab 02 uses it on its sweep).
"""

from __future__ import annotations

import pandas as pd


def best_run(runs: pd.DataFrame) -> str:
    """The run_id of the best finished candidate in an mlflow.search_runs() frame.

    Finished runs tagged candidate = 'yes' with a validation value; the highest
    metrics.valid_net_value_inr wins; a tie goes to the earliest start_time.
    """
    ### BEGIN SOLUTION 2.2
    ok = runs[(runs["status"] == "FINISHED") & (runs["tags.candidate"] == "yes")]
    ok = ok[ok["metrics.valid_net_value_inr"].notna()]
    if ok.empty:
        raise ValueError("no finished candidate run with a validation value")
    ranked = ok.sort_values(["metrics.valid_net_value_inr", "start_time"], ascending=[False, True])
    return str(ranked["run_id"].iloc[0])
    ### END SOLUTION
