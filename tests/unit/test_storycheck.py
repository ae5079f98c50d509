"""Monitoring judged against the story: explained alerts and false alarms (mlops_course.storycheck)."""

from upi_kit import story

from mlops_course import storycheck

THRESHOLDS = {"drift:amount_inr": 0.1, "drift:hour_ist": 0.1, "drift:cust_amt_7d": 0.2, "drift:device_os": 0.1,
              "drift:score": 0.05}


def week(monday, status="OK", reasons=(), **stats):
    return {"week": monday, "judged_at": f"{monday}T00:00:00+05:30", "status": status,
            "reasons": [{"status": s, "check": c} for s, c in reasons],
            "statistics": {name: 0.0 for name in THRESHOLDS} | {f"drift:{k}": v for k, v in stats.items()}}


def test_festive_drift_in_its_named_columns_is_explained():
    row = week("2025-10-13", "WARN", [("WARN", "drift")], amount_inr=0.5)
    assert storycheck.judge_week(row, THRESHOLDS)["WARN"] == "festive season"


def test_drift_in_a_column_no_running_event_names_is_a_false_alarm():
    row = week("2025-10-13", "WARN", [("WARN", "drift")], amount_inr=0.5, hour_ist=0.3)  # festive, but hours?
    assert storycheck.judge_week(row, THRESHOLDS)["WARN"] == "false alarm: hour_ist"
    quiet = week("2025-09-01", "WARN", [("WARN", "drift")], amount_inr=0.5)  # before any event
    assert storycheck.judge_week(quiet, THRESHOLDS)["WARN"] == "false alarm: amount_inr"


def test_the_paise_weeks_echo_in_the_amount_windows_is_explained_for_seven_days():
    echo = week("2025-09-15", "WARN", [("WARN", "drift")], cust_amt_7d=0.9)
    assert storycheck.judge_week(echo, THRESHOLDS)["WARN"] == "paise incident"
    later = week("2025-09-22", "WARN", [("WARN", "drift")], cust_amt_7d=0.9)  # festive names it too
    assert storycheck.judge_week(later, THRESHOLDS)["WARN"] == "festive season"
    assert storycheck.judge_week(week("2025-12-22", "WARN", [("WARN", "drift")], cust_amt_7d=0.9),
                                 THRESHOLDS)["WARN"] == "false alarm: cust_amt_7d"


def test_an_incident_must_be_explained_in_its_own_week_and_a_retrain_by_the_new_scam():
    assert storycheck.judge_week(week("2025-09-08", "INCIDENT", [("INCIDENT", "unit_fold")]),
                                 THRESHOLDS)["INCIDENT"] == "paise incident"
    assert storycheck.judge_week(week("2025-09-15", "INCIDENT", [("INCIDENT", "unit_fold")]),
                                 THRESHOLDS)["INCIDENT"] == "false alarm: amount_inr"
    assert storycheck.judge_week(week("2025-12-08", "INCIDENT", [("INCIDENT", "missing_share:device_os")]),
                                 THRESHOLDS)["INCIDENT"] == "null OS incident"
    assert storycheck.judge_week(week("2025-09-15", "RETRAIN", [("RETRAIN", "recall:all")]),
                                 THRESHOLDS)["RETRAIN"].startswith("false alarm")
    assert storycheck.judge_week(week("2025-11-03", "RETRAIN", [("RETRAIN", "recall:new_scam")]),
                                 THRESHOLDS)["RETRAIN"] == "new scam"


def test_counts_and_detections_over_a_season():
    rows = [week("2025-09-01"), week("2025-09-08", "INCIDENT", [("INCIDENT", "unit_fold"), ("WARN", "drift")],
                                     amount_inr=5.0),
            week("2025-09-15", "WARN", [("WARN", "drift")], hour_ist=0.4),
            week("2025-09-22", "WARN", [("WARN", "drift")], amount_inr=0.3),
            week("2025-09-29", "WARN", [("WARN", "score_drift")], score=0.2),
            week("2025-10-06", "WARN", [("WARN", "drift")], amount_inr=0.3)]
    table, counts = storycheck.judge(rows, THRESHOLDS)
    assert counts == {"false WARN": 1, "false INCIDENT": 0, "false RETRAIN": 0}
    assert table.loc["2025-09-15", "WARN"] == "false alarm: hour_ist"
    found = storycheck.detections(table, rows)
    assert found.loc["paise incident", "by"] == "INCIDENT" and found.loc["paise incident", "days"] == 0
    assert found.loc["festive season", "weeks explained"] == 3
    assert found.loc["new scam", "by"] == "missed"  # only the labels (RETRAIN) tell the new scam, not drift
    assert {e.name for e in story.EVENTS} == set(found.index)
