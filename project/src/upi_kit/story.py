"""The story of the course dataset, as named constants in one place.

Every lab tells the same story: one calendar year (2025) of UPI payments seen
by a bank in India, with fraud. The dates here are what the labs talk about
("train on January to August", "the festive season", "the week app 5.5.0 sent
paise"), so they live in one module that the generator, the notebooks and the
tests all import. This module is deliberately tiny and imports nothing heavy.

Time zones: the story happens in India Standard Time (IST = UTC+05:30, no
daylight saving). Dates below are IST calendar dates; the dataset stores every
timestamp as UTC (``datetime64[ns, UTC]``), so an IST day ``d`` starts at
``d - 1 day, 18:30 UTC``. Convert with ``ts.dt.tz_convert(story.TIMEZONE)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

#: The simulated year.
YEAR = 2025
#: IANA name of India Standard Time; daily rhythms, salary days and incident weeks are IST.
TIMEZONE = "Asia/Kolkata"
#: IST is UTC+05:30 all year (India has no daylight saving).
IST_OFFSET = timedelta(hours=5, minutes=30)
#: First and last IST calendar day with transactions (inclusive).
FIRST_DAY = date(2025, 1, 1)
LAST_DAY = date(2025, 12, 31)

# --- Daily and monthly rhythms -------------------------------------------------------

#: Relative transaction volume per IST hour 0..23: quiet nights, a lunch bump and an
#: evening peak from 18:00 to 22:00 (when people shop, eat out and pay each other).
DAILY_RHYTHM_IST: tuple[float, ...] = (
    0.8, 0.4, 0.25, 0.2, 0.2, 0.4, 1.0, 2.0, 3.2, 4.2, 4.8, 5.2,
    5.6, 5.4, 5.0, 4.9, 5.1, 5.6, 6.4, 7.2, 7.6, 7.0, 5.2, 2.6,
)
#: IST hours counted as "night" (00:00-04:59): account takeovers favour them.
NIGHT_HOURS_IST: tuple[int, ...] = (0, 1, 2, 3, 4)
#: Salary lands on the last day of the month and the 1st-3rd: more payments on these days.
SALARY_DAYS_OF_MONTH: tuple[int, ...] = (1, 2, 3)
#: Rent and money sent home: person-to-person amounts are larger on the 1st-5th.
RENT_DAYS_OF_MONTH: tuple[int, ...] = (1, 2, 3, 4, 5)
#: On those days this share of person-to-person payments is rent, this many times a usual amount.
RENT_PAYMENT_SHARE = 0.3
RENT_AMOUNT_MULTIPLIER = 5.0
#: Volume multipliers: weekends (Saturday, Sunday) and salary days.
WEEKEND_VOLUME = 1.08
SALARY_DAY_VOLUME = 1.20
#: UPI keeps growing: volume rises linearly by this fraction from 1 January to 31 December.
YEARLY_GROWTH = 0.25

# --- The festive season (scenario ``festive_drift``) ---------------------------------

#: Navratri starts the season (22 September 2025); Dussehra (2 October), Dhanteras
#: (18 October), Diwali (21 October, the day this course uses), Bhai Dooj (23 October),
#: Chhath (25-28 October) follow. We extend the season to Sunday 16 November because
#: the online sales and the wedding season keep spending high after Diwali: the
#: season is exactly 8 weeks, Monday 22 September to Sunday 16 November.
NAVRATRI_START = date(2025, 9, 22)
DUSSEHRA = date(2025, 10, 2)
DHANTERAS = date(2025, 10, 18)
DIWALI = date(2025, 10, 21)
BHAI_DOOJ = date(2025, 10, 23)
CHHATH_END = date(2025, 10, 28)
FESTIVE_START = NAVRATRI_START
FESTIVE_END = date(2025, 11, 16)  # inclusive
#: Festive intensity (0 = ordinary day, 1 = Dhanteras to Bhai Dooj), linear between knots.
FESTIVE_INTENSITY: tuple[tuple[date, float], ...] = (
    (FESTIVE_START - timedelta(days=1), 0.0),
    (FESTIVE_START, 0.6),
    (DUSSEHRA, 0.8),
    (DHANTERAS - timedelta(days=3), 0.8),
    (DHANTERAS, 1.0),
    (BHAI_DOOJ, 1.0),
    (CHHATH_END, 0.6),
    (FESTIVE_END, 0.35),
    (FESTIVE_END + timedelta(days=1), 0.0),
)
#: At full intensity: volume +35%, merchant amounts x1.35 (e^0.3), person-to-person x1.16,
#: and the merchant mix tilts to electronics, fashion and travel (see upi_kit/data/calendar.py).
FESTIVE_VOLUME_UPLIFT = 0.35
FESTIVE_MERCHANT_AMOUNT_LOG_SHIFT = 0.30
FESTIVE_P2P_AMOUNT_LOG_SHIFT = 0.15
FESTIVE_CATEGORY_MULTIPLIER: dict[str, float] = {
    "electronics": 2.4, "fashion": 2.2, "travel": 1.7, "food": 1.1,
    "education": 0.8, "utilities": 0.8, "recharge": 0.9,
}
#: Reference windows (IST, inclusive) the labs and tests compare: two summer weeks
#: with no salary day, incident or festival, and the two festive weeks around Diwali.
SUMMER_WEEKS = (date(2025, 6, 9), date(2025, 6, 22))
DIWALI_WEEKS = (date(2025, 10, 13), date(2025, 10, 26))

# --- Data incidents (scenarios ``paise_incident`` and ``null_os_incident``) ------------


@dataclass(frozen=True)
class Incident:
    """A week (IST, inclusive) in which one app version sent broken data."""

    name: str
    start: date
    end: date
    app_version: str
    what: str


#: App releases (version, IST release day). A device moves to a release after its own
#: update lag (days), so old versions linger; a fresh install gets the newest release.
APP_RELEASES: tuple[tuple[str, date], ...] = (
    ("4.8.0", date(2024, 11, 4)),
    ("4.9.0", date(2024, 12, 9)),
    ("5.0.0", date(2025, 1, 13)),
    ("5.1.0", date(2025, 2, 17)),
    ("5.2.0", date(2025, 3, 24)),
    ("5.3.0", date(2025, 4, 28)),
    ("5.4.0", date(2025, 6, 2)),
    ("5.5.0", date(2025, 7, 7)),
    ("5.5.1", date(2025, 7, 21)),
    ("5.6.0", date(2025, 8, 11)),
    ("5.7.0", date(2025, 9, 1)),
    ("5.8.0", date(2025, 10, 27)),
    ("5.9.0", date(2025, 12, 1)),
)
#: Both incidents fall in the production period (after GO_LIVE), where lab 06 must catch them.
#: Scenario ``paise_incident``: in this week app 5.7.0 reports amounts in paise, so
#: ``amount_inr`` is PAISE_PER_RUPEE (100) times the true amount on its rows (a server-side fix ends it).
PAISE_PER_RUPEE = 100
PAISE_INCIDENT = Incident(
    name="paise_incident",
    start=date(2025, 9, 8),
    end=date(2025, 9, 14),
    app_version="5.7.0",
    what="amount_inr 100 times too large (the app sent paise, not rupees)",
)
#: Scenario ``null_os_incident``: in this week app 5.9.0 drops the device OS field.
NULL_OS_INCIDENT = Incident(
    name="null_os_incident",
    start=date(2025, 12, 8),
    end=date(2025, 12, 14),
    app_version="5.9.0",
    what="device_os null",
)

# --- The world before 2025 -------------------------------------------------------------

#: The oldest bank account among the customers (``account_opened_at``).
OLDEST_ACCOUNT_OPENED = date(2012, 1, 1)
#: The oldest UPI id among the payees (``onboarded_at``): UPI took off in 2017.
OLDEST_PAYEE_ONBOARDED = date(2017, 1, 1)
#: The oldest phone still registered for UPI on 1 January 2025 (``first_seen_at``).
OLDEST_DEVICE_REGISTERED = date(2019, 1, 1)
#: NPCI's per-transaction limits (rupees): no payment is larger.
P2P_LIMIT_INR = 100_000
P2M_LIMIT_INR = 200_000

# --- Fraud ---------------------------------------------------------------------------

#: The five fraud typologies, in the order the generator draws them. The ``fraud_type``
#: column adds ``"none"`` for legitimate rows (``data.FRAUD_TYPE_CATEGORIES``).
FRAUD_TYPES: tuple[str, ...] = ("account_takeover", "collect_scam", "qr_scam", "mule_account", "new_scam")
#: Share of all rows per typology (before rounding to whole incidents): about 0.73% in all,
#: so a model sees a few hundred frauds a year at the default size. The new scam's rows all
#: fall in its wave (from NEW_SCAM_START), so in its weeks it is a larger share than this.
FRAUD_RATES: dict[str, float] = {
    "account_takeover": 0.0017, "collect_scam": 0.0016, "qr_scam": 0.0012,
    "mule_account": 0.0015, "new_scam": 0.0013,
}
#: Who falls for what: relative weight of a customer becoming a victim, by age band
#: (18-25 ... 60+) and by city tier (1, 2, 3). Collect and new scams prey on the old,
#: QR scams and mule recruitment on the young.
VICTIM_AGE_WEIGHT: dict[str, tuple[float, ...]] = {
    "account_takeover": (0.8, 1.0, 1.1, 1.2, 1.3), "collect_scam": (0.7, 0.8, 1.0, 1.6, 2.2),
    "qr_scam": (1.3, 1.2, 1.0, 0.8, 0.6), "mule_account": (1.5, 1.3, 0.9, 0.7, 0.5),
    "new_scam": (0.5, 0.7, 1.0, 1.8, 2.6),
}
VICTIM_TIER_WEIGHT: dict[str, tuple[float, ...]] = {
    "account_takeover": (1.2, 1.0, 0.9), "collect_scam": (0.8, 1.0, 1.3), "qr_scam": (1.2, 1.1, 0.8),
    "mule_account": (0.9, 1.1, 1.2), "new_scam": (1.0, 1.0, 1.0),
}
#: Label delay: the probability that a fraud is ever reported, and the median delay (days)
#: until the report reaches the bank, log-normal with REPORT_DELAY_LOG_SIGMA. A mule's
#: incoming payments (``mule_in``, reported by the victims) and outgoing ones (``mule_out``,
#: found by the bank's investigation) are reported differently.
FRAUD_REPORTING: dict[str, tuple[float, float]] = {
    "account_takeover": (0.92, 2.0), "collect_scam": (0.80, 6.0), "qr_scam": (0.60, 12.0),
    "mule_in": (0.70, 18.0), "mule_out": (0.50, 30.0), "new_scam": (0.72, 7.0),
}
REPORT_DELAY_LOG_SIGMA = 0.8
#: Scenario ``new_scam``: from this IST day (a Monday, four weeks after go-live, in the
#: festive season's bill-paying and shopping rush) fake "electricity bill overdue / KYC
#: update" billers appear, reached through intent links sent by SMS. A model trained
#: before it has never seen this typology.
NEW_SCAM_START = date(2025, 9, 29)
#: The wave ramps as scam waves do: a few gangs test the script, it works, it is copied.
#: Relative intensity (share of the plateau's daily victims, per payment of the day),
#: linear between knots: about doubling every week for five weeks, then a plateau to the
#: year's end. Its victims report no sooner and no more often than collect-scam victims
#: (``FRAUD_REPORTING``), and at its peak it is under 30% of the fraud losses.
NEW_SCAM_RAMP: tuple[tuple[date, float], ...] = (
    (NEW_SCAM_START - timedelta(days=1), 0.0),
    (NEW_SCAM_START, 0.06),
    (date(2025, 10, 6), 0.13),
    (date(2025, 10, 13), 0.27),
    (date(2025, 10, 20), 0.5),
    (date(2025, 10, 27), 0.8),
    (date(2025, 11, 3), 1.0),
    (LAST_DAY, 1.0),
)


# --- What the story's events are allowed to move (lab 06's false-alarm count) ------------


@dataclass(frozen=True)
class Event:
    """A story event and the monitored columns it moves, named here before anything is measured.

    A drift warning in a production week is *explained* when every column that drifted is named
    by an event running that week (its days, plus ``echo_days`` after it: a 7-day feature window
    remembers a week of broken amounts); any other warning is a false alarm.
    """

    name: str
    start: date
    end: date
    columns: tuple[str, ...]
    why: str
    #: The status that catches it for the right reason: broken data pages (INCIDENT), the world moving is seen
    #: (WARN), the model going blind is only told by the labels (RETRAIN).
    right_status: str
    echo_days: int = 0


#: Behaviour features built from amounts over time windows (lab 03's feature pipeline).
AMOUNT_WINDOWS = ("cust_amt_1h", "cust_amt_24h", "cust_amt_7d", "amount_vs_7d_avg")
#: Behaviour features that count payments over time windows.
COUNT_WINDOWS = ("cust_txn_1h", "cust_txn_24h", "cust_txn_7d", "payee_payers_24h")
EVENTS: tuple[Event, ...] = (
    Event("paise incident", PAISE_INCIDENT.start, PAISE_INCIDENT.end,
          ("amount_inr", *AMOUNT_WINDOWS, "score", "alert_rate"),
          "app 5.7.0 sent paise: every amount, and every sum over a window that holds one, is 100 times too "
          "large, and the model scores absurd amounts as risky", "INCIDENT", echo_days=7),
    Event("festive season", FESTIVE_START, FESTIVE_END,
          ("amount_inr", "merchant_category", *AMOUNT_WINDOWS, *COUNT_WINDOWS, "score"),
          "more payments per customer and per merchant (counts), bigger bills (amounts and their sums), "
          "more electronics, fashion and travel (the merchant mix), and the scores that read them", "WARN"),
    Event("new scam", NEW_SCAM_START, LAST_DAY, ("merchant_category", "channel", "payee_payers_24h"),
          "fake utility billers paid by intent, each by many payers in a day", "RETRAIN"),
    Event("null OS incident", NULL_OS_INCIDENT.start, NULL_OS_INCIDENT.end, ("device_os", "score"),
          "app 5.9.0 dropped the OS field, which the model reads", "INCIDENT"),
)


# --- The split and the go-live (every lab uses these) ---------------------------------

#: Time-based split (IST calendar dates, inclusive): train on January-June, validate
#: (tune, choose) on July, test (report once) on August. The model goes live on
#: 1 September; lab 06 replays September-December as production.
TRAIN_END = date(2025, 6, 30)
VALID_END = date(2025, 7, 31)
TEST_END = date(2025, 8, 31)
GO_LIVE = date(2025, 9, 1)

# --- The business metric (upi_fraud.rupees) --------------------------------------------

#: The fraud team's review capacity: each IST day it can review 2% of that day's payments
#: (at the default size, about 17 alerts a day), in the order they arrive (upi_kit.metrics);
#: the budget scales with volume, so the metric means the same at every data size. Fraud is
#: 0.75% of payments here and comes in bursts (a mule ring, a takeover spree), so the team
#: is staffed for peaks: twice the load the live threshold plans for.
ALERT_BUDGET_SHARE = 0.02
#: The alert rate the live threshold plans for (serving/budget.py): half the capacity, so a
#: week of fraud bursts or a busier week still fits what the team can review.
ALERT_TARGET_SHARE = 0.01
#: An analyst's time to review one alert (about 10 minutes), in rupees.
REVIEW_COST_INR = 150
#: What a false alarm costs with a good customer: a held payment, a call, some churn.
FRICTION_COST_INR = 250
#: The rules baseline's "large amount" (lab 01).
RULES_HIGH_AMOUNT_INR = 10_000

# --- Scenarios -----------------------------------------------------------------------

#: Scenario name -> what it does. All are on by default; ``data.load(scenarios=[...])``
#: turns on only the ones named (``scenarios=()`` turns them all off).
SCENARIOS: dict[str, str] = {
    "festive_drift": (
        f"covariate drift from {FESTIVE_START} to {FESTIVE_END}: more payments, bigger amounts, "
        "more electronics, fashion and travel; fraud behaves as before"
    ),
    "new_scam": f"a new fraud typology (fake utility billers via intent links) from {NEW_SCAM_START}",
    "paise_incident": (
        f"{PAISE_INCIDENT.start} to {PAISE_INCIDENT.end}: app {PAISE_INCIDENT.app_version} "
        f"rows have {PAISE_INCIDENT.what}"
    ),
    "null_os_incident": (
        f"{NULL_OS_INCIDENT.start} to {NULL_OS_INCIDENT.end}: app {NULL_OS_INCIDENT.app_version} "
        f"rows have {NULL_OS_INCIDENT.what}"
    ),
}
