"""Crafted inputs for lab 05's checks: payments, model inputs, labels and workflow files where wrong answers differ.

Each builder returns frames with the dataset's own columns and dtypes, so a learner's code meets what it meets
on the real data (categories with unused values, NaN OS, UTC timestamps) plus the edge the case is about.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from upi_kit import story

from ..checks import Wrong

USUAL_MEDIAN = 500.0  # every "usual" amount column below has exactly this median
VERSIONS = [version for version, _ in story.APP_RELEASES]
START = pd.Timestamp("2025-09-08 04:30", tz="UTC")


def usual_amounts(n: int, seed: int) -> np.ndarray:
    """n rupee amounts from ₹68 to ₹3,695, shuffled, whose median is exactly ₹500 when n is odd."""
    amounts = USUAL_MEDIAN * np.exp(np.linspace(-2.0, 2.0, n))
    if n % 2:
        amounts[n // 2] = USUAL_MEDIAN
    return np.random.default_rng(seed).permutation(amounts)


def payments(groups: list[tuple[str, np.ndarray]], index: str = "range", seed: int = 0) -> pd.DataFrame:
    """A frame of payments with the dataset's columns: one group (app_version, amounts) after another."""
    versions = np.concatenate([[v] * len(a) for v, a in groups])
    amounts = np.concatenate([np.asarray(a, dtype=float) for _, a in groups])
    n, i = len(amounts), np.arange(len(amounts))
    os_ = np.array(["android", "ios", None], dtype=object)[i % 7 % 3]
    frame = pd.DataFrame({
        "txn_id": [f"T{seed:02d}{k:06d}" for k in i],
        "event_timestamp": START + pd.to_timedelta(i * 97, unit="s"),
        "customer_id": [f"C{k % 89:06d}" for k in i], "payee_id": [f"P{k % 61:06d}" for k in i],
        "payee_type": np.where(i % 4 == 0, "p2p", "p2m"),
        "merchant_category": np.array(["p2p", "food", "grocery", "fashion", "electronics"])[i % 5],
        "amount_inr": amounts, "channel": np.array(["intent", "collect", "qr"])[i % 3],
        "device_id": [f"D{k % 83:06d}" for k in i],
        "device_os": pd.Categorical(os_, categories=["android", "ios"]),
        "app_version": pd.Categorical(versions, categories=VERSIONS),
        "customer_state": np.array(["Karnataka", "Maharashtra", "Bihar"])[i % 3],
        "city_tier": (i % 3 + 1).astype("int8"), "is_fraud": np.zeros(n, dtype="int8"),
        "fraud_type": pd.Categorical([None] * n, categories=["account_takeover", "collect_scam"]),
        "label_available_at": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]"),
    })
    return relabel(frame, index, seed)


def relabel(frame: pd.DataFrame, index: str, seed: int) -> pd.DataFrame:
    """The frame with another index: "range" (as built), "txn" (txn_id strings) or "shuffled" (rows shuffled,
    unordered integer labels from 7000)."""
    if index == "txn":
        return frame.set_index(frame["txn_id"].rename(None), drop=False)
    if index == "shuffled":
        n = len(frame)
        order = np.random.default_rng(seed).permutation(n)
        return frame.iloc[order].set_axis(7000 + np.random.default_rng(seed + 1).permutation(n) * 3)
    return frame


def _usual(version: str, n: int, seed: int, times: float = 1.0) -> tuple[str, np.ndarray]:
    return version, usual_amounts(n, seed) * times


def unit_change_cases() -> list[tuple[str, pd.DataFrame, pd.DataFrame, dict]]:
    """(what, batch, reference, keyword arguments) for 5.2."""
    reference = payments([_usual("5.5.1", 201, 1), _usual("5.6.0", 200, 2)], seed=1)
    big_spenders = usual_amounts(61, 5)
    big_spenders[[3, 30, 47]] = [480_000.0, 500_000.0, 520_000.0]
    return [
        ("the paise week: 5.7.0 sends amounts x100 on a quarter of the batch",
         payments([_usual("5.6.0", 301, 3), _usual("5.7.0", 101, 4, 100.0)], seed=2), reference, {}),
        ("rupees read as hundreds: 4.9.0 sends amounts /100",
         payments([_usual("5.6.0", 200, 6), _usual("4.9.0", 41, 7, 0.01)], seed=3), reference, {}),
        ("5.5.1 has three legitimate payments of about ₹5 lakh among 61",
         payments([_usual("5.6.0", 200, 8), ("5.5.1", big_spenders)], seed=4), reference, {}),
        ("5.8.0 has only 5 payments, at x100",
         payments([_usual("5.6.0", 200, 9), _usual("5.8.0", 5, 10, 100.0)], seed=5), reference, {}),
        ("5.9.0 has exactly min_rows (20) payments at x100; 5.4.0's median is exactly x10 and 5.3.0's exactly /10",
         payments([_usual("5.6.0", 200, 11), _usual("5.9.0", 20, 12, 100.0), _usual("5.4.0", 21, 13, 10.0),
                   _usual("5.3.0", 21, 14, 0.1)], seed=6), reference, {}),
        ("the festive season: every version spends x1.4; app_version has unused categories, the index is txn_id",
         payments([_usual("5.6.0", 150, 15, 1.4), _usual("5.7.0", 90, 16, 1.4)], index="txn", seed=7), reference,
         {}),
        ("factor=50 and min_rows=30: 5.5.0 at x20 (40 rows), 5.7.0 at x100 (25 rows), 4.8.0 at /60 (40 rows), "
         "rows shuffled", payments([_usual("5.6.0", 120, 17), _usual("5.5.0", 40, 18, 20.0),
                                    _usual("5.7.0", 25, 19, 100.0), _usual("4.8.0", 40, 20, 1 / 60)],
                                   index="shuffled", seed=8), reference, {"factor": 50.0, "min_rows": 30}),
    ]


# ---------------------------------------------------------------- 5.4

V1 = ["channel", "payee_type", "merchant_category", "device_os", "amount_inr", "hour_ist", "day_of_week",
      "city_tier", "new_device"]
V2_EXTRA = ["cust_txn_1h", "cust_txn_24h", "cust_txn_7d", "cust_amt_1h", "cust_amt_24h", "cust_amt_7d",
            "payee_payers_24h", "amount_vs_7d_avg", "device_age_days", "new_payee"]
HOURS = [0, 2, 4, 5, 9, 12, 18, 20, 21, 23]  # three already at night in IST
NEW_DEVICE = [1, 0, 0, 1, 0, 0, 0, 1, 1, 0]
NEW_PAYEE = [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]


def model_inputs(feature_set: str = "v1", shuffled: bool = False) -> pd.DataFrame:
    """Ten payments as the model sees them (features.model_inputs), feature set v1 or v2."""
    n = len(HOURS)
    x = pd.DataFrame({
        "channel": ["qr", "intent", "collect", "qr", "intent", "qr", "collect", "intent", "qr", "intent"],
        "payee_type": ["p2m", "p2p", "p2p", "p2m", "p2m", "p2m", "p2p", "p2m", "p2m", "p2p"],
        "merchant_category": ["food", "p2p", "p2p", "grocery", "fashion", "food", "p2p", "electronics", "travel",
                              "p2p"],
        "device_os": ["android", "ios", "android", "unknown", "android", "ios", "android", "android", "ios",
                      "android"],
        "amount_inr": usual_amounts(n, 21), "hour_ist": HOURS, "day_of_week": [i % 7 for i in range(n)],
        "city_tier": [1, 2, 3, 1, 2, 3, 1, 2, 3, 1], "new_device": NEW_DEVICE,
    })
    if feature_set == "v2":
        rng = np.random.default_rng(22)
        for name in V2_EXTRA:
            x[name] = rng.integers(0, 9, n).astype(float)
        x["amount_vs_7d_avg"] = np.round(rng.uniform(0.2, 3.0, n), 3)
        x["device_age_days"] = rng.uniform(0, 400, n).round(1)
        x["new_payee"] = NEW_PAYEE
    if shuffled:
        x = x.iloc[np.random.default_rng(23).permutation(n)]
        x.index = [907, 3, 55, 12, 600, 41, 8, 333, 70, 19]
    return x


class Model:
    """A crafted model that scores one column and remembers every frame predict was called with."""

    def __init__(self, score: Any, series: bool = False) -> None:
        self.score, self.series, self.calls = score, series, []

    def __call__(self, frame: Any) -> Any:
        if not isinstance(frame, pd.DataFrame):
            raise Wrong(f"predict was called with {type(frame).__name__}: pass a DataFrame of model inputs, the "
                        "model reads its columns by name.")
        self.calls.append(frame.copy())
        scores = np.asarray(self.score(frame), dtype=float)
        return pd.Series(scores, index=frame.index) if self.series else scores


def direction_cases() -> list[tuple[str, pd.DataFrame, Model]]:
    amount, night = (lambda f: np.log1p(f["amount_inr"])), (lambda f: f["hour_ist"].isin(story.NIGHT_HOURS_IST))
    return [
        ("a model that ignores its inputs (a constant score)", model_inputs(),
         Model(lambda f: np.full(len(f), 0.2))),
        ("a model that reads only the amount", model_inputs(), Model(amount)),
        ("a model that reads only whether hour_ist is a night hour; 3 of 10 rows are at night already",
         model_inputs(), Model(night)),
        ("a model that reads only new_device; 4 of 10 rows are on a new device already", model_inputs(),
         Model(lambda f: f["new_device"])),
        ("feature set v2, a model that reads only new_payee", model_inputs("v2"), Model(lambda f: f["new_payee"])),
        ("feature set v2, a model that reads only amount_vs_7d_avg", model_inputs("v2"),
         Model(lambda f: f["amount_vs_7d_avg"])),
        ("rows shuffled, index 907, 3, 55, ...; a model that reads only the amount and returns a Series",
         model_inputs(shuffled=True), Model(amount, series=True)),
        ("feature set v2, rows shuffled; a night-hour model that returns a Series", model_inputs("v2", True),
         Model(night, series=True)),
    ]


# ---------------------------------------------------------------- 5.8

AS_OF_IST = pd.Timestamp("2025-09-01 00:00", tz=story.TIMEZONE)  # 2025-08-31 18:30 UTC


def label_rows(as_of: pd.Timestamp) -> pd.DataFrame:
    """Payments around `as_of`: (made, is_fraud, reported) offsets from as_of, with the right label (None: out)."""
    h, never = pd.Timedelta(hours=1), None
    rows = [  # (made, is_fraud, reported, label)
        (-72 * h, 0, never, 0), (-48 * h, 1, -24 * h, 1), (-48 * h, 1, 0 * h, 0), (-24 * h, 1, 240 * h, 0),
        (-120 * h, 1, never, 0), (0 * h, 0, never, None), (1.5 * h, 1, 2 * h, None), (-pd.Timedelta("1s"), 0, never, 0),
        (48 * h, 1, 72 * h, None), (-240 * h, 1, -pd.Timedelta("1s"), 1), (-30 * h, 0, never, 0),
        (-3 * h, 0, never, 0), (4 * h, 0, never, None),
    ]
    at = as_of.tz_convert("UTC")
    return pd.DataFrame({
        "event_timestamp": [at + made for made, *_ in rows],
        "is_fraud": np.array([f for _, f, _, _ in rows], dtype="int8"),
        "label_available_at": pd.to_datetime([pd.NaT if r is None else at + r for _, _, r, _ in rows], utc=True),
        "label": [label for *_, label in rows],
    })


def label_cases() -> list[tuple[str, pd.DataFrame, pd.Timestamp, pd.Series]]:
    """(what, tx, as_of, the right labels) for 5.8: as_of in IST or UTC, rows shuffled, another index."""
    out = []
    for what, as_of, index in [("as_of = midnight IST, 1 September (tx in UTC), indexed by txn_id", AS_OF_IST, "txn"),
                               ("as_of = 06:00 UTC, 1 October, rows shuffled",
                                pd.Timestamp("2025-10-01 06:00", tz="UTC"), "shuffled")]:
        rows = label_rows(as_of)
        tx = payments([("5.6.0", usual_amounts(len(rows), 24))], seed=9)
        for column in ("event_timestamp", "is_fraud", "label_available_at", "label"):
            tx[column] = rows[column].to_numpy()
        tx["label_available_at"] = tx["label_available_at"].astype("datetime64[ns, UTC]")
        tx["fraud_type"] = pd.Categorical(np.where(tx["is_fraud"] == 1, "account_takeover", None),
                                          categories=["account_takeover", "collect_scam"])
        tx = relabel(tx, index, seed=10)
        labels = tx.pop("label").dropna().astype(int).rename("label")
        out.append((what, tx, as_of, labels))
    return out


# ---------------------------------------------------------------- 5.7

RIGHT_WORKFLOW = """\
name: ci
on:
  pull_request:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
          cache: pip
      - run: pip install -r requirements.txt
      - run: make ci
"""


def workflow_variant(*substitutions: tuple[str, str]) -> str:
    """RIGHT_WORKFLOW with each (old, new) replaced once: a crafted workflow for the tests and the notebook."""
    text = RIGHT_WORKFLOW
    for old, new in substitutions:
        if old not in text:
            raise ValueError(f"not in the workflow: {old!r}")
        text = text.replace(old, new, 1)
    return text


#: Workflows a check must accept: another layout of triggers, a matrix, flags, a longer script.
RIGHT_WORKFLOWS = {
    "right": RIGHT_WORKFLOW,
    "list-of-events": workflow_variant(("on:\n  pull_request:\n  push:\n    branches: [main]\n",
                                        "on: [push, pull_request]\n")),
    "matrix": workflow_variant(("    runs-on: ubuntu-latest\n", "    runs-on: ${{ matrix.os }}\n    strategy:\n"
                                "      matrix:\n        os: [ubuntu-latest]\n        python: [\"3.11\"]\n"),
                               ('python-version: "3.11"', "python-version: ${{ matrix.python }}")),
    "make-flags": workflow_variant(("- run: make ci", "- name: lint, tests, gates\n        run: |\n"
                                    "          make -j2 ci DATA_SIZE=ci\n          echo done")),
    "pull-request-branches": workflow_variant(("  pull_request:\n", "  pull_request:\n    branches: [main]\n")),
    "python-m-pip": workflow_variant(("- run: pip install -r requirements.txt", "- run: |\n          python -m pip "
                                      "install --upgrade pip\n          python -m pip install -r requirements.txt")),
    "editable-install": workflow_variant(("- run: pip install -r requirements.txt", "- run: pip install -e .")),
    "if-names-pull-requests": workflow_variant(("    runs-on: ubuntu-latest\n", "    if: github.event_name == "
                                                "'pull_request' || github.event_name == 'push'\n    runs-on: ubuntu-latest\n")),
}

#: Typical wrong workflows, by name (the unit tests assert each one's message).
WRONG_WORKFLOWS = {
    "no-runs-on": workflow_variant(("    runs-on: ubuntu-latest\n", "")),
    "make-test": workflow_variant(("- run: make ci", "- run: make test")),
    "no-checkout": workflow_variant(("      - uses: actions/checkout@v4\n", "")),
    "checkout-late": workflow_variant(("      - uses: actions/checkout@v4\n", ""), ("      - run: make ci\n",
                                      "      - run: make ci\n      - uses: actions/checkout@v4\n")),
    "push-only": workflow_variant(("  pull_request:\n", "")),
    "unquoted-3.10": workflow_variant(('python-version: "3.11"', "python-version: 3.10")),
    "unquoted-3.11": workflow_variant(('python-version: "3.11"', "python-version: 3.11")),
    "other-python": workflow_variant(('python-version: "3.11"', 'python-version: "3.12"')),
    "no-setup-python": workflow_variant(('      - uses: actions/setup-python@v5\n        with:\n          '
                                         'python-version: "3.11"\n          cache: pip\n', "")),
    "pull-request-target": workflow_variant(("  pull_request:\n", "  pull_request_target:\n")),
    "skipped-on-pr": workflow_variant(("    runs-on: ubuntu-latest\n",
                                       "    if: github.event_name == 'push'\n    runs-on: ubuntu-latest\n")),
    "run-and-uses": workflow_variant(("      - run: pip install -r requirements.txt\n      - run: make ci\n",
                                      "        run: make ci\n")),
    "tabs": RIGHT_WORKFLOW.replace("    runs-on", "\t runs-on"),
    "no-install": workflow_variant(("      - run: pip install -r requirements.txt\n", "")),
    "install-after-ci": workflow_variant(("      - run: pip install -r requirements.txt\n      - run: make ci\n",
                                          "      - run: make ci\n      - run: pip install -r requirements.txt\n")),
    "install-before-python": workflow_variant(("      - run: pip install -r requirements.txt\n", ""),
                                              ("      - uses: actions/setup-python@v5\n",
                                               "      - run: pip install -r requirements.txt\n"
                                               "      - uses: actions/setup-python@v5\n")),
    "install-no-r": workflow_variant(("pip install -r requirements.txt", "pip install requirements.txt")),
    "install-a-tool-only": workflow_variant(("pip install -r requirements.txt", "pip install --upgrade pip")),
}
