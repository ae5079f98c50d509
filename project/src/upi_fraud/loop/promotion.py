"""Promotion and rollback through the MLflow registry's aliases (exercises 7.4 and 7.5, lab 07).

aliases.py (given) names the aliases; every move is also written on the versions as tags (when, why), so the
registry itself tells who served when and why.
"""

from __future__ import annotations

from mlflow import MlflowClient

from upi_fraud.loop.aliases import CHALLENGER, CHAMPION, PREVIOUS, PromotionRefused, alias_version


def promote(client: MlflowClient, model_name: str, version: str, *, reason: str, at: str) -> str | None:
    """Make the challenger `version` the champion (tagged promoted_at, promoted_because); the version it replaced,
    kept first under previous_champion (None if there was none). Any other version: PromotionRefused."""
    ### BEGIN SOLUTION 7.4
    waiting = alias_version(client, model_name, CHALLENGER)
    if waiting != str(version):
        raise PromotionRefused(f"version {version} is not the challenger ({waiting or 'there is none'}): only a "
                               "version that passed the gate and its shadow week is promoted")
    replaced = alias_version(client, model_name, CHAMPION)
    if replaced is not None:
        client.set_registered_model_alias(model_name, PREVIOUS, replaced)  # first: a rollback target, kept
    client.set_registered_model_alias(model_name, CHAMPION, str(version))  # the move the service follows
    client.delete_registered_model_alias(model_name, CHALLENGER)
    client.set_model_version_tag(model_name, str(version), "promoted_at", at)
    client.set_model_version_tag(model_name, str(version), "promoted_because", reason)
    return replaced
    ### END SOLUTION


def rollback(client: MlflowClient, model_name: str, *, reason: str, at: str) -> str:
    """Serve previous_champion again and remove that alias (a second rollback refuses); tag the version rolled
    back rolled_back_at, rolled_back_because. Returns the version served now; none to go back to: PromotionRefused."""
    ### BEGIN SOLUTION 7.5
    previous = alias_version(client, model_name, PREVIOUS)
    if previous is None:
        raise PromotionRefused(f"{model_name} has no previous champion to roll back to: promote a version first "
                               "(or move the alias champion by hand to the version you trust)")
    bad = alias_version(client, model_name, CHAMPION)
    client.set_registered_model_alias(model_name, CHAMPION, previous)
    client.delete_registered_model_alias(model_name, PREVIOUS)
    if bad is not None:
        client.set_model_version_tag(model_name, bad, "rolled_back_at", at)
        client.set_model_version_tag(model_name, bad, "rolled_back_because", reason)
    return previous
    ### END SOLUTION
