"""The registry's aliases the loop moves, and reading one (given in lab 07; your promotion.py moves them).

`champion` names the version the service serves (it follows the alias by itself, serving/watcher.py);
`challenger` the version that passed the gate and waits for its shadow week; `previous_champion` the version a
promotion replaced, so a rollback is one alias move, not a search.
"""

from __future__ import annotations

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

CHAMPION, CHALLENGER, PREVIOUS = "champion", "challenger", "previous_champion"


class PromotionRefused(RuntimeError):
    """A promotion or rollback the registry's state does not allow; the message says why and what to do."""


def alias_version(client: MlflowClient, model_name: str, alias: str) -> str | None:
    """The version `alias` names, as a string; None when the alias is not set."""
    try:
        return str(client.get_model_version_by_alias(model_name, alias).version)
    except MlflowException:
        return None
