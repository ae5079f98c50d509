"""The parquet cache: generate once, then every lab reads the same bytes back in a fraction of the time.

Safe under concurrency: a copy is written to a private temporary folder and renamed
into place, and a copy whose digest does not match its content counts as missing.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import pandas as pd

from .dataset import DATA_VERSION, UPIData, dataset_digest

TABLES = ("transactions", "customers", "payees", "devices")
#: Rename attempts when other processes race for the same folder.
_ATTEMPTS = 3


def read_cache(folder: Path, seed: int, n: int, scenarios: tuple[str, ...]) -> UPIData | None:
    """The cached dataset, or None if it is missing, unreadable or does not match its digest."""
    meta = _read_meta(folder)
    if meta is None:
        return None
    try:
        frames = [pd.read_parquet(folder / f"{t}.parquet") for t in TABLES]
    except (OSError, ValueError):
        return None
    digest = dataset_digest(frames[0])
    if digest != meta.get("digest"):
        return None
    transactions, customers, payees, devices = frames
    return UPIData(transactions, customers, payees, devices, digest=digest, seed=seed, n_transactions=n,
                   scenarios=scenarios)


def _read_meta(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "meta.json").read_text())
    except (OSError, ValueError):
        return None


def write_cache(folder: Path, data: UPIData) -> None:
    """Write to a private temporary folder, then rename it into place (atomic on one file system)."""
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        for name in TABLES:
            getattr(data, name).to_parquet(tmp / f"{name}.parquet", index=False)
        meta = {
            "digest": data.digest, "seed": data.seed, "n_transactions": data.n_transactions,
            "scenarios": list(data.scenarios), "data_version": DATA_VERSION,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
        for _attempt in range(_ATTEMPTS):
            if _move_into_place(tmp, folder, data.digest):
                return
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _move_into_place(tmp: Path, folder: Path, digest: str) -> bool:
    """One attempt; False if another process got in the way (then look again)."""
    existing = _read_meta(folder)
    if existing is not None and existing.get("digest") == digest:
        return True  # another process got there first with the same data
    if folder.exists():  # a broken copy: move it aside, then replace it
        stale = folder.parent / f".{folder.name}.stale-{uuid.uuid4().hex[:8]}"
        try:
            os.rename(folder, stale)
            shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            return False
    try:
        os.rename(tmp, folder)
    except OSError:
        return False  # lost a race
    return True
