"""Exercise 7.3's check, the shadow week's judgement: judge(shadow, champion, payments, end, allowed) on crafted
weeks where the usual mistakes give another Shadow.

A week of 400 payments over two IST days. The champion's decisions come in another order than the shadow's (so a
comparison by position pairs the wrong payments); one day has more challenger alerts than the team can review (so
alerted is not caught); frauds are reported before the week's end, exactly at it, after it, or never. The right
Shadow is computed here, field by field, from the rules the exercise states.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
from upi_kit import metrics

from ..checks import Wrong, call_learner

END = pd.Timestamp("2025-12-08 00:00", tz="Asia/Kolkata")


def week(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(payments, shadow decisions, champion decisions in another order) of a crafted week."""
    rng = np.random.default_rng(seed)
    n = 400
    index = pd.Index(np.arange(1000, 1000 + n), name="row")
    when = END - pd.Timedelta(days=2) + pd.to_timedelta(np.sort(rng.uniform(0, 2 * 86400, n)), unit="s")
    fraud = np.zeros(n, dtype=bool)
    fraud[rng.choice(n, 40, replace=False)] = True
    reported = pd.Series(pd.NaT, index=index, dtype="datetime64[ns, Asia/Kolkata]")
    delays = rng.choice([-2.0, -0.5, 0.0, 3.0], size=n)  # days before the week's end (0: exactly at it)
    reported[fraud] = END + pd.to_timedelta(delays[fraud], unit="D")
    payments = pd.DataFrame({"event_timestamp": when.tz_convert("UTC"), "is_fraud": fraud.astype(int),
                             "label_available_at": reported}, index=index)
    shadow_alert = (rng.random(n) < 0.03) | fraud & (rng.random(n) < 0.6)
    shadow_alert[:12] = True  # the first day's first payments: more alerts than the day's budget reviews
    champion_alert = (rng.random(n) < 0.03) | fraud & (rng.random(n) < 0.4)
    shadow = pd.DataFrame({"alert": shadow_alert.astype(int)}, index=index)
    champion = pd.DataFrame({"alert": champion_alert.astype(int)}, index=index).sample(frac=1, random_state=seed)
    return payments, shadow, champion


def expected(shadow: pd.DataFrame, champion: pd.DataFrame, payments: pd.DataFrame, allowed: float) -> dict[str, Any]:
    """The right Shadow's fields."""
    champ = champion["alert"].reindex(shadow.index)
    rows = payments.loc[shadow.index]
    known = rows["is_fraud"].astype(bool) & (rows["label_available_at"] < END)
    rate = float(shadow["alert"].mean())
    return {"ok": bool(champion.index.isin(shadow.index).all() and rate <= allowed), "payments": len(shadow),
            "agreement": round(float((shadow["alert"] == champ).mean()), 4), "alert_rate": round(rate, 4),
            "champion_alert_rate": round(float(champ.mean()), 4), "allowed_alert_rate": round(allowed, 4),
            "frauds_known": int(known.sum()),
            "caught_known": int((known & metrics.reviewed(rows["event_timestamp"], shadow["alert"])).sum()),
            "champion_caught_known": int((known & metrics.reviewed(rows["event_timestamp"], champ)).sum())}


def cases() -> list[tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame, float]]:
    """(what, shadow, champion, payments, allowed alert rate)."""
    payments, shadow, champion = week()
    rate = float(shadow["alert"].mean())
    allowed = round(rate + 0.02, 4)
    return [
        ("a week the challenger scored whole, within the allowed rate", shadow, champion, payments, allowed),
        ("a week where the challenger missed 3 payments", shadow.iloc[3:], champion, payments, allowed),
        ("a week where its alert rate is exactly the allowed rate", shadow, champion, payments, rate),
        ("a week where its alert rate is above the allowed rate", shadow, champion, payments, rate - 0.001),
    ]


ADVICE = {
    "ok": ("ok is True only when the challenger scored every payment the champion did (champion.index.isin(shadow."
           "index).all()) and its alert rate is at most the allowed rate (<=)"),
    "agreement": ("compare the two models payment by payment: the champion's decisions come in another order, so "
                  "align them on the index first (champion[\"alert\"].reindex(shadow.index)), never by position"),
    "champion_alert_rate": "the champion's alert rate on the same payments as the shadow's (aligned on the index)",
    "frauds_known": ("a fraud is known when its report arrived strictly before the week's end: "
                     "is_fraud & (label_available_at < end); a report at the end or after it is not known yet"),
    "caught_known": ("caught means reviewed, not alerted: metrics.reviewed(event_timestamp, alert) applies the day's "
                     "capacity; an alert past it catches nothing"),
    "champion_caught_known": "the champion's caught frauds, reviewed, on the same payments (aligned on the index)",
}


def judge(func: Any, shadow_class: type) -> str:
    for what, shadow, champion, payments, allowed in cases():
        kept = [f.copy(deep=True) for f in (shadow, champion, payments)]
        out = call_learner(func, "judge", shadow, champion, payments, END, allowed)
        if not isinstance(out, shadow_class):
            raise Wrong(f"judge returned {type(out).__name__}: return a Shadow (state.py) with every field.")
        if not all(a.equals(b) for a, b in zip(kept, (shadow, champion, payments), strict=True)):
            raise Wrong(f"judge changed a frame it was given: it only reads. (On {what}.)")
        got, want = asdict(out), expected(shadow, champion, payments, allowed)
        for field, right in want.items():
            value = got.get(field)
            same = value == right if isinstance(right, bool | int) else np.isclose(float(value), right, atol=1e-4)
            if not same:
                advice = ADVICE.get(field, f"{field} is {right!r} here")
                raise Wrong(f"on {what}, {field} is {value!r} where it should be {right!r}: {advice}.")
    return ("Right on 4 crafted weeks: the champion's decisions in another order, a challenger that missed payments, "
            "an alert rate exactly at and just above the allowed one, a day with more alerts than the team reviews, "
            "and reports before, exactly at and after the week's end.")
