"""Exercise 6.6's check, the monitoring dashboard: evidently_project run twice on a new Evidently workspace.

The weekly job calls evidently_project every Monday, so it must make the project and its panels once and find
them afterwards. The panels must plot what the weekly snapshots hold (the metric and the labels that pick one of
its values): the check reads the dashboard back from a fresh Workspace on the same folder, as the Evidently UI does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..checks import Wrong, call_learner, require_type

#: The panels the weekly snapshots can fill: {(metric, labels): what it shows}.
PANELS: dict[tuple[str, frozenset[tuple[str, str]]], str] = {
    ("DriftedColumnsCount", frozenset({("value_type", "share")})): "the share of drifted inputs",
    ("MissingValueCount", frozenset({("column", "device_os"), ("value_type", "share")})):
        "the share of payments without device_os",
    ("MeanValue", frozenset({("column", "alert")})): "the alert rate",
    ("MeanValue", frozenset({("column", "caught")})): "recall on the frauds reported so far (the performance "
                                                      "snapshot's mean of caught)",
    ("OutRangeValueCount", frozenset({("column", "amount_inr"), ("value_type", "share")})):
        "the share of payments above NPCI's limit",
}


def _plotted(project: Any) -> list[tuple[str, frozenset[tuple[str, str]]]]:
    """(metric, labels) of every value of every panel, as the dashboard stores them."""
    out = []
    for panel in project.dashboard.model().panels:
        for value in panel.values:
            labels = frozenset((str(k), str(v)) for k, v in (value.metric_labels or {}).items())
            out.append((str(value.metric).split(":")[-1], labels))
    return out


def _shown(key: tuple[str, frozenset[tuple[str, str]]]) -> str:
    metric, labels = key
    inside = ", ".join(f"{k}={v!r}" for k, v in sorted(labels))
    return f"{metric}({inside})"


def _judge_panels(project: Any) -> None:
    plotted = _plotted(project)
    for key in plotted:
        if key not in PANELS:
            metric = key[0]
            near = [k for k in PANELS if k[0] == metric]
            hint = (f" (for {PANELS[near[0]]}: {_shown(near[0])})" if len(near) == 1 else
                    "" if near else "; the weekly snapshots hold none of that name")
            raise Wrong(f"a panel plots {_shown(key)}, which no weekly snapshot fills as you mean it{hint}: the "
                        "labels pick one value of a metric (value_type=\"share\" its share, column= its column).")
    missing = [what for key, what in PANELS.items() if key not in plotted]
    if missing:
        raise Wrong(f"no panel shows {missing[0]}: one line panel per watched number, "
                    f"{', '.join(_shown(k) for k in PANELS)}.")
    twice = {k for k in plotted if plotted.count(k) > 1}
    if twice:
        raise Wrong(f"{_shown(sorted(twice, key=str)[0])} is plotted twice: add each panel once, when the project "
                    "is created.")


def dashboard(func: Any, project_name: str) -> str:
    from evidently.ui.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="dashboard-check-") as tmp:
        folder = Path(tmp) / "evidently"
        first = call_learner(func, "evidently_project", folder)
        require_type(first, tuple, "what evidently_project returns ((workspace, project))")
        if len(first) != 2:
            raise Wrong(f"evidently_project returned {len(first)} things: return (workspace, project).")
        _, project = first
        _judge_panels(project)
        panels = len(project.dashboard.model().panels)
        _, again = call_learner(func, "evidently_project", folder)
        reopened = Workspace(str(folder))
        named = [p for p in reopened.list_projects() if p.name == project_name]
        if len(named) != 1:
            raise Wrong(f"after two Mondays the workspace holds {len(named)} projects named {project_name!r}: "
                        "search for the project (ws.search_project(name)) and create it only when there is none.")
        if str(again.id) != str(project.id):
            raise Wrong("the second call returned another project than the first: return the one you found.")
        stored = named[0]
        if len(stored.dashboard.model().panels) != panels:
            raise Wrong(f"after two Mondays the dashboard has {len(stored.dashboard.model().panels)} panels, not "
                        f"{panels}: add the panels only when you create the project.")
        if not (stored.description or "").strip():
            raise Wrong("the project has no description once the workspace is opened again: set "
                        "project.description and call project.save().")
    return (f"One project named {project_name!r}, found again on the next Monday; five line panels, each plotting a "
            "number the weekly snapshots hold (drifted share, missing device_os, alert rate, recall, over the "
            "limit), added once.")
