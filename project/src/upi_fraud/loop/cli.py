"""`upi-loop` (python -m upi_fraud.loop): the closed loop over production weeks, from a shell."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from upi_fraud import layout
from upi_fraud.cli import add_data_arguments, fail
from upi_fraud.ct.plan import CTError
from upi_fraud.dates import mondays
from upi_fraud.loop import run, valuation
from upi_fraud.loop.state import LoopError
from upi_kit import data, story, workspace


def show(row: dict[str, Any]) -> None:
    """One line per week: its status, what the loop did, which version served it, what CT said."""
    ct = row.get("ct")
    action = row["action"] + (f", {row['then']}" if "then" in row else "")
    print(f"{row['week']}  {row['status']:<8}  {action:<16} served by v{row['served']['version']}"
          + (f"  CT: v{ct['version']} {'passed' if ct['gate_passed'] else 'failed'} the gate" if ct else ""))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="upi-loop", description="The closed loop over production weeks: serve, "
                                                              "monitor, retrain, promote.")
    p.add_argument("--from", dest="start", default=str(story.GO_LIVE), help="first IST day (default: go-live)")
    p.add_argument("--to", dest="end", default="2026-01-01", help="the IST day after the last one")
    add_data_arguments(p)
    p.add_argument("--url", help="a running service (it must follow the alias: serving/watcher.py) for the HTTP "
                                 "sample")
    p.add_argument("--sample", type=int, default=20, help="payments per week sent over HTTP (with --url)")
    args = p.parse_args(argv)
    upi = data.load(args.data_size, seed=args.seed)
    try:
        run.run(upi, mondays(args.start, args.end), args.data_size, args.url, args.sample, show)
        figures, _ = valuation.summary(upi, layout.inference_log(), workspace.folder("loop"))
    except (LoopError, CTError, ValueError) as err:
        return fail("upi-loop", err)
    print(json.dumps({k: figures[k] for k in ("frozen", "loop", "gain_inr")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
