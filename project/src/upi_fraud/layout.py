"""Where the project's own files are: its root, its Feast repo, the production record.

The code lives in src/upi_fraud, two folders below the project's root; the Feast repo is feature_repo/
in the root (FEATURE_REPO moves it, as a deployment does). What runs write goes to the workspace
(upi_kit.workspace: UPI_WORKSPACE): the production record is its production/ folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from upi_kit import workspace

PROJECT = Path(__file__).resolve().parents[2]


def feature_repo() -> Path:
    """The Feast repo the project reads: FEATURE_REPO, else feature_repo/ in the project."""
    return Path(os.environ.get("FEATURE_REPO") or PROJECT / "feature_repo")


def production() -> Path:
    """The production record: the inference log and the online store's go-live snapshot."""
    return workspace.folder("production")


def inference_log() -> Path:
    """The service's inference log: INFERENCE_LOG, else production/inference_log.db in the workspace."""
    return Path(os.environ.get("INFERENCE_LOG") or production() / "inference_log.db")


def go_live_snapshot() -> Path:
    """The online store as of go-live, which every replay restores first (lab 04 makes it; not created here)."""
    return workspace.root_path() / "production" / "online_store_go_live.db"
