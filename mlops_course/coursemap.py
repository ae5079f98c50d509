"""The README's course map, generated from course.yml so the two never disagree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import workspace

MAP_START = "<!-- course-map:start (generated from course.yml by `make labs`) -->"
MAP_END = "<!-- course-map:end -->"


def course_map(manifest: Any) -> str:
    """The course map as a Markdown table: one row per lab, a link once the lab is built."""
    rows = [
        "| lab | title | layer | tools | minutes | status |",
        "| --- | --- | --- | --- | ---: | --- |",
    ]
    for lab in manifest.labs:
        link = f"[{lab.id}](labs/{lab.notebook})" if lab.built else lab.id
        status = "ready" if lab.built else "coming next"
        rows.append(f"| {link} | {lab.title} | {lab.layer} | {', '.join(lab.tools)} | {lab.minutes} | {status} |")
    total = sum(lab.minutes for lab in manifest.labs)
    rows.append(f"\nAbout {total / 60:.0f} hours in all; each lab states its own objectives and time.")
    return "\n".join(rows)


def update_readme(root: Path | None = None, check: bool = False) -> list[str]:
    """Refresh the course map between the README's markers (or report that it is stale)."""
    from .manifest import load

    base = root or workspace.course_root()
    readme = base / "README.md"
    text = readme.read_text(encoding="utf-8")
    if MAP_START not in text or MAP_END not in text:
        return ["README.md has no course-map markers"]
    head, rest = text.split(MAP_START, 1)
    _, tail = rest.split(MAP_END, 1)
    new = f"{head}{MAP_START}\n{course_map(load(base / 'course.yml'))}\n{MAP_END}{tail}"
    if new == text:
        return []
    if check:
        return ["README.md course map is stale"]
    readme.write_text(new, encoding="utf-8")
    return ["updated the README course map"]
