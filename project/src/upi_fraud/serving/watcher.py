"""Follow the registry's alias while serving: a new champion, or a rollback, goes live with no restart.

Given in lab 07. The service (lab 04's service.py) starts `follow` once this module exists. Every
MODEL_POLL_SECONDS it asks the registry which version the alias names; when that is not the version being
served, your swap.refresh loads the new bundle (model, threshold, feature set) while the old one keeps
answering, then swaps the whole bundle in one step. Requests never wait for a load and never see half of
one bundle and half of another.

Why poll and not push: the alias in the registry is the one source of truth for "which model is live". Every
replica converges on it by itself, a replica that restarts reads the same alias, and nothing has to know where
the replicas run or hold a secret to reach them. The price is up to one poll interval of delay and one small
registry query per interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from upi_fraud.serving import swap
from upi_fraud.serving.scoring import Bundle
from upi_fraud.serving.swap import Holder


def follow(champion: Holder, lookup: Callable[[], str], load: Callable[[str], Bundle], every: float,
           log: Callable[[str], None] = print) -> threading.Event:
    """Poll every `every` seconds in a background thread; returns an Event that stops it.

    lookup() gives the version the alias names now. A lookup or load that fails (the registry is down, a
    version's files are broken) is logged and the live bundle keeps serving: a bad promotion never takes
    the service down.
    """
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(every):
            try:
                started = time.perf_counter()
                swapped = swap.refresh(champion, lookup(), load)  # through the module: your refresh as it is now
            except Exception as err:  # any failure keeps the old bundle, and says so
                log(f"watcher: {type(err).__name__}: {err}; still serving version {champion.get().version}")
            else:
                if swapped is not None:
                    log(f"watcher: now serving version {swapped} (loaded in {time.perf_counter() - started:.1f} s)")

    threading.Thread(target=run, name="alias-watcher", daemon=True).start()
    return stop
