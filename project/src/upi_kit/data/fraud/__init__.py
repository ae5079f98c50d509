"""The five fraud typologies, one module each; each draws from its own random stream.

``TYPOLOGIES`` is in ``story.FRAUD_TYPES`` order, the order in which the simulator
numbers the fraudsters' new payees and devices: keep it, or every id moves.
"""

from __future__ import annotations

from ... import story
from . import account_takeover, collect_scam, mule_account, new_scam, qr_scam
from .common import FirstIds, Typology

TYPOLOGIES = {m.NAME: m.draw for m in (account_takeover, collect_scam, qr_scam, mule_account, new_scam)}
if tuple(TYPOLOGIES) != story.FRAUD_TYPES:
    raise RuntimeError("fraud.TYPOLOGIES must follow story.FRAUD_TYPES (it numbers the fraudsters' payees)")

__all__ = ["TYPOLOGIES", "FirstIds", "Typology", "mule_account"]
