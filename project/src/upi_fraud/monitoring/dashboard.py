"""The monitoring dashboard: an Evidently workspace with one project and its panels (exercise 6.6, lab 06).

Every judged week adds two snapshots to the workspace (monitoring/evidently): the data report and the
performance snapshot. The Evidently UI (`evidently ui --workspace ...`) shows them as this project, with
panels over the weeks and every week's full report.
"""

from __future__ import annotations

from pathlib import Path

from evidently.sdk.models import PanelMetric
from evidently.sdk.panels import DashboardPanelPlot
from evidently.ui.workspace import Project, Workspace

from upi_fraud.monitoring import config


def evidently_project(path: Path) -> tuple[Workspace, Project]:
    """The Evidently workspace and its monitoring project (made once, with the dashboard panels)."""
    ### BEGIN SOLUTION 6.6
    ws = Workspace(str(path))
    found = ws.search_project(config.PROJECT_NAME)
    if found:
        return ws, found[0]
    project = ws.create_project(config.PROJECT_NAME)
    project.description = "Weekly checks of the UPI fraud service: inputs, scores and recall on the reports known so far."
    project.save()

    def line(title: str, metric: str, legend: str, **labels: str) -> DashboardPanelPlot:
        return DashboardPanelPlot(title=title, size="half", plot_params={"plot_type": "line"},
                                  values=[PanelMetric(legend=legend, metric=metric, metric_labels=labels)])

    panels = [
        line("Drifted columns (share)", "DriftedColumnsCount", "share", value_type="share"),
        line("Missing device_os (share of payments)", "MissingValueCount", "device_os", column="device_os", value_type="share"),
        line("Alert rate (budget 1%)", "MeanValue", "alert rate", column="alert"),
        line("Recall on the frauds reported so far (last 28 days)", "MeanValue", "recall", column="caught"),
        line("Payments above the NPCI limit (share)", "OutRangeValueCount", "amount_inr", column="amount_inr",
             value_type="share"),
    ]
    for panel in panels:
        project.dashboard.add_panel(panel, tab="Monitoring")
    return ws, project
    ### END SOLUTION
