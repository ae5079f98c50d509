"""One poll of the registry's alias: swap in the version it names now, if it is not the one being served.

Exercise 7.2 (lab 07). watcher.py calls it through this module every MODEL_POLL_SECONDS while the service
runs; a rollback (the alias moves to an older version) is followed like any other change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # for the types only: scoring imports Feast and MLflow, seconds this module does not need
    from upi_fraud.serving.scoring import Bundle


class Holder(Protocol):
    """What holds the live bundle (service.Champion): the bundle now, and a swap of the whole bundle."""

    def get(self) -> Bundle: ...

    def swap(self, bundle: Bundle) -> Bundle: ...


def refresh(champion: Holder, version_now: str, load: Callable[[str], Bundle]) -> str | None:
    """One poll: swap in the version the alias names now, if it is not the one being served.

    champion: the service's holder, with get() (the live bundle, which has .version) and swap(bundle).
    version_now: the version the alias names now (a string, as the registry gives it).
    load: a function that loads one version's whole bundle, e.g. load("7").
    Returns the version swapped in, or None when the live bundle already is that version.
    """
    ### BEGIN SOLUTION 7.2
    if str(champion.get().version) == str(version_now):
        return None  # nothing to do: loading a model costs a second, the poll runs every few seconds
    bundle = load(version_now)  # load first: the old bundle keeps answering meanwhile
    champion.swap(bundle)  # then one step: the next request sees the new bundle whole
    return str(bundle.version)
    ### END SOLUTION
