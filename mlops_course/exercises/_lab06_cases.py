"""Crafted inputs for lab 06's checks: weekly histories, findings and production records where wrong answers differ.

6.1's histories have a partial week that holds the extreme value, NaN weeks, ties and integer counts, built so
that the few readings the contract leaves open (the median of the rows over every week, or over the measured
ones) give the same threshold. 6.2's findings mix the four kinds in orders where the first, the last and the
alphabetical maximum of the statuses are all wrong. 6.3's record has one payment for each edge of the window and
of the report cut (exactly at a bound, a day outside it, reported twice, reported after as_of).

Beside the cases sit the right answers the checks compare with (threshold, known_frauds and performance_table);
known_frauds also counts the typical wrong ways, so that a check can name the one a learner took.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from upi_kit import story

PARTIAL_WEEK = 0.5  # policy.py: a week with fewer rows than this share of the median week is partial
WEEKS = pd.date_range("2025-03-03", periods=26, freq="W-MON").date  # the lab's clean history: March to August


def history(rows: list, values: list, index: str = "range", seed: int = 0) -> pd.DataFrame:
    """One row per week (`rows`, `value`); index "range", "weeks" (their Mondays) or "shuffled" (Mondays, rows
    in another order)."""
    frame = pd.DataFrame({"rows": rows, "value": np.asarray(values, dtype=float)})
    if index == "range":
        return frame
    frame.index = pd.Index(WEEKS[:len(frame)], name="week")
    return frame.iloc[np.random.default_rng(seed).permutation(len(frame))] if index == "shuffled" else frame


def threshold(history: pd.DataFrame, direction: str, margin: float, among: str = "all") -> float | None:
    """The right threshold, None when there is none; among="measured" takes the median week of the measured weeks."""
    measured = history[history["value"].notna()]
    weeks = history if among == "all" else measured
    usable = measured[measured["rows"] >= PARTIAL_WEEK * weeks["rows"].median()]
    if usable.empty or direction not in ("above", "below"):
        return None
    return float(usable["value"].max() * margin) if direction == "above" else float(usable["value"].min() / margin)


def calibrate_cases() -> list[tuple[str, pd.DataFrame, str, float]]:
    """(what, history, direction, margin) for 6.1, each with one threshold."""
    nan = np.nan
    return [
        ("'above', margin 2: seven full weeks (one at 0.30) and a partial last week (800 rows) at 0.90",
         history([5000, 5100, 4900, 5050, 4950, 5020, 4980, 800], [0.10, 0.14, 0.12, 0.30, 0.11, 0.13, 0.12, 0.90]),
         "above", 2.0),
        ("'below', margin 2 (a recall): eight full weeks from 0.62 to 0.81 and a partial first week (3 cases) at 0",
         history([3, 41, 38, 45, 40, 39, 44, 42, 37], [0.0, 0.80, 0.75, 0.62, 0.78, 0.81, 0.70, 0.77, 0.79], "weeks"),
         "below", 2.0),
        ("'above', margin 1.25: a week whose value is NaN (not measured), rows as floats, weeks by date",
         history([5000.0, 5200.0, 4800.0, 5100.0, 4900.0, 5050.0], [2.0, 2.4, nan, 2.2, 3.1, 2.6], "weeks"),
         "above", 1.25),
        ("'below', margin 2: a week with no case (NaN recall) and a partial week (2 cases) at 0",
         history([0, 30, 28, 33, 2, 31, 29], [nan, 0.70, 0.64, 0.72, 0.0, 0.68, 0.66], "weeks"), "below", 2.0),
        ("'above', margin 2: integer counts, two weeks tie at the maximum (5), weeks shuffled",
         history([7000, 6900, 7100, 7050, 6950, 7020], [3, 5, 2, 5, 4, 1], "shuffled", seed=1), "above", 2.0),
    ]


def refused_cases() -> list[tuple[str, pd.DataFrame, str, float, str]]:
    """(what, history, direction, margin, why ValueError) for 6.1: no threshold can be made."""
    return [
        ("a history whose every value is NaN", history([5000, 5100, 4900], [np.nan] * 3), "above", 2.0,
         "with no usable week there is nothing to calibrate on; raise ValueError (a NaN threshold would never "
         "alert, every comparison with NaN is False)"),
        ("an empty history (no week at all)", history([], []).astype({"rows": "int64"}), "below", 2.0,
         "with no usable week there is nothing to calibrate on; raise ValueError"),
        ("direction='up'", calibrate_cases()[0][1], "up", 2.0,
         "direction is 'above' or 'below'; anything else is a typo in the policy, so raise ValueError rather "
         "than guess"),
    ]


def realistic_histories() -> list[tuple[str, pd.DataFrame, str, float]]:
    """Histories shaped like the lab's: 26 weeks of about 5,000 payments, a partial week, recall from July only."""
    rng = np.random.default_rng(61)
    rows = rng.normal(5000, 250, len(WEEKS)).round().astype(int)
    rows[-1] = 1400  # the data ends mid-week
    psi, missing, alerts = rng.gamma(2.0, 0.01, len(WEEKS)), rng.uniform(0, 0.004, len(WEEKS)), \
        rng.normal(0.010, 0.001, len(WEEKS))
    psi[-1], missing[[4, 11]], missing[-1], alerts[-1] = 0.21, [0.0, np.nan], 0.03, 0.004
    counts = np.full(len(WEEKS), np.nan)
    counts[-9:] = rng.normal(150, 12, 9).round()
    counts[-3] = 60  # a 28-day window cut short
    recall = np.where(np.isnan(counts), np.nan, rng.uniform(0.55, 0.75, len(WEEKS)))
    recall[-3] = 0.3
    weekly = pd.Index(WEEKS, name="week")
    return [
        ("drift:amount_inr (PSI) over 26 weeks, 'above', margin 1.25",
         pd.DataFrame({"rows": rows, "value": psi}, index=weekly), "above", 1.25),
        ("missing_share:device_os over 26 weeks with a NaN week, 'above', margin 2",
         pd.DataFrame({"rows": rows, "value": missing}, index=weekly), "above", 2.0),
        ("alert_rate over 26 weeks, 'below' (a floor), margin 1.25",
         pd.DataFrame({"rows": rows, "value": alerts}, index=weekly), "below", 1.25),
        ("recall:all, measured from July only (rows and value NaN before), 'below', margin 2",
         pd.DataFrame({"rows": counts, "value": recall}, index=weekly), "below", 2.0),
    ]


# ---------------------------------------------------------------- 6.2

SEVERITY = {"OK": 0, "WARN": 1, "RETRAIN": 2, "INCIDENT": 3}
KIND_STATUS = {"data_quality": "INCIDENT", "performance": "RETRAIN", "drift": "WARN", "prediction": "WARN"}


@dataclass(frozen=True)
class Finding:
    """findings.Finding, for a decide() whose module has none (a function written in the notebook)."""

    kind: str
    check: str
    sentence: str

    @property
    def status(self) -> str:
        return KIND_STATUS[self.kind]


FINDINGS = {  # name -> (kind, check, sentence), as upi_fraud.monitoring.checks writes them
    "unit": ("data_quality", "unit_fold", "amount_inr: app 5.7.0's median payment is ₹52,000, 104 times the "
             "reference's ₹500 (a unit change; the policy allows 3x)."),
    "missing": ("data_quality", "missing_share:device_os", "device_os: missing on 38% of app 5.6.0's payments (the "
                "policy allows 1%)."),
    "range": ("data_quality", "out_of_range_share", "amount_inr: 1.2% of payments are above NPCI's ₹200,000 limit."),
    "recall": ("performance", "recall:all", "recall on all fraud is 41/112 reported frauds of the last 28 days: at "
               "most 44% at 95% confidence, below its floor of 47%."),
    "new_scam": ("performance", "recall:new_scam", "recall on new_scam is 2/19 reported frauds of the last 28 days: "
                 "at most 30% at 95% confidence, below its floor of 35%."),
    "drift": ("drift", "drift", "input drift in 3 of 16 columns: amount_inr (0.31 > 0.12), hour_ist (0.2 > 0.1), "
              "merchant_category (0.09 > 0.05)."),
    "score": ("prediction", "score_drift", "score distribution shifted: PSI 0.27 > 0.11."),
    "alerts": ("prediction", "alert_rate", "alert rate 2.40% against a budget of 1% (the policy allows 1.50%): the "
               "fraud team cannot review them all."),
}


def decide_cases() -> list[tuple[str, list[str]]]:
    """(what, names of FINDINGS in the order the checks found them) for 6.2, then random weeks."""
    crafted = [
        ("a quiet week: no finding", []),
        ("one prediction finding (the alert rate)", ["alerts"]),
        ("input drift and a score shift", ["drift", "score"]),
        ("a unit change, input drift, then missing values", ["unit", "drift", "missing"]),
        ("a unit change, recall below its floor, input drift, then amounts out of range",
         ["unit", "recall", "drift", "range"]),
        ("recall below its floor, input drift, then a unit change", ["recall", "drift", "unit"]),
        ("input drift, a unit change, a score shift, then recall below its floor", ["drift", "unit", "score", "recall"]),
        ("only recall below its floor", ["recall"]),
        ("an alert-rate finding, two recall findings around input drift", ["alerts", "recall", "drift", "new_scam"]),
    ]
    rng = np.random.default_rng(62)
    names = list(FINDINGS)
    randoms = [list(rng.choice(names, size=rng.integers(2, 7), replace=False)) for _ in range(12)]
    return crafted + [(f"a week of {len(r)} findings: {', '.join(r)}", r) for r in randoms]


# ---------------------------------------------------------------- 6.3

WINDOW_DAYS = 28  # upi_fraud.monitoring.config: performance is judged on the payments of the last four weeks
COLUMNS = ["cases", "caught", "recall", "rupees", "rupees_caught"]
AS_OF = pd.Timestamp("2025-10-06 00:00", tz=story.TIMEZONE)  # a Monday, 00:00 IST: 2025-10-05 18:30 UTC
_D, _H = pd.Timedelta(days=1), pd.Timedelta(hours=1)
#: (made, fraud_type or None, report offsets, alert, amount): offsets from AS_OF; the amounts (ledger amounts: what
#: the payments really were) tell the rows apart. UNREVIEWED and AS_SENT bend two rows: see production().
PAYMENTS = [
    (-20 * _D, "account_takeover", [-15 * _D, -12 * _D], 1, 1_200.0),  # reported twice
    (-9 * _D, "account_takeover", [-2 * _D], 0, 4_500.0),
    (-4 * _D, "collect_scam", [3 * _D, -1 * _D], 1, 800.0),  # reported after as_of, then (listed second) before it
    (-6 * _D, "collect_scam", [-3 * _D, 5 * _D], 0, 650.0),  # reported before as_of, then after it
    (-2 * _D, "qr_scam", [2 * _D], 0, 9_900.0),  # reported only after as_of
    (-5 * _D, "account_takeover", [0 * _D], 1, 2_700.0),  # reported exactly at as_of
    (-30 * _D, "collect_scam", [-26 * _D], 1, 3_100.0),  # made before the window
    (-28 * _D, "mule_account", [-21 * _D], 0, 15_000.0),  # made exactly at the window's start
    (-28 * _D + _H, "account_takeover", [-10 * _D], 1, 560.0),  # in the window, the UTC day before its first IST day
    (-28 * _D - _H, "mule_account", [-20 * _D], 1, 7_300.0),  # an hour before the window
    (-60 * _D, "account_takeover", [-50 * _D], 1, 4_100.0),  # made and reported before the window
    (-11 * _D, "qr_scam", [-8 * _D], 1, 2_350.0),
    (-13 * _D, None, [], 1, 430.0),  # a fraud never reported: it looks legitimate
    (1 * _D, "new_scam", [3 * _D], 1, 5_000.0),  # made after as_of
    (0 * _D, None, [], 1, 999.0),  # made exactly at as_of
    *[(-k * 1.7 * _D - k * _H, None, [], int(k % 4 == 0), 150.0 + 37 * k) for k in range(1, 16)],  # legitimate
    (-30 * _D, None, [], 1, 275.0), (2 * _D, None, [], 0, 320.0),
]
#: A report for a payment the record does not hold (made before it starts).
STRAY_REPORT = ("T-OLD", "account_takeover", -3 * _D)
#: Rows (by position in PAYMENTS) whose alert came after the day's review capacity was spent: alert 1, reviewed 0.
UNREVIEWED = (11,)  # the qr_scam of -11 days, known at as_of: alerted, never reviewed, so not caught
#: Rows whose app sent the amount in paise (x100): the record's amount_inr is wrong, the report's ledger is right.
AS_SENT = {1: 100.0}  # the account_takeover of -9 days


_DEDUPED_FIRST = ("it missed a fraud reported before as_of and again after it: it dropped the duplicate reports "
                  "before keeping those known at as_of; cut on reported_at first, then drop duplicates")
MISTAKES = {  # a wrong way to count the known frauds -> what to say, most telling first
    "hindsight": ("it counted a fraud reported after as_of: on as_of nobody knew it yet, and judging with later "
                  "reports is hindsight; keep the reports with reported_at < as_of"),
    "reported_at_as_of": ("it counted a fraud reported exactly at as_of: a report is known only strictly before "
                          "as_of (reported_at < as_of)"),
    "naive": ("it compares clock faces without their zones: as_of is in {zone} and the record in UTC; compare the "
              "aware timestamps as they are"),
    "window_on_reports": ("it picks the frauds by when they were reported: the window is on the payments "
                          "(event_timestamp); a report only has to come before as_of"),
    "days_ignored": "it ignores `days`: the window is the `days` days before as_of (here {days})",
    "before_window": ("it counted a fraud made more than {days} days before as_of: the window is "
                      "as_of - days <= event_timestamp < as_of"),
    "start_excluded": ("it missed a fraud made exactly {days} days before as_of: the window includes its start "
                       "(event_timestamp >= as_of - days)"),
    "twice": ("it counted a payment reported twice as two frauds: a payment counts once, however many reports it "
              "has; drop duplicate txn_ids"),
    "dedupe_first": _DEDUPED_FIRST,
    "dedupe_last": _DEDUPED_FIRST,
}


def known_frauds(record: pd.DataFrame, reports: pd.DataFrame, as_of: pd.Timestamp, days: int,
                 mistakes: tuple[str, ...] = ()) -> pd.DataFrame:
    """The window's payments with a report known at as_of (with their fraud_type), right or with `mistakes`."""
    made, reported, cut = record["event_timestamp"], reports["reported_at"], as_of
    if "naive" in mistakes:
        made, reported = (t.dt.tz_convert("UTC").dt.tz_localize(None) for t in (made, reported))
        cut = as_of.tz_localize(None)
    start = cut - pd.Timedelta(days=WINDOW_DAYS if "days_ignored" in mistakes else days)
    window = (made > start if "start_excluded" in mistakes else made >= start) & (made < cut)
    if {"before_window", "window_on_reports"} & set(mistakes):
        window = made < cut
    known = pd.Series(True, index=reports.index) if "hindsight" in mistakes else \
        reported <= cut if "reported_at_as_of" in mistakes else reported < cut
    if "window_on_reports" in mistakes:
        known &= reported >= start
    for keep in ("first", "last"):
        if f"dedupe_{keep}" in mistakes:
            known &= ~reports.duplicated("txn_id", keep=keep)
    found = reports[known] if "twice" in mistakes else reports[known].drop_duplicates("txn_id")
    return record[window].merge(found[["txn_id", "fraud_type", "ledger_amount_inr"]], on="txn_id")


def performance_table(frauds: pd.DataFrame) -> pd.DataFrame:
    """The right answer to 6.3 from the known frauds: one row per fraud type plus "all"."""
    def row(part: pd.DataFrame) -> dict[str, float]:
        hit = part["reviewed"].astype(bool)
        return {"cases": len(part), "caught": int(hit.sum()), "rupees": float(part["ledger_amount_inr"].sum()),
                "rupees_caught": float(part.loc[hit, "ledger_amount_inr"].sum())}

    rows = {str(kind): row(part) for kind, part in frauds.groupby("fraud_type")} | {"all": row(frauds)}
    table = pd.DataFrame.from_dict(rows, orient="index").astype(float)
    table["recall"] = table["caught"] / table["cases"].where(table["cases"] > 0)
    return table[COLUMNS]


def production(as_of: pd.Timestamp = AS_OF) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The production record (upi_fraud.monitoring.record's columns) and the fraud reports of PAYMENTS, around `as_of`."""
    at = as_of.tz_convert("UTC")
    n = len(PAYMENTS)
    ledger = [amount for *_, amount in PAYMENTS]
    alert = [alert for *_, alert, _ in PAYMENTS]
    record = pd.DataFrame({
        "txn_id": [f"T{k:04d}" for k in range(n)],
        "event_timestamp": pd.DatetimeIndex([at + made for made, *_ in PAYMENTS]).as_unit("ns"),
        "model_version": "3", "amount_inr": [a * AS_SENT.get(k, 1.0) for k, a in enumerate(ledger)],
        "channel": np.array(["intent", "collect", "qr"])[np.arange(n) % 3],
        "score": np.round(np.linspace(0.05, 0.95, n), 3), "alert": alert,
        "reviewed": [0 if k in UNREVIEWED else a for k, a in enumerate(alert)],
    }).sort_values("event_timestamp", kind="stable").reset_index(drop=True)
    reports = [(f"T{k:04d}", kind, at + offset, ledger[k]) for k, (_, kind, offsets, *_) in enumerate(PAYMENTS)
               for offset in offsets]
    reports.append((STRAY_REPORT[0], STRAY_REPORT[1], at + STRAY_REPORT[2], 3_333.0))
    frame = pd.DataFrame(reports, columns=["txn_id", "fraud_type", "reported_at", "ledger_amount_inr"])
    frame["reported_at"] = frame["reported_at"].astype("datetime64[ns, UTC]")
    return record, frame


def performance_cases() -> list[tuple[str, pd.DataFrame, pd.DataFrame, pd.Timestamp, int]]:
    """(what, record, reports, as_of, days) for 6.3."""
    record, reports = production()
    return [
        ("as_of = Monday 6 October, 00:00 IST (the record is in UTC), days=28", record, reports, AS_OF, 28),
        ("as_of = 13 October, 06:00 UTC, days=7", record, reports, pd.Timestamp("2025-10-13 06:00", tz="UTC"), 7),
        ("as_of = 9 September, 00:00 IST, days=28: no fraud in the window is reported yet", record, reports,
         AS_OF - 27 * _D, 28),
        ("as_of = 6 October in IST again, rows and reports shuffled, record indexed by txn_id",
         record.sample(frac=1.0, random_state=3).set_index("txn_id", drop=False).rename_axis(None),
         reports.sample(frac=1.0, random_state=4).reset_index(drop=True), AS_OF, 28),
    ]


def realistic_production(seed: int = 63) -> tuple[str, pd.DataFrame, pd.DataFrame, pd.Timestamp, int]:
    """About 3,000 payments over ten weeks, 3% fraud reported after 1 to 60 days (some twice, some never)."""
    rng = np.random.default_rng(seed)
    as_of = pd.Timestamp("2025-11-03 00:00", tz=story.TIMEZONE)
    n = 3000
    made = as_of.tz_convert("UTC") - pd.to_timedelta(np.sort(rng.uniform(-7, 63, n))[::-1], unit="D").round("s")
    fraud = rng.random(n) < 0.03
    kinds = rng.choice(story.FRAUD_TYPES, n, p=[0.25, 0.24, 0.18, 0.22, 0.11])
    record = pd.DataFrame({
        "txn_id": [f"R{k:05d}" for k in range(n)], "event_timestamp": made.as_unit("ns"),
        "amount_inr": np.round(np.exp(rng.normal(6.5, 1.2, n)), 2),
        "alert": np.where(fraud, rng.random(n) < 0.55, rng.random(n) < 0.015).astype(int),
        "score": rng.random(n).round(4), "model_version": "3",
    })
    record["reviewed"] = (record["alert"].astype(bool) & (rng.random(n) < 0.9)).astype(int)
    ledger = record.set_index("txn_id")["amount_inr"]
    rows = []
    for k in np.flatnonzero(fraud & (rng.random(n) < 0.85)):
        first = record["event_timestamp"].iloc[k] + pd.Timedelta(days=float(rng.exponential(12)) + 0.5)
        rows.append((record["txn_id"].iloc[k], kinds[k], first))
        if rng.random() < 0.1:
            rows.append((record["txn_id"].iloc[k], kinds[k], first + pd.Timedelta(days=float(rng.uniform(0, 9)))))
    reports = pd.DataFrame(rows, columns=["txn_id", "fraud_type", "reported_at"])
    reports["reported_at"] = reports["reported_at"].astype("datetime64[ns, UTC]")
    reports["ledger_amount_inr"] = reports["txn_id"].map(ledger).to_numpy(float)
    return ("about 3,000 payments over ten weeks, 3% fraud, reports late by 1 to 60 days, some twice",
            record, reports.sample(frac=1.0, random_state=seed).reset_index(drop=True), as_of, 28)
