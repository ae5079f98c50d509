"""The trigger record: why continuous training should run, as of when, and who asked (given in lab 05).

One JSON file per request. Lab 06's monitoring writes them, lab 07's loop passes them on, a person can
write one by hand, and `python -m upi_fraud.ct --trigger FILE` acts on it. The schema is the contract
between those three, so it is strict: an unknown field or a missing reason is refused with the field's name.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

Reason = Literal["drift", "performance", "incident_resolved", "new_labels", "schedule", "manual"]
REASONS: tuple[str, ...] = get_args(Reason)


class TriggerError(ValueError):
    """A trigger file that cannot be acted on."""


class Trigger(BaseModel):
    """A request to retrain: act on the data and labels known at `as_of`."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    action: Literal["retrain"] = "retrain"
    reason: Reason = Field(description="why: drift, performance, incident_resolved, new_labels, ...")
    detail: str = Field(min_length=1, description="one sentence a person can act on")
    as_of: AwareDatetime = Field(description="train and judge on what was known at this moment")
    raised_by: str = Field(min_length=1, description="upi-monitor, upi-loop, the CT schedule, or a person")
    raised_at: AwareDatetime
    evidence: dict[str, float | int | str] = Field(default_factory=dict, description="the numbers behind it")


def read(path: str | Path) -> Trigger:
    """The trigger in a JSON file; TriggerError names the file and the field when it is not valid."""
    path = Path(path)
    try:
        return Trigger.model_validate_json(path.read_text())
    except FileNotFoundError:
        raise TriggerError(f"no trigger file at {path}: pass the path of a JSON trigger record") from None
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(map(str, first["loc"])) or "the file"
        raise TriggerError(f"trigger {path.name} is not valid: {where}: {first['msg']} "
                           "(see upi_fraud/ct/trigger.py for the schema)") from None


def write(trigger: Trigger, folder: str | Path) -> Path:
    """Save a trigger as <folder>/<as_of>-<reason>.json and return the path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{trigger.as_of:%Y-%m-%dT%H%M}-{trigger.reason}.json"
    path.write_text(json.dumps(trigger.model_dump(mode="json"), indent=2) + "\n")
    return path


def now() -> datetime:
    """This moment, in the machine's time zone (an aware time)."""
    return datetime.now().astimezone()
