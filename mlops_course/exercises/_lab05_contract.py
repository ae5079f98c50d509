"""Exercises 5.1 and 5.3: the batch contract in pandera, and the tests that prove it bites.

5.1 validates crafted batches against the learner's SCHEMA: a clean batch shaped like the dataset (category
columns, an int8 city_tier, labels riding along, a missing device OS, amounts at both bounds) must pass, and
each of fourteen broken batches (dtypes kept) must fail naming its column. 5.3 runs the learner's test file
(_bite.py) on the reference project, where every test must pass, and with each rule of the contract taken out
in turn (FAULTS: thirteen), where some test must fail.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
from upi_kit import story

from ..checks import Wrong, exercise
from ._bite import Faults, judge
from ._learner import learner_module

# ---------------------------------------------------------------- 5.1

LIMIT = float(story.P2M_LIMIT_INR)


def clean_batch() -> pd.DataFrame:
    """Six payments shaped like the dataset's: what every contract must let through."""
    cat = "category"
    return pd.DataFrame({
        "txn_id": [f"T{i:09d}" for i in range(1, 7)],
        "event_timestamp": pd.to_datetime(["2025-07-07 04:00", "2025-07-07 05:10", "2025-07-08 11:00",
                                           "2025-07-09 18:30", "2025-07-10 02:15", "2025-07-12 09:45"], utc=True),
        "customer_id": pd.Series(["C000001", "C000002", "C000003", "C000001", "C000004", "C000005"], dtype=cat),
        "payee_id": pd.Series(["P000010", "P000011", "P000012", "P000013", "P000010", "P000014"], dtype=cat),
        "payee_type": pd.Series(["p2m", "p2p", "p2m", "p2m", "p2m", "p2p"], dtype=cat),
        "merchant_category": pd.Series(["grocery", "p2p", "fuel", "travel", "health", "p2p"], dtype=cat),
        "amount_inr": [0.01, 250.0, 1_200.5, LIMIT, 99.0, 5_000.0],  # both bounds of NPCI's range
        "channel": pd.Series(["intent", "collect", "qr", "intent", "qr", "intent"], dtype=cat),
        "device_id": pd.Series(["D000001", "D000002", "D000003", "D000001", "D000004", "D000005"], dtype=cat),
        "device_os": pd.Series(["android", "ios", None, "android", "android", "ios"], dtype=cat),
        "app_version": pd.Series(["5.7.0", "4.9.0", "5.0.0", "5.7.0", "5.10.2", "4.9.0"], dtype=cat),
        "city_tier": pd.Series([1, 2, 3, 1, 2, 3], dtype="int8"),
        "is_fraud": pd.Series([0, 0, 1, 0, 0, 0], dtype="int8"),  # labels ride along with a batch
        "label_available_at": pd.to_datetime([None, None, "2025-07-20", None, None, None], utc=True),
    })


def _set(column: str, value: Any, row: int = 0) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A break: one value of one column, the column's dtype kept (a category gains the new value)."""

    def broken(batch: pd.DataFrame) -> pd.DataFrame:
        out = batch.copy()
        if isinstance(out[column].dtype, pd.CategoricalDtype) and value is not None:
            out[column] = out[column].cat.add_categories([value])
        out.loc[out.index[row], column] = value
        return out

    return broken


def _naive_times(batch: pd.DataFrame) -> pd.DataFrame:
    return batch.assign(event_timestamp=batch["event_timestamp"].dt.tz_localize(None))


#: (what is broken, the column the contract must name, the break).
BROKEN: tuple[tuple[str, str, Callable[[pd.DataFrame], pd.DataFrame]], ...] = (
    ("a channel 'nfc'", "channel", _set("channel", "nfc")),
    ("a payee type 'robot'", "payee_type", _set("payee_type", "robot")),
    ("a merchant category 'casino'", "merchant_category", _set("merchant_category", "casino")),
    ("a device OS 'symbian'", "device_os", _set("device_os", "symbian")),
    ("a city tier 7", "city_tier", _set("city_tier", 7)),
    ("an amount of ₹0", "amount_inr", _set("amount_inr", 0.0)),
    ("an amount of -₹5", "amount_inr", _set("amount_inr", -5.0)),
    ("an amount over NPCI's limit", "amount_inr", _set("amount_inr", LIMIT + 1)),
    ("an app version '5.7'", "app_version", _set("app_version", "5.7")),
    ("a missing customer_id", "customer_id", _set("customer_id", None, row=2)),
    ("a missing payee_id", "payee_id", _set("payee_id", None, row=3)),
    ("a missing device_id", "device_id", _set("device_id", None, row=4)),
    ("a txn_id sent twice", "txn_id", _set("txn_id", "T000000002")),
    ("timestamps without a time zone", "event_timestamp", _naive_times),
)


def _failing(schema: Any, batch: pd.DataFrame) -> list[tuple[str, str]]:
    """[(column, check)] of every failure, [] when the batch passes."""
    from pandera.errors import SchemaError, SchemaErrors

    try:
        schema.validate(batch.copy(), lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
        return sorted({(str(c), str(k)) for c, k in zip(cases["column"], cases["check"], strict=True)})
    except SchemaError as err:
        return [(str(getattr(getattr(err, "schema", None), "name", "") or "the batch"), str(err).splitlines()[0])]
    return []


def _schema(module: Any) -> Any:
    import pandera.pandas as pa

    if not isinstance(module, str):
        schema = module
    else:
        schema = getattr(learner_module(module), "SCHEMA", None)
    if schema is None:
        raise Wrong("there is no SCHEMA: assign your pa.DataFrameSchema(...) to SCHEMA.")
    if not isinstance(schema, pa.DataFrameSchema):
        raise Wrong(f"SCHEMA is {type(schema).__name__}: make it a pa.DataFrameSchema({{column: pa.Column(...)}}).")
    return schema


@exercise(
    "5.1",
    "the batch contract in pandera",
    hint=(
        "One pa.Column per column the model reads: its type where the dataset fixes it (txn_id str, "
        "event_timestamp a UTC pd.DatetimeTZDtype, amount_inr float, city_tier int), and a pa.Check for what "
        "the values may be: pa.Check.isin(...) for the categories of contract.py, a range for amounts.",
        "pa.Check.in_range(0.01, story.P2M_LIMIT_INR) includes both bounds; pa.Check.str_matches(APP_VERSION) "
        "for versions; unique=True on txn_id; nullable=True only where a value may be missing (device_os).",
        "The traps: the dataset's city_tier is int8, so pa.Column(int, ...) needs coerce=True; a batch carries "
        "its labels along, so keep strict=False; and pa.Column(str) on a category column fails its type.",
    ),
)
def batch_contract(module: Any) -> str:
    schema = _schema(module)
    clean = clean_batch()
    refused = _failing(schema, clean)
    if refused:
        column, check = refused[0]
        raise Wrong(f"your SCHEMA refuses a clean batch: {column} fails {check}. (Six payments shaped like the "
                    "dataset's: category columns, an int8 city_tier, labels riding along, one missing device OS, "
                    "amounts of ₹0.01 and exactly NPCI's limit.)")
    for what, column, broken in BROKEN:
        failed = _failing(schema, broken(clean))
        if not failed:
            raise Wrong(f"a batch with {what} passes your SCHEMA: give {column} a check that refuses it.")
        if column not in {c for c, _ in failed}:
            named = ", ".join(sorted({c for c, _ in failed}))
            raise Wrong(f"a batch with {what} fails, but on {named}, not on {column}: the sentence must name the "
                        "column to fix.")
    return (f"Right: a clean batch passes, and each of {len(BROKEN)} broken batches fails naming its column "
            "(categories, city tier, both amount bounds, app version, missing ids, a repeated txn_id, naive times).")


# ---------------------------------------------------------------- 5.3: the faults the learner's tests must catch


def _patched(change: Callable[[Any], Any]) -> Callable[[], Any]:
    """A fault: the reference SCHEMA object itself changed while pytest runs (in place, so a test that did
    `from upi_fraud.validation.batch_contract import SCHEMA` holds the faulty contract too), then restored."""

    @contextmanager
    def planted() -> Iterator[None]:
        schema = importlib.import_module("upi_fraud.validation.batch_contract").SCHEMA
        saved = dict(vars(schema))
        faulty = change(copy.deepcopy(schema))
        vars(schema).clear()
        vars(schema).update(vars(faulty))
        try:
            yield
        finally:
            vars(schema).clear()
            vars(schema).update(saved)

    return planted


def _without_checks(column: str) -> Callable[[Any], Any]:
    return lambda schema: schema.update_column(column, checks=[])


def _nullable(column: str) -> Callable[[Any], Any]:
    return lambda schema: schema.update_column(column, nullable=True)


def _strict(schema: Any) -> Any:
    schema.strict = True
    return schema


def _amount(check: str) -> Callable[[Any], Any]:
    def change(schema: Any) -> Any:
        import pandera.pandas as pa

        bound = pa.Check.le(LIMIT) if check == "le" else pa.Check.ge(0.01)
        return schema.update_column("amount_inr", checks=[bound])

    return change


#: {fault: (what the contract then misses, in the learner's words), the change}.
MISSES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "channel": ("accepts any channel", _without_checks("channel")),
    "payee_type": ("accepts any payee type", _without_checks("payee_type")),
    "merchant_category": ("accepts any merchant category", _without_checks("merchant_category")),
    "device_os": ("accepts any device OS", _without_checks("device_os")),
    "city_tier": ("accepts any city tier", _without_checks("city_tier")),
    "app_version": ("accepts any app version", _without_checks("app_version")),
    "amount_low": ("accepts amounts of zero and below", _amount("le")),
    "amount_high": ("accepts amounts over NPCI's limit", _amount("ge")),
    "txn_id": ("accepts a repeated txn_id", lambda schema: schema.update_column("txn_id", unique=False)),
    **{column: (f"accepts a payment without a {column}", _nullable(column))
       for column in ("customer_id", "payee_id", "device_id")},
    "strict": ("refuses every batch that carries its labels along (strict=True)", _strict),
}
FAULTS = {name: _patched(change) for name, (_, change) in MISSES.items()}


VERDICT = Faults("5.3", "contract", "on the reference project, where the contract is right",
                 {name: what for name, (what, _) in MISSES.items()},
                 {"": "add a test that breaks that rule in a clean week and asserts the contract names the column."},
                 "contracts that miss one rule")


@exercise(
    "5.3",
    "tests that prove the contract bites",
    hint=(
        "A contract test breaks one value of a clean week (the fixture clean_week) and asserts that the "
        "contract's sentences name the column: `assert column in failing_columns(batch)`. One test should also "
        "say that the clean week itself passes.",
        "@pytest.mark.parametrize(\"column, value\", [(\"channel\", \"nfc\"), ...]) runs one test per broken "
        "value: one per category column, the city tier, the app version, and an amount below and one above "
        "the range. Set it with batch.loc[batch.index[0], column] = value; a category column first needs "
        "the new value among its categories (.cat.add_categories); keep every column's dtype, so that only "
        "the value breaks the contract.",
        "A repeated txn_id is two rows: pd.concat([clean_week, clean_week.iloc[[0]]]); a missing id is a value "
        "set to None. The check plants thirteen faulty contracts, each missing one rule: a test must fail for "
        "each, and all must pass on the real one.",
    ),
)
def contract_tests(path: Any) -> str:
    return judge(path, "_lab05_contract", VERDICT)
