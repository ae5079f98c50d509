"""Specification of the course dataset (mlops_course.data): determinism, story, typologies, scenarios."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp
from upi_kit import data, story

from mlops_course import periods, workspace

ROOT = Path(__file__).resolve().parents[2]
TX_COLUMNS = {
    "txn_id": "object",
    "event_timestamp": "datetime64[ns, UTC]",
    "customer_id": "category",
    "payee_id": "category",
    "payee_type": "category",
    "merchant_category": "category",
    "amount_inr": "float64",
    "ledger_amount_inr": "float64",
    "channel": "category",
    "device_id": "category",
    "device_os": "category",
    "app_version": "category",
    "customer_state": "category",
    "city_tier": "int8",
    "is_fraud": "int8",
    "fraud_type": "category",
    "label_available_at": "datetime64[ns, UTC]",
}
ALL_BUT = {s: tuple(x for x in data.SCENARIO_NAMES if x != s) for s in data.SCENARIO_NAMES}


# --- fixtures: generated once per module -------------------------------------------------


@pytest.fixture(scope="module")
def ci() -> data.UPIData:
    return data.generate("ci")


@pytest.fixture(scope="module")
def tx(ci) -> pd.DataFrame:
    return ci.transactions


@pytest.fixture(scope="module")
def ist_day(tx) -> pd.Series:
    return periods.ist_dates(tx.event_timestamp)


@pytest.fixture(scope="module")
def ist_hour(tx) -> pd.Series:
    return periods.ist_hours(tx.event_timestamp)


@pytest.fixture(scope="module")
def off() -> dict[str, data.UPIData]:
    """The ci dataset with one scenario switched off, per scenario."""
    return {s: data.generate("ci", scenarios=ALL_BUT[s]) for s in data.SCENARIO_NAMES}


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(workspace.DATA_CACHE_ENV, str(tmp_path / "cache"))
    return workspace.data_cache_dir()


def between(days: pd.Series, first: date, last: date) -> pd.Series:
    return (days >= first) & (days <= last)


def of_type(tx: pd.DataFrame, fraud_type: str) -> pd.DataFrame:
    return tx[tx.fraud_type == fraud_type]


# --- determinism and caching ----------------------------------------------------------------


def test_same_seed_and_size_give_the_same_data(ci):
    again = data.generate("ci", seed=42)
    assert again.digest == ci.digest
    pd.testing.assert_frame_equal(again.transactions, ci.transactions)
    for table in ("customers", "payees", "devices"):
        pd.testing.assert_frame_equal(getattr(again, table), getattr(ci, table))


def test_different_seeds_give_different_data(ci):
    assert data.generate("ci", seed=43).digest != ci.digest


def test_explicit_n_transactions_gives_exactly_that_many_rows():
    small = data.generate(n_transactions=5_000, seed=1)
    assert len(small.transactions) == 5_000
    assert small.n_transactions == 5_000
    assert data.generate(n_transactions=5_000, seed=1).digest == small.digest


def test_sizes_are_named_and_ci_is_about_20k(tx):
    assert {"ci", "default", "large"} <= set(data.SIZES)
    assert data.SIZES["ci"] < data.SIZES["default"] < data.SIZES["large"]
    assert len(tx) == data.SIZES["ci"] == 20_000


def test_entity_counts_scale_with_size(ci):
    bigger = data.generate(n_transactions=60_000)
    for table in ("customers", "payees", "devices"):
        assert len(getattr(bigger, table)) > 2 * len(getattr(ci, table))


def test_load_writes_a_parquet_cache_then_reads_it(cache, monkeypatch):
    first = data.load(n_transactions=3_000, seed=5)
    folder = cache / first.key
    assert sorted(p.name for p in folder.iterdir()) == [
        "customers.parquet", "devices.parquet", "meta.json", "payees.parquet", "transactions.parquet",
    ]
    assert not [p for p in cache.iterdir() if p.name.startswith(".")], "temporary folders left behind"

    def no_generation(*args, **kwargs):
        raise AssertionError("load() should have read the cache")

    monkeypatch.setattr(data, "generate", no_generation)
    second = data.load(n_transactions=3_000, seed=5)
    assert second.digest == first.digest


def test_cached_load_equals_a_fresh_generate(cache, ci):
    data.load("ci")  # writes the cache
    cached = data.load("ci")  # reads it
    assert cached.digest == ci.digest
    for table in ("transactions", "customers", "payees", "devices"):
        pd.testing.assert_frame_equal(getattr(cached, table), getattr(ci, table))


def test_a_corrupt_cache_is_regenerated(cache):
    good = data.load(n_transactions=2_000, seed=9)
    folder = cache / good.key
    meta = json.loads((folder / "meta.json").read_text())
    meta["digest"] = "0" * 16
    (folder / "meta.json").write_text(json.dumps(meta))
    again = data.load(n_transactions=2_000, seed=9)
    assert again.digest == good.digest
    assert json.loads((folder / "meta.json").read_text())["digest"] == good.digest


def test_cache_key_names_size_seed_scenarios_and_version():
    assert data.cache_key(20_000, 42, data.SCENARIO_NAMES) == f"n20000-seed42-all-v{data.DATA_VERSION}"
    assert data.cache_key(20_000, 42, ()) == f"n20000-seed42-none-v{data.DATA_VERSION}"
    assert data.cache_key(20_000, 1, ("new_scam",)) == f"n20000-seed1-new_scam-v{data.DATA_VERSION}"


def test_digest_changes_when_one_value_changes(tx):
    changed = tx.copy()
    changed.loc[10, "amount_inr"] += 1
    assert data.dataset_digest(changed) != data.dataset_digest(tx)
    assert data.dataset_digest(tx.copy()) == data.dataset_digest(tx)


# --- bad input --------------------------------------------------------------------------------


def test_unknown_size_lists_the_valid_sizes():
    with pytest.raises(ValueError, match=r"^Unknown size 'tiny': choose one of ci, default, large, or pass n_transactions="):
        data.load("tiny")


@pytest.mark.parametrize("n", [0, -5, 999, 2.5, True])
def test_bad_row_count_says_what_is_allowed(n):
    with pytest.raises(ValueError, match=r"n_transactions must be a whole number of at least 1000 .*ci, default, large"):
        data.generate(n_transactions=n)


def test_unknown_scenario_lists_the_valid_scenarios():
    with pytest.raises(ValueError) as err:
        data.generate("ci", scenarios=["festive_drift", "alien_invasion"])
    message = str(err.value)
    assert message.startswith("Unknown scenario 'alien_invasion': choose from ")
    assert all(name in message for name in data.SCENARIO_NAMES)
    assert message.count(".") == 1 and message.endswith(".")


def test_negative_seed_is_refused():
    with pytest.raises(ValueError, match="seed must be a whole number"):
        data.generate("ci", seed=-1)


def test_scenarios_accept_none_a_name_or_an_empty_list():
    assert data.resolve_scenarios(None) == data.SCENARIO_NAMES
    assert data.resolve_scenarios("new_scam") == ("new_scam",)
    assert data.resolve_scenarios(()) == ()
    assert data.resolve_scenarios(["null_os_incident", "festive_drift"]) == ("festive_drift", "null_os_incident")


# --- schema and entities -----------------------------------------------------------------------


def test_transactions_have_the_documented_columns_and_dtypes(tx):
    assert {c: str(t) for c, t in tx.dtypes.items()} == TX_COLUMNS


def test_timestamps_are_utc_aware_sorted_and_inside_2025_ist(tx, ist_day):
    assert str(tx.event_timestamp.dt.tz) == "UTC"
    assert tx.event_timestamp.is_monotonic_increasing
    assert ist_day.min() >= story.FIRST_DAY and ist_day.max() <= story.LAST_DAY
    assert tx.txn_id.is_unique and tx.txn_id.is_monotonic_increasing


def test_identifiers_are_synthetic(ci, tx):
    assert tx.txn_id.str.fullmatch(r"T\d{9}").all()
    assert ci.customers.customer_id.str.fullmatch(r"C\d{6}").all()
    assert ci.payees.payee_id.str.fullmatch(r"P\d{6}").all()
    assert ci.devices.device_id.str.fullmatch(r"D\d{6}").all()
    text = tx.head(2000).to_csv()
    assert not re.search(r"@|\+91|\b[6-9]\d{9}\b", text), "looks like a VPA or a phone number"


def test_every_row_points_at_known_entities_that_already_existed(ci, tx):
    cust = ci.customers.set_index("customer_id")
    pay = ci.payees.set_index("payee_id")
    dev = ci.devices.set_index("device_id")
    c, p, d = (tx[k].astype(str) for k in ("customer_id", "payee_id", "device_id"))
    assert c.isin(cust.index).all() and p.isin(pay.index).all() and d.isin(dev.index).all()
    assert (tx.event_timestamp >= c.map(cust.account_opened_at)).all()
    assert (tx.event_timestamp >= p.map(pay.onboarded_at)).all()
    assert (tx.event_timestamp >= d.map(dev.first_seen_at)).all()
    assert (tx.customer_state.astype(str) == c.map(cust.home_state).astype(str)).all()
    assert (tx.city_tier == c.map(cust.city_tier)).all()
    assert (tx.payee_type.astype(str) == p.map(pay.payee_type).astype(str)).all()
    assert (tx.merchant_category.astype(str) == p.map(pay.merchant_category).astype(str)).all()
    shown = tx.device_os.notna()
    assert (tx.device_os[shown].astype(str) == d[shown].map(dev.device_os).astype(str)).all()


def test_customers_cover_states_tiers_ages_and_kyc(ci):
    cust = ci.customers
    assert cust.home_state.nunique() >= 20
    assert set(cust.city_tier) == {1, 2, 3}
    assert set(cust.age_band) == set(data.AGE_BANDS)
    assert set(cust.kyc_level) == set(data.KYC_LEVELS)
    assert cust.usual_device_id.isin(ci.devices.device_id).all()


def test_person_to_person_rows_have_category_p2p(tx):
    p2p = tx.payee_type == "p2p"
    assert (tx.merchant_category[p2p] == "p2p").all()
    assert (tx.merchant_category[~p2p] != "p2p").all()
    assert tx.merchant_category.notna().all()
    assert set(tx.channel) == set(data.CHANNELS)


def test_merchant_categories_are_all_used(tx):
    assert set(tx.merchant_category) == set(data.MERCHANT_CATEGORIES)


# --- the story ---------------------------------------------------------------------------------


def test_evenings_are_busier_than_nights_in_ist(ist_hour):
    counts = ist_hour.value_counts()
    assert counts.loc[18:22].mean() > 10 * counts.loc[1:4].mean()


def test_salary_days_are_busier_than_mid_month(tx, ist_day):
    dom = pd.to_datetime(pd.Series(ist_day)).dt.day
    per_day = tx.groupby([ist_day, dom]).size().groupby(level=1).mean()
    assert per_day.loc[[1, 2, 3]].mean() > 1.1 * per_day.loc[[12, 13, 14, 15, 16]].mean()


@pytest.mark.parametrize("size", ["ci", 50_000])
def test_fraud_rate_is_between_0_4_and_1_2_percent(size):
    tx = data.generate(size).transactions
    assert 0.004 <= tx.is_fraud.mean() <= 0.012


def test_every_typology_is_present_and_labels_match(tx):
    assert set(tx.fraud_type[tx.is_fraud == 1]) == set(story.FRAUD_TYPES)
    assert (tx.fraud_type[tx.is_fraud == 0] == "none").all()


def test_labels_arrive_days_to_weeks_later_and_some_never(tx):
    assert tx.label_available_at[tx.is_fraud == 0].isna().all()
    fraud = tx[tx.is_fraud == 1]
    reported = fraud.label_available_at.notna()
    assert 0.5 < reported.mean() < 0.95, "some frauds are never reported"
    delay_days = (fraud.label_available_at - fraud.event_timestamp)[reported].dt.total_seconds() / 86_400
    assert (delay_days > 0).all()
    assert 1 < delay_days.median() < 30 and delay_days.max() > 14


def test_account_takeover_is_a_night_burst_from_a_new_device_to_new_payees(ci, tx, ist_hour):
    ato = of_type(tx, "account_takeover")
    first_seen = ato.device_id.astype(str).map(ci.devices.set_index("device_id").first_seen_at)
    assert ((ato.event_timestamp - first_seen) < pd.Timedelta("1D")).mean() >= 0.9
    legit_night = ist_hour[tx.is_fraud == 0].isin(story.NIGHT_HOURS_IST).mean()
    assert ist_hour[ato.index].isin(story.NIGHT_HOURS_IST).mean() >= 0.5 > 10 * legit_night
    first_pair = tx.groupby(["customer_id", "payee_id"], observed=True).event_timestamp.transform("min")
    assert ((ato.event_timestamp - first_pair[ato.index]) < pd.Timedelta("1D")).mean() >= 0.9
    assert ato.amount_inr.median() > 10 * tx.amount_inr[tx.is_fraud == 0].median()
    assert ato.groupby(ato.device_id.astype(str)).size().median() >= 2


def test_collect_scam_is_mostly_collect_requests_of_round_amounts_to_new_payees(ci, tx):
    scam = of_type(tx, "collect_scam")
    assert (scam.channel == "collect").mean() >= 0.75
    assert (tx.channel[(tx.is_fraud == 0) & (tx.payee_type == "p2p")] == "collect").mean() < 0.1
    amount = scam.amount_inr
    round_figure = (amount % 500 == 0) | (amount % 1000 == 999) | (amount % 500 == 499)
    assert round_figure.mean() >= 0.6
    onboarded = scam.payee_id.astype(str).map(ci.payees.set_index("payee_id").onboarded_at)
    assert ((scam.event_timestamp - onboarded) < pd.Timedelta("60D")).all()
    assert (scam.payee_type == "p2p").all()


def test_qr_scam_pays_fake_merchants_onboarded_recently(ci, tx):
    scam = of_type(tx, "qr_scam")
    assert (scam.channel == "qr").all() and (scam.payee_type == "p2m").all()
    onboarded = scam.payee_id.astype(str).map(ci.payees.set_index("payee_id").onboarded_at)
    assert ((scam.event_timestamp - onboarded) < pd.Timedelta("45D")).all()
    legit = tx[(tx.is_fraud == 0) & (tx.payee_type == "p2m")]
    legit_onb = legit.payee_id.astype(str).map(ci.payees.set_index("payee_id").onboarded_at)
    assert ((legit.event_timestamp - legit_onb) < pd.Timedelta("45D")).mean() < 0.05
    assert scam.groupby(scam.payee_id.astype(str)).customer_id.nunique().min() >= 3


def test_mule_payees_receive_from_many_payers_fast_then_move_the_money(ci, tx, ist_day):
    mule = of_type(tx, "mule_account")
    by_payee = mule.groupby(mule.payee_id.astype(str))
    payers = by_payee.customer_id.nunique()
    receivers = payers[payers >= 10].index
    assert len(receivers) >= 1
    span = by_payee.event_timestamp.agg(lambda s: s.max() - s.min())[receivers]
    assert (span <= pd.Timedelta("5D")).all()
    legit_p2p = tx[(tx.is_fraud == 0) & (tx.payee_type == "p2p")]
    bucket = pd.to_datetime(pd.Series(ist_day[legit_p2p.index])).dt.dayofyear // 5
    assert legit_p2p.groupby([legit_p2p.payee_id, bucket], observed=True).customer_id.nunique().max() < 10
    inbound = mule.payee_id.astype(str).isin(receivers)
    out = mule[~inbound]
    opened = out.customer_id.astype(str).map(ci.customers.set_index("customer_id").account_opened_at)
    assert ((out.event_timestamp - opened) < pd.Timedelta("120D")).all(), "mules use fresh accounts"
    assert 0.8 < out.amount_inr.sum() / mule[inbound].amount_inr.sum() <= 1.0


def test_new_scam_starts_on_its_date_as_fresh_utility_billers(ci, tx, ist_day):
    scam = of_type(tx, "new_scam")
    assert len(scam) > 0
    assert ist_day[scam.index].min() >= story.NEW_SCAM_START
    assert (scam.merchant_category == "utilities").all() and (scam.channel == "intent").mean() >= 0.8
    onboarded = scam.payee_id.astype(str).map(ci.payees.set_index("payee_id").onboarded_at)
    assert ((scam.event_timestamp - onboarded) < pd.Timedelta("30D")).all()


def test_new_scam_is_absent_before_its_start_at_a_larger_size():
    tx = data.generate(n_transactions=60_000).transactions
    day = periods.ist_dates(tx.event_timestamp)
    assert (tx.fraud_type[day < story.NEW_SCAM_START] != "new_scam").all()
    assert (tx.fraud_type[day >= story.NEW_SCAM_START] == "new_scam").sum() >= 20


# --- scenarios ----------------------------------------------------------------------------------


def amounts_in(tx: pd.DataFrame, window: tuple[date, date]) -> pd.Series:
    day = periods.ist_dates(tx.event_timestamp)
    return tx.amount_inr[between(day, *window)]


def test_festive_weeks_have_bigger_amounts_than_summer_weeks(tx):
    summer, festive = amounts_in(tx, story.SUMMER_WEEKS), amounts_in(tx, story.DIWALI_WEEKS)
    assert ks_2samp(summer, festive).pvalue < 0.01
    assert festive.median() > 1.15 * summer.median()


def test_festive_weeks_shift_the_mix_to_electronics_fashion_and_travel(tx, ist_day):
    def share(window):
        cats = tx.merchant_category[between(ist_day, *window)]
        return cats.isin(["electronics", "fashion", "travel"]).mean()

    assert share(story.DIWALI_WEEKS) > 1.4 * share(story.SUMMER_WEEKS)


def test_without_festive_drift_festive_weeks_look_like_summer(off):
    tx = off["festive_drift"].transactions
    summer, festive = amounts_in(tx, story.SUMMER_WEEKS), amounts_in(tx, story.DIWALI_WEEKS)
    result = ks_2samp(summer, festive)
    assert result.pvalue > 0.05 and result.statistic < 0.08


def test_festive_drift_does_not_change_how_fraud_looks(tx, off):
    without = off["festive_drift"].transactions
    for frame in (tx, without):
        ato = of_type(frame, "account_takeover")
        assert ato.amount_inr.median() > 8_000
    assert set(without.fraud_type[without.is_fraud == 1]) == set(story.FRAUD_TYPES)


def incident_rows(tx: pd.DataFrame, incident: story.Incident) -> tuple[pd.Series, pd.Series]:
    day = periods.ist_dates(tx.event_timestamp)
    week = between(day, incident.start, incident.end)
    version = tx.app_version == incident.app_version
    return week, version


def test_paise_incident_multiplies_amounts_by_100_for_one_version_in_one_week(tx, off):
    week, version = incident_rows(tx, story.PAISE_INCIDENT)
    hit = week & version
    assert hit.sum() > 50
    normal = tx.amount_inr[~hit].median()
    assert tx.amount_inr[hit].median() > 30 * normal
    assert tx.amount_inr[week & ~version].median() < 3 * normal
    assert tx.amount_inr[~week & version].median() < 3 * normal
    clean = off["paise_incident"].transactions
    np.testing.assert_allclose(tx.amount_inr[hit], 100 * clean.amount_inr[hit])
    pd.testing.assert_frame_equal(tx.drop(columns="amount_inr"), clean.drop(columns="amount_inr"))
    pd.testing.assert_series_equal(tx.amount_inr[~hit], clean.amount_inr[~hit])
    # The ledger knows what the payments really were: the incident changes what the app sent, not the money.
    pd.testing.assert_series_equal(tx.ledger_amount_inr, clean.amount_inr, check_names=False)


def test_null_os_incident_drops_device_os_for_one_version_in_one_week(tx, off):
    week, version = incident_rows(tx, story.NULL_OS_INCIDENT)
    hit = week & version
    assert hit.sum() > 50
    assert tx.device_os[hit].isna().all()
    assert tx.device_os[~hit].notna().all()
    clean = off["null_os_incident"].transactions
    assert clean.device_os.notna().all()
    pd.testing.assert_frame_equal(tx.drop(columns="device_os"), clean.drop(columns="device_os"))


def test_without_new_scam_there_is_none_and_other_fraud_is_unchanged(tx, off):
    clean = off["new_scam"].transactions
    assert len(clean) == len(tx)
    assert "new_scam" not in set(clean.fraud_type)
    cols = ["event_timestamp", "customer_id", "payee_id", "device_id", "amount_inr", "fraud_type"]

    def fraud(frame: pd.DataFrame) -> pd.DataFrame:
        rows = frame[(frame.is_fraud == 1) & (frame.fraud_type != "new_scam")][cols]
        return rows.astype({c: str for c in cols[1:4] + ["fraud_type"]}).reset_index(drop=True)

    pd.testing.assert_frame_equal(fraud(tx), fraud(clean))
    pd.testing.assert_frame_equal(off["new_scam"].customers, data.generate("ci").customers)


def test_all_scenarios_off_removes_every_effect():
    tx = data.generate("ci", scenarios=()).transactions
    assert tx.device_os.notna().all()
    assert "new_scam" not in set(tx.fraud_type)
    assert amounts_in(tx, story.DIWALI_WEEKS).median() < 1.15 * amounts_in(tx, story.SUMMER_WEEKS).median()
    week, version = incident_rows(tx, story.PAISE_INCIDENT)
    assert tx.amount_inr[week & version].median() < 3 * tx.amount_inr.median()


def test_story_dates_are_consistent():
    assert story.FESTIVE_START == date(2025, 9, 22) and story.DIWALI == date(2025, 10, 21)
    assert story.FESTIVE_START < story.DIWALI < story.FESTIVE_END <= story.LAST_DAY
    assert story.GO_LIVE < story.NEW_SCAM_START < story.FESTIVE_END
    assert story.FESTIVE_END.month == 11


def test_the_new_scam_reports_no_more_often_and_no_sooner_than_collect_scams():
    share, median_days = story.FRAUD_REPORTING["new_scam"]
    collect_share, collect_days = story.FRAUD_REPORTING["collect_scam"]
    assert share <= min(0.80, collect_share) and median_days >= max(6, collect_days)  # issue 23's limits
    others = {k: v for k, v in story.FRAUD_RATES.items() if k != "new_scam"}
    assert others == {"account_takeover": 0.0017, "collect_scam": 0.0016, "qr_scam": 0.0012, "mule_account": 0.0015}


def test_the_new_scam_ramps_early_in_production_and_stays_under_30_percent_of_losses_at_its_peak():
    tx = data.load("default").transactions
    day = periods.ist_dates(tx.event_timestamp)
    week = day.map(lambda d: d - timedelta(days=d.weekday()))
    scam = tx.fraud_type == "new_scam"
    weekly = scam.groupby(week).sum()
    start = story.NEW_SCAM_START
    assert start <= story.GO_LIVE + timedelta(days=35), "it starts early enough in production for a loop to respond"
    first, later = weekly[start:start + timedelta(days=13)].sum(), weekly[start + timedelta(days=28):
                                                                          start + timedelta(days=41)].sum()
    assert later > 2 * first, "it ramps"
    plateau = story.NEW_SCAM_RAMP[-2][0]
    losses = tx.ledger_amount_inr.where(tx.is_fraud == 1, 0.0)[day >= plateau]
    share = losses[scam].sum() / losses.sum()
    assert 0.1 <= share <= 0.30, share
    ever = tx[scam]
    reported = ever.label_available_at.notna()
    delay = (ever.label_available_at - ever.event_timestamp)[reported].dt.total_seconds() / 86_400
    assert reported.mean() <= 0.80 and delay.median() >= 6
    for incident in (story.PAISE_INCIDENT, story.NULL_OS_INCIDENT):
        assert (incident.end - incident.start).days == 6
        assert incident.app_version in data.APP_VERSIONS
        # Incidents happen in production (lab 06 must catch them), outside the festive season
        # so that covariate drift and broken data can be told apart.
        assert incident.start >= story.GO_LIVE
        assert incident.end < story.FESTIVE_START or incident.start > story.FESTIVE_END
    assert story.TRAIN_END < story.VALID_END < story.TEST_END < story.GO_LIVE < story.FESTIVE_START
    assert set(story.SCENARIOS) == set(data.SCENARIO_NAMES)


# --- datasheet files ------------------------------------------------------------------------------


def test_preview_csv_and_schema_json_are_current(ci):
    expected = data.preview_files(ci)
    for name, text in expected.items():
        path = ROOT / "datasets" / name
        assert path.exists(), f"{path} is missing: run `python -c 'from upi_kit import data; data.write_preview(\"datasets\")'`"
        assert path.read_text(encoding="utf-8") == text, (
            f"datasets/{name} is stale: run `python -c 'from upi_kit import data; data.write_preview(\"datasets\")'`"
        )


def test_schema_documents_every_column_of_every_table(ci):
    schema = data.schema(ci)
    for table, spec in schema["tables"].items():
        frame = getattr(ci, table)
        assert list(spec["columns"]) == list(frame.columns)
        for column, entry in spec["columns"].items():
            assert entry["dtype"] == str(frame[column].dtype)
            assert entry["meaning"], f"{table}.{column} has no meaning"


def test_preview_has_about_50_rows():
    preview = pd.read_csv(ROOT / "datasets" / "preview.csv")
    assert len(preview) == 50
    assert list(preview.columns) == list(TX_COLUMNS)


# --- import hygiene ----------------------------------------------------------------------------------


def test_a_row_count_may_come_as_text_as_from_an_environment_variable():
    assert data.resolve_size("25000") == data.resolve_size(25_000) == 25_000
    with pytest.raises(ValueError, match="n_transactions must be a whole number of at least 1000"):
        data.resolve_size("999")


def test_every_command_takes_a_size_name_or_a_number_of_payments(capsys):
    import argparse

    from upi_fraud import cli

    parser = argparse.ArgumentParser(prog="upi-train")
    cli.add_data_arguments(parser)
    assert parser.parse_args(["--data-size", "ci"]).data_size == "ci"
    assert parser.parse_args(["--data-size", "120000"]).data_size == "120000"
    with pytest.raises(SystemExit):
        parser.parse_args(["--data-size", "tiny"])
    assert "Unknown size 'tiny': choose one of ci, default, large" in capsys.readouterr().err
