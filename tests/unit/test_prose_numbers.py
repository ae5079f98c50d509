"""The numbers the production story's prose states are the numbers its committed outputs printed.

Labs 04, 06 and 07 say what happened in production in sentences ("All 16 ordinary weeks...", "caught 53 of the new
scam's 322 payments"). Each sentence's numbers are read here from the same solution's recorded outputs (its printed
lines and its figures) and looked for in its markdown, so a re-recording that moves a number fails until the text
says the new one.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from mlops_course import notebooks, workspace


def _notebook(name: str) -> dict:
    return notebooks.read(workspace.course_root() / "solutions" / name)


def prose(name: str) -> str:
    """Every markdown cell of a solution, with runs of whitespace (line breaks) as one space."""
    cells = _notebook(name)["cells"]
    return re.sub(r"\s+", " ", " ".join(notebooks.source(c) for c in cells if c["cell_type"] == "markdown"))


def printed(name: str) -> str:
    """Everything a solution's code cells printed."""
    return "\n".join("".join(out.get("text", "")) for cell in _notebook(name)["cells"] for out in cell.get("outputs", []))


def found(pattern: str, text: str) -> tuple[str, ...]:
    match = re.search(pattern, text)
    assert match, f"the recorded outputs print no line matching {pattern!r}: record the lab"
    return match.groups()


def says(name: str, *phrases: str) -> None:
    text = prose(name)
    missing = [p for p in phrases if p not in text]
    assert not missing, f"{name}'s text does not say {missing}: write what the outputs printed"


def pct(x: float) -> str:
    return f"{x:.1%}"


def test_lab04_prose_states_the_recorded_alert_budget_figures():
    within, weeks, unreviewed = found(r"ordinary weeks within the team's capacity: (\d+) of (\d+); alerts left "
                                      r"unreviewed in them: (\d+)", printed("04_model_serving.ipynb"))
    (paise,) = found(r"2025-09-08: ([\d.]+%) alerted", printed("04_model_serving.ipynb"))
    figures = notebooks.printed_json("04_model_serving.ipynb", "production-story figures: ")
    ordinary = [r for w, r in figures["weekly_alert_rate"].items() if w != "2025-09-08"]
    says("04_model_serving.ipynb", f"All {within} ordinary weeks" if within == weeks else f"{within} of {weeks}",
         f"{unreviewed} alerts in four months went unreviewed", f"{paise} of the week's payments alert",
         f"from {pct(min(ordinary))} to {pct(max(ordinary))}")


def test_lab06_prose_states_the_recorded_pages_triggers_and_false_alarms():
    out = printed("06_monitoring.ipynb")
    paged, weeks = found(r"weeks that would page if any failed check paged: (\d+) of (\d+)", out)
    (pages,) = found(r"weeks that page under the policy:\s+(\d+)", out)
    (triggers,) = found(r"weeks that raise a retraining trigger:\s+(\d+)", out)
    figures = notebooks.printed_json("06_monitoring.ipynb", "monitoring figures: ")
    events = {e["event"]: e for e in figures["events"]}
    false_weeks = re.findall(r"^(\d{4}-\d\d-\d\d) .*false alarm: (\w+)", out, flags=re.M)
    assert figures["false_alarms"]["false WARN"] == len(false_weeks) == 1, false_weeks
    says("06_monitoring.ipynb", f"{paged} weeks of {weeks} paged", f"against {pages} under the policy",
         f"and {triggers} retraining triggers", f"WARN in all {events['festive season']['weeks explained']} of its weeks",
         f"`{false_weeks[0][1]}`", f"{pct(figures['alert_rates']['2025-09-08'])} of payments alerted",
         f"at the end of its {['first', 'second', 'third', 'fourth', 'fifth'][events['new scam']['days'] // 7 - 1]} week")


@pytest.mark.parametrize("arm", ["frozen", "loop"])
def test_lab07_prose_states_the_recorded_value_of_each_arm(arm):
    s = notebooks.printed_json("07_capstone.ipynb", "loop figures: ")["summary"]
    after = s["new_scam"]["loop"]["after"]
    frozen, loop = s["frozen"], s["loop"]
    says("07_capstone.ipynb",
         f"caught {after['caught']} of the new scam's {after['cases']} payments ({after['recall']:.0%})",
         f"({loop['caught']} against {frozen['caught']})",
         f"₹{abs(s['gain_inr']):,.0f} {'lower' if s['gain_inr'] < 0 else 'higher'}",
         f"({frozen['alerts']:,} and {loop['alerts']:,} alerts)", f"({frozen['unreviewed']} and {loop['unreviewed']},",
         f"about {pct(s[arm]['alert_rate'])} of payments")


def test_lab07_prose_states_the_recorded_four_arms():
    figures = notebooks.printed_json("07_capstone.ipynb", "loop figures: ")
    worth, gain = figures["worth"], figures["worth"]["gain"]
    first_live = pd.Timestamp(figures["promotions"][0]["week"]) + pd.Timedelta(days=7)
    first_ct = next(run for run in figures["ct"] if run["gate_passed"])
    holdout_start = pd.Timestamp(first_ct["as_of"][:10]) - pd.Timedelta(days=14)
    days = worth["days_to_mitigate"]
    says("07_capstone.ipynb",
         f"(95% interval, days resampled: ₹{gain['loop']['low_inr']:,.0f} to ₹{gain['loop']['high_inr']:,.0f})",
         f"{gain['loop']['gain_inr'] / worth['frozen_missed_inr']:.1%} of the ₹{worth['frozen_missed_inr']:,.0f}",
         f"gains ₹{gain['oracle']['gain_inr']:,.0f}; the loop gets {worth['share_of_oracle']:.0%} of it",
         f"first payment was on {worth['new_scam_first_day']}", f"went live on {first_live.day} {first_live:%B}",
         f"made before {holdout_start.day} {holdout_start:%B}",
         f"time to mitigate is {days['loop']} days, the oracle's {days['oracle']}",
         f"gains ₹{gain['no_quarantine']['gain_inr']:,.0f} (₹{gain['no_quarantine']['low_inr']:,.0f} to "
         f"₹{gain['no_quarantine']['high_inr']:,.0f})")


def test_lab02_prose_states_the_recorded_hindsight_gap_and_julys_size_at_both_sizes():
    from upi_fraud import timesplit
    from upi_kit import data

    known, hindsight = (float(x.replace(",", "")) for x in found(
        r"labels known at the cutoff: ₹([\d,]+) on July\nbest of the same sweep on hindsight labels:\s+₹([\d,]+)",
        printed("02_experiment_tracking.ipynb")))
    gap = hindsight - known
    july = {size: len(timesplit.split_by_time(data.load(size).transactions)[1]) for size in ("ci", "default")}
    says("02_experiment_tracking.ipynb", f"about ₹{round(gap, -3):,.0f} more in July, some {gap / known:.0%}",
         f"{july['ci']:,} payments there", f"at the default size ({july['default']:,} payments)")


def test_lab03_prose_states_what_the_paise_week_does_to_the_features():
    from upi_fraud import feature_pipeline
    from upi_kit import data

    upi = data.load("default")
    features = feature_pipeline.point_in_time_features(upi.transactions, upi.devices)
    says("03_feature_store.ipynb", f"₹{features['cust_amt_1h'].max() / 1e5:.0f} lakh into one customer's hour",
         f"one payment {features['amount_vs_7d_avg'].max():,.0f} times its customer's 7-day average")


def test_lab01_prose_states_the_recorded_yardsticks():
    perfect, random_alerts = found(r"perfect\s+[-\d,]+\s+[\d,]+\s+(\d+) .*\nrandom\s+[-\d,]+\s+[\d,]+\s+(\d+)",
                                   printed("01_problem_and_data.ipynb"))
    (ratio,) = found(r"The ids add ([\d.]+) times as much PR-AUC", printed("01_problem_and_data.ipynb"))
    says("01_problem_and_data.ipynb", f"July's {perfect} frauds, where the team could review {random_alerts}",
         "about **twice as useful**" if round(float(ratio)) == 2 else f"about {ratio} times as useful")
