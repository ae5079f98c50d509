"""The on-demand view's function: every window of the model, computed at request time (exercise 3.3, lab 03).

definitions.py turns it into the on-demand feature view `behaviour`. Feast runs this function from its
source text, in a namespace of its own: everything it uses lives inside it (no constant or import from
the top of this file), and its annotations are plain built-in types.
"""


def behaviour(inputs: dict) -> dict:
    """The windows (t - w, t) over the stored recent events, at the request's time t.

    `inputs` holds one list per input, one item per request. Return {name: [one float per request]} for
    every output of the view (state.OUTPUTS). A missing list or value arrives as None online, NaN offline.
    """
    ### BEGIN SOLUTION 3.3
    windows = {"1h": 3_600.0, "24h": 86_400.0, "7d": 604_800.0}
    nan = float("nan")

    def events(x: list | float | None) -> list:  # a missing list arrives as None (online) or NaN (offline)
        return [] if x is None or isinstance(x, float) else list(x)

    def known(x: float | None) -> bool:  # a missing number arrives as None or NaN (not equal to itself)
        return x is not None and x == x

    names = ["cust_txn_1h", "cust_txn_24h", "cust_txn_7d", "cust_amt_1h", "cust_amt_24h", "cust_amt_7d",
             "payee_payers_24h", "amount_vs_7d_avg", "device_age_days", "new_payee"]
    out: dict = {name: [] for name in names}
    rows = zip(inputs["txn_ts"], inputs["amount_inr"], inputs["cust_recent_ts"], inputs["cust_recent_amount"],
               inputs["payee_recent_ts"], inputs["payee_recent_payer"], inputs["first_payment_ts"],
               inputs["first_seen_ts"], strict=True)
    for now, amount, c_ts, c_amt, p_ts, p_payer, first_pay, first_seen in rows:
        for name, w in windows.items():
            inside = [a for s, a in zip(events(c_ts), events(c_amt), strict=True) if 0 < now - s < w]
            out[f"cust_txn_{name}"].append(float(len(inside)))
            out[f"cust_amt_{name}"].append(float(sum(inside)))
        payers = {p for s, p in zip(events(p_ts), events(p_payer), strict=True) if 0 < now - s < 86_400.0}
        out["payee_payers_24h"].append(float(len(payers)))
        n7, a7 = out["cust_txn_7d"][-1], out["cust_amt_7d"][-1]
        out["amount_vs_7d_avg"].append(amount / (a7 / n7) if n7 > 0 else nan)
        age = (now - first_seen) / 86_400 if known(first_seen) else nan
        out["device_age_days"].append(age if age >= 0 else nan)
        out["new_payee"].append(0.0 if known(first_pay) and first_pay < now else 1.0)
    return out
    ### END SOLUTION
