"""Exercises 7.4 and 7.5's checks, promotion and rollback: the learner's functions on a real MLflow registry.

Each case makes a new registry (SQLite in a temporary folder, never the workspace's), registers a model with
three versions and sets the aliases as the case needs. The learner's function gets a Recording client: the real
MlflowClient, whose alias and tag calls are also written down in order, so the check can say not only where the
aliases ended but in which order they moved.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..checks import Wrong

MODEL = "crafted-fraud-model"
AT, REASON = "2025-12-08T00:00:00+05:30", "the challenger won its gate and its shadow week"
MOVES = ("set_registered_model_alias", "delete_registered_model_alias", "set_model_version_tag")


class Recording:
    """An MlflowClient that writes down every alias and tag call (name, args) before making it."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name not in MOVES:
            return attr

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, tuple(str(a) for a in (*args, *kwargs.values()))))
            return attr(*args, **kwargs)

        return recorded


_TEMPLATE: list[Path] = []  # one empty registry with the three versions, made once per process, copied per case


def _template() -> Path:
    """A SQLite registry holding MODEL's versions 1, 2 and 3 and no alias (made once: the migrations take a second)."""
    import atexit
    import logging
    import shutil

    from mlflow import MlflowClient

    if not _TEMPLATE:
        for noisy in ("alembic", "mlflow.store.db.utils"):  # "Creating initial MLflow database tables..."
            logging.getLogger(noisy).setLevel(logging.WARNING)
        folder = Path(tempfile.mkdtemp(prefix="registry-template-"))
        atexit.register(shutil.rmtree, folder, True)
        uri = f"sqlite:///{folder / 'mlflow.db'}"
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        client.create_registered_model(MODEL)
        for _ in range(3):
            client.create_model_version(MODEL, source=f"{folder}/model")
        _TEMPLATE.append(folder / "mlflow.db")
    return _TEMPLATE[0]


@contextmanager
def registry(**aliases: str) -> Iterator[Any]:
    """A new registry with versions 1, 2 and 3 of MODEL and these aliases ({alias: version}); the real client."""
    import shutil

    from mlflow import MlflowClient

    with tempfile.TemporaryDirectory(prefix="registry-check-") as tmp:
        db = Path(tmp) / "mlflow.db"
        shutil.copyfile(_template(), db)
        uri = f"sqlite:///{db}"
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        for alias, version in aliases.items():
            client.set_registered_model_alias(MODEL, alias, version)
        yield client


def aliases(client: Any) -> dict[str, str]:
    """{alias: version} of MODEL now."""
    return {alias: str(version) for alias, version in client.get_registered_model(MODEL).aliases.items()}


def tags(client: Any, version: str) -> dict[str, str]:
    return dict(client.get_model_version(MODEL, version).tags)


def _call(func: Any, name: str, refused: type, *args: Any, **kwargs: Any) -> tuple[Any, Exception | None]:
    """(what it returned, None) or (None, the PromotionRefused it raised); any other error is a Wrong sentence."""
    try:
        return func(*args, **kwargs), None
    except refused as err:
        return None, err
    except (NotImplementedError, Wrong):
        raise
    except Exception as err:  # the learner's code: report, don't crash
        raise Wrong(f"calling {name}(...) raised {type(err).__name__}: {str(err).splitlines()[0][:200]}; "
                    "a state the registry does not allow is a PromotionRefused that says what to do.") from None


def _set_before(calls: list[tuple[str, tuple[Any, ...]]], first: str, then: str) -> bool:
    """The alias `first` was set before the alias `then` was."""
    moves = [args[1] for name, args in calls if name == "set_registered_model_alias"]
    return first in moves and then in moves and moves.index(first) < moves.index(then)


def _judge_promoted(promote: Any, refused: type) -> None:
    """Champion 1, challenger 2: promote 2."""
    with registry(champion="1", challenger="2") as real:
        client = Recording(real)
        out, err = _call(promote, "promote", refused, client, MODEL, "2", reason=REASON, at=AT)
        if err is not None:
            raise Wrong(f"promote refused the challenger, version 2 (champion 1): {err}.")
        now = aliases(real)
        if now.get("champion") != "2":
            raise Wrong(f"after promote(..., \"2\") the alias champion names {now.get('champion')}: move it to the "
                        "promoted version (set_registered_model_alias).")
        if now.get("previous_champion") != "1":
            raise Wrong(f"after promoting 2 over 1, previous_champion names {now.get('previous_champion')}: keep the "
                        "replaced champion under it, so a rollback knows where to go.")
        if not _set_before(client.calls, "previous_champion", "champion"):
            raise Wrong("the champion moved before previous_champion was kept: keep the rollback target first, so "
                        "a crash between the two moves never leaves a new champion with nothing to roll back to.")
        if "challenger" in now:
            raise Wrong("after the promotion the alias challenger still names version 2: delete it "
                        "(delete_registered_model_alias), the version no longer waits.")
        if str(out) != "1":
            raise Wrong(f"promote returned {out!r}: return the version it replaced, \"1\" (the rollback target).")
        got = tags(real, "2")
        if got.get("promoted_at") != AT or got.get("promoted_because") != REASON:
            raise Wrong(f"version 2's tags are {got}: tag it promoted_at (the `at` given) and promoted_because (the "
                        "`reason`), so the registry tells when and why it went live.")


def judge_promote(promote: Any, refused: type) -> str:
    """7.4 on four registries: a champion and its challenger, a first promotion, two versions that are not waiting."""
    _judge_promoted(promote, refused)
    with registry(challenger="1") as real:
        out, err = _call(promote, "promote", refused, Recording(real), MODEL, "1", reason=REASON, at=AT)
        if err is not None or aliases(real).get("champion") != "1" or out is not None:
            raise Wrong("the first promotion (no champion yet, challenger 1) should make 1 the champion and return "
                        f"None; it {'refused: ' + str(err) if err else f'returned {out!r}, aliases {aliases(real)}'}.")
    for setup, version, what in (({"champion": "1", "challenger": "2"}, "3", "version 3 while the challenger is 2"),
                                 ({"champion": "1"}, "2", "version 2 when no challenger waits")):
        with registry(**setup) as real:
            before = aliases(real)
            _, err = _call(promote, "promote", refused, Recording(real), MODEL, version, reason=REASON, at=AT)
            if err is None:
                raise Wrong(f"promote accepted {what}: only the version the alias challenger names passed the gate; "
                            "raise PromotionRefused and move nothing.")
            if aliases(real) != before:
                raise Wrong(f"promote refused {what} but moved aliases first ({before} -> {aliases(real)}): check, "
                            "then move.")
    return ("On a real registry: the challenger promoted with the replaced champion kept first under "
            "previous_champion, the challenger alias gone, the version tagged when and why; a first promotion; and a "
            "version that is not the challenger refused, nothing moved.")


def judge_rollback(rollback: Any, refused: type) -> str:
    """7.5: a rollback after a promotion, a second rollback, and a rollback with nothing to go back to."""
    with registry(champion="2", previous_champion="1") as real:
        out, err = _call(rollback, "rollback", refused, Recording(real), MODEL, reason=REASON, at=AT)
        if err is not None:
            raise Wrong(f"rollback refused with champion 2 and previous_champion 1: {err}.")
        now = aliases(real)
        if now.get("champion") != "1":
            raise Wrong(f"after the rollback the alias champion names {now.get('champion')}: move it back to the "
                        "version previous_champion names.")
        if str(out) != "1":
            raise Wrong(f"rollback returned {out!r}: return the version served now, \"1\".")
        got = tags(real, "2")
        if got.get("rolled_back_at") != AT or got.get("rolled_back_because") != REASON:
            raise Wrong(f"version 2's tags are {got}: tag the version rolled back, rolled_back_at and "
                        "rolled_back_because, so nobody promotes it again without reading why.")
        again, err = _call(rollback, "rollback", refused, Recording(real), MODEL, reason=REASON, at=AT)
        if err is None:
            raise Wrong(f"a second rollback went through (it returned {again!r}, aliases {aliases(real)}): delete "
                        "previous_champion once it is used, so a second rollback refuses instead of serving "
                        "something nobody chose.")
    with registry(champion="1") as real:
        _, err = _call(rollback, "rollback", refused, Recording(real), MODEL, reason=REASON, at=AT)
        if err is None:
            raise Wrong("rollback with no previous champion did not refuse: raise PromotionRefused.")
        if "champion" not in aliases(real) or aliases(real)["champion"] != "1":
            raise Wrong(f"a refused rollback moved the champion: {aliases(real)}.")
    return ("On a real registry: the champion moved back to previous_champion, that alias used up (a second rollback "
            "refuses), the bad version tagged when and why; with nothing to go back to, a refusal and nothing moved.")
