"""`upi-monitor` (python -m upi_fraud.monitoring): calibrate the policy once, then judge weeks from a shell.

The exit status is 1 when a judged week is an INCIDENT, so a scheduler can turn it into a page.
"""

from __future__ import annotations

import argparse
import sys

import mlflow

from upi_fraud.cli import add_data_arguments, fail
from upi_fraud.dates import monday, mondays
from upi_fraud.monitoring import thresholds, weekly
from upi_fraud.serving import scoring
from upi_kit import data, workspace


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="upi-monitor",
                                description="Judge production weeks with Evidently and the frozen alert policy.")
    p.add_argument("command", nargs="?", choices=["calibrate", "weeks"], default="weeks")
    p.add_argument("--week", help="one IST week, by any day in it, e.g. 2025-09-08")
    p.add_argument("--from", dest="start", help="first IST day of a range, e.g. 2025-09-01")
    p.add_argument("--to", dest="end", help="the IST day after the range, e.g. 2026-01-01")
    add_data_arguments(p)
    p.add_argument("--alias", default="go_live", help="calibrate: the model version that serves production")
    p.add_argument("--no-html", action="store_true", help="skip the HTML reports")
    args = p.parse_args(argv)
    if args.command == "weeks" and not args.week and not (args.start and args.end):
        p.error("give --week DAY, or --from DAY --to DAY")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    upi = data.load(args.data_size, seed=args.seed)
    if args.command == "calibrate":
        mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
        frozen = thresholds.calibrate(upi, scoring.load_bundle(alias=args.alias), workspace.folder("monitoring"))
        print(f"policy frozen for model version {frozen['model_version']}: {len(frozen['thresholds'])} thresholds, "
              f"calibrated on {len(frozen['calibrated_on'])} weeks "
              f"({workspace.relative(workspace.folder('monitoring') / 'policy.json')})")
        return 0
    weeks = [monday(args.week)] if args.week else mondays(args.start, args.end)
    try:
        mon = weekly.Monitor.load(upi)
        rows = weekly.run_weeks(mon, weeks, html=not args.no_html, progress=lambda r: print(
            f"{r['week']}  {r['status']:<8}  " + " | ".join(x["sentence"] for x in r["reasons"])))
    except (FileNotFoundError, ValueError) as err:
        return fail("upi-monitor", err)
    return 1 if any(r["status"] == "INCIDENT" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
