"""The class report's table: a row per learner, a column per exercise, written as CSV and Markdown.

Pure formatting (no notebook runs), so it is tested in seconds; classreport.py fills it.
A cell is `correct`, `incorrect: <first message>`, `not done`, `not reached`, or empty
for the exercises of a lab the learner did not hand in.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CSV_NAME, MD_NAME = "class-report.csv", "class-report.md"


@dataclass
class Row:
    learner: str
    cells: dict[str, str] = field(default_factory=dict)  # exercise id -> state
    notes: list[str] = field(default_factory=list)
    seconds: float | None = None  # time the learner's notebooks ran (catch-up not counted)


@dataclass
class ClassReport:
    columns: list[str]  # exercise ids, in course order
    rows: list[Row]
    seconds: float = 0.0  # wall-clock time of the whole report
    written: list[Path] = field(default_factory=list)

    @classmethod
    def from_rows(cls, rows: list[Row], labs: list[Any], ids: dict[str, list[str]], seconds: float = 0.0) -> ClassReport:
        """The columns are the exercises of every lab someone handed in (`labs` in course order, `ids` per lab id)."""
        return cls([ex_id for lab in labs for ex_id in ids[lab.id]], rows, seconds)

    @property
    def header(self) -> list[str]:
        return ["learner", *self.columns, "seconds", "notes"]

    def table(self) -> list[list[str]]:
        """Header then one list of strings per learner."""
        body = [[r.learner, *(r.cells.get(c, "") for c in self.columns),
                 "" if r.seconds is None else f"{r.seconds:.0f}", "; ".join(r.notes)] for r in self.rows]
        return [self.header, *body]

    def csv(self) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(self.table())
        return buf.getvalue()

    def markdown(self) -> str:
        def cell(text: str) -> str:
            return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

        head, *body = self.table()
        lines = ["| " + " | ".join(cell(t) for t in head) + " |", "|" + " --- |" * len(head)]
        lines += ["| " + " | ".join(cell(t) for t in row) + " |" for row in body]
        return "# Class report\n\n" + "\n".join(lines) + "\n"

    def write(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CSV_NAME).write_text(self.csv(), encoding="utf-8")
        (folder / MD_NAME).write_text(self.markdown(), encoding="utf-8")
        self.written = [folder / CSV_NAME, folder / MD_NAME]
        return self.written

    def summary(self) -> str:
        """A few lines for the terminal: how many answers are correct, who needs a look, where the files are."""
        answered = [r.cells[c] for r in self.rows for c in self.columns if c in r.cells]
        correct = sum(state == "correct" for state in answered)
        lines = [f"Checked {len(self.rows)} learner(s) in {self.seconds:.0f} s: {correct} of {len(answered)} "
                 f"exercise answers correct."]
        for ex_id in self.columns:
            got = [r.cells[ex_id] for r in self.rows if ex_id in r.cells]
            lines.append(f"  exercise {ex_id}: {sum(s == 'correct' for s in got)} of {len(got)} correct")
        noted = [r.learner for r in self.rows if r.notes]
        if noted:
            lines.append(f"Notes for: {', '.join(noted)}.")
        if self.written:
            lines.append("Report: " + ", ".join(str(p) for p in self.written))
        return "\n".join(lines)
