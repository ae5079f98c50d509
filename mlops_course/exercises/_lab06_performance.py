"""The 6.3 check's judgement: what is wrong in a learner's performance table, named (lab 06).

Split from lab06.py: the table's shape, the count of known frauds (with every wrong way of cutting reports and
windows tried), then each row's caught, recall and rupees (reviewed alerts only, at ledger amounts).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pandas as pd

from ..checks import Wrong
from . import _lab06_cases as cases

COLUMNS = cases.COLUMNS


def _same(got: float, want: float) -> bool:
    """Equal numbers, NaN equal to NaN."""
    return (math.isnan(got) and math.isnan(want)) or math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)


def _performance_table(out: Any) -> pd.DataFrame:
    if not isinstance(out, pd.DataFrame):
        raise Wrong(f"performance_as_of returned {type(out).__name__}: return a DataFrame, one row per fraud type "
                    "plus 'all'.")
    missing = [c for c in COLUMNS if c not in out.columns]
    if missing:
        raise Wrong(f"the table has no column {', '.join(missing)}: it needs {', '.join(COLUMNS)} (in any order).")
    index = out.index.astype(str)
    if "all" not in index:
        if "fraud_type" in out.columns:
            raise Wrong("the fraud types are a column: index the table by fraud type (set_index), with a row 'all'.")
        raise Wrong("there is no row 'all': add one for all the known frauds together (the policy's floor "
                    "recall:all judges it).")
    if not index.is_unique:
        raise Wrong(f"the index repeats {sorted(set(index[index.duplicated()]))}: one row per fraud type.")
    try:
        return out[COLUMNS].set_axis(index).astype(float)
    except (TypeError, ValueError):
        raise Wrong(f"the columns {', '.join(COLUMNS)} should hold numbers.") from None


def _count_mistake(got: pd.Series, want: pd.Series, args: tuple) -> str:
    if _same(got["cases"], want["cases"]) and _same(got["rupees"], want["rupees_caught"]):
        return ("rupees is the amount of the frauds it caught: rupees is the amount of all the known frauds, "
                "rupees_caught of the reviewed ones")
    right = cases.known_frauds(*args)
    if _same(got["cases"], want["cases"]) and _same(got["rupees"], float(right["amount_inr"].sum())):
        return ("rupees adds the amounts the app sent (the record's amount_inr), which a broken release gets wrong "
                "(one of these was sent in paise): value each fraud at its report's ledger_amount_inr, what the "
                "payment really was")
    zone, days = args[2].tzname(), args[3]
    for combo in itertools.chain(([m] for m in cases.MISTAKES), itertools.combinations(cases.MISTAKES, 2)):
        frauds = cases.known_frauds(*args, tuple(combo))
        if _same(got["cases"], len(frauds)) and _same(got["rupees"], float(frauds["ledger_amount_inr"].sum())):
            return "; and ".join(dict.fromkeys(cases.MISTAKES[m].format(zone=zone, days=days) for m in combo))
    return (f"it counts {got['cases']:g} known frauds worth ₹{got['rupees']:,.0f}, but at as_of the bank knew "
            f"{want['cases']:g} worth ₹{want['rupees']:,.0f}: payments made as_of - days <= event_timestamp < as_of "
            "with a report before as_of, each once")


def _row_mistake(name: str, got: pd.Series, want: pd.Series, window: pd.DataFrame,
                 frauds: pd.DataFrame) -> str | None:
    """What is wrong in one row of the table, whose frauds are right in number (None: nothing)."""
    every, n = name == "all", len(window)
    alerted = float(window.loc[window["alert"].astype(bool), "amount_inr"].sum())
    alerts = int(window["alert"].astype(bool).sum())
    reviews = int(window["reviewed"].astype(bool).sum())
    mine = frauds if every else frauds[frauds["fraud_type"].astype(str) == name]
    alerted_frauds = int(mine["alert"].astype(bool).sum())
    alerted_inr = float(mine.loc[mine["alert"].astype(bool), "ledger_amount_inr"].sum())
    unreviewed = ("it counts the frauds that raised an alert, but an alert the team did not review (its day's "
                  "capacity was spent) caught nothing: count the record's `reviewed`, not `alert`")
    guesses = {  # column -> (whether a typical wrong answer gives it, what to say); the last one always applies
        "cases": [(True, f"the row {name} counts {got['cases']:g} frauds worth ₹{got['rupees']:,.0f}, but "
                         f"{want['cases']:g} worth ₹{want['rupees']:,.0f} are known: group the known frauds by their "
                         "fraud_type")],
        "caught": [(every and (_same(got["caught"], alerts) or _same(got["caught"], reviews)),
                    f"caught counts every alert in the window ({alerts}, {reviews} of them reviewed): count the "
                    "known frauds the team reviewed"),
                   (_same(got["caught"], alerted_frauds), unreviewed),
                   (True, f"the row {name} has caught {got['caught']:g}, but {want['caught']:g} of its known frauds "
                          "have reviewed 1")],
        "recall": [(math.isnan(want["recall"]), f"the row {name} has no known fraud, so its recall is unknown: NaN, "
                                                f"not {got['recall']:g} (0 of 0 is neither 0% nor 100%)"),
                   (every and n > 0 and _same(got["recall"], want["caught"] / n),
                    f"the recall divides by every payment in the window ({n}): recall is caught / cases, the share "
                    "of the known frauds the model alerted on"),
                   (_same(got["recall"], 100 * want["recall"]), "the recall is a percentage: keep it a share between "
                                                                "0 and 1 (caught / cases)"),
                   (True, f"the row {name} has recall {got['recall']:.4g}: caught / cases is {want['recall']:.4g}")],
        "rupees_caught": [
            (_same(got["rupees_caught"], want["rupees"]), "rupees_caught is the amount of all the known frauds: it is "
                                                          "the amount of those the team reviewed (rupees is all)"),
            (every and _same(got["rupees_caught"], alerted), "rupees_caught sums every alerted payment in the window: "
                                                             "only the known frauds the team reviewed count"),
            (_same(got["rupees_caught"], alerted_inr), unreviewed),
            (True, f"the row {name} has rupees_caught ₹{got['rupees_caught']:,.0f}: the reviewed known frauds are "
                   f"worth ₹{want['rupees_caught']:,.0f} (their ledger amounts)")],
    }
    guesses["rupees"] = guesses["cases"]
    for column in ("cases", "rupees", "caught", "recall", "rupees_caught"):
        if not _same(got[column], want[column]):
            return next(why for applies, why in guesses[column] if applies)
    return None


def _performance_mistake(got: pd.DataFrame, args: tuple) -> str | None:
    record, _, as_of, days = args
    want = cases.performance_table(cases.known_frauds(*args))
    if not (_same(got.loc["all", "cases"], want.loc["all", "cases"])
            and _same(got.loc["all", "rupees"], want.loc["all", "rupees"])):
        return _count_mistake(got.loc["all"], want.loc["all"], args)
    kinds, theirs = set(want.index) - {"all"}, set(got.index[got["cases"] != 0]) - {"all"}
    for kind in sorted(kinds - theirs):
        return (f"there is no row for {kind}, which has {want.loc[kind, 'cases']:g} known frauds in the window: one "
                "row per fraud type among the known frauds, plus 'all'")
    for kind in sorted(theirs - kinds):
        return f"the row {kind} counts {got.loc[kind, 'cases']:g} frauds, but no {kind} fraud is known in the window"
    made = record["event_timestamp"]
    window = record[(made >= as_of - pd.Timedelta(days=days)) & (made < as_of)]
    frauds = cases.known_frauds(*args)
    return next((m for kind in ["all", *sorted(kinds)] if (m := _row_mistake(kind, got.loc[kind], want.loc[kind],
                                                                             window, frauds))), None)
