"""Predict first: a cell that asks the learner to write a prediction comes before a key result, and the text
after the result comes back to it (issue 25). Markdown only: the learner writes in the cell itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ASK = "**Your prediction.**"
BACK = "Back to your prediction"
#: The labs whose key results (an injected fault, a CT decision, ...) are predicted first, and how many at least.
AT_LEAST = {"05_ci_for_ml.ipynb": 6}


def _cells(folder: str, notebook: str) -> list[dict]:
    return json.loads((ROOT / folder / notebook).read_text())["cells"]


def _text(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize("notebook", sorted(AT_LEAST))
def test_each_prediction_comes_before_a_result_and_the_text_after_it_comes_back(notebook):
    cells = _cells("solutions", notebook)
    asks = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and _text(c).startswith(ASK)]
    assert len(asks) >= AT_LEAST[notebook]
    for i in asks:
        assert "*I predict:*" in _text(cells[i]), "leave the learner a place to write"
        following = cells[i + 1:]
        assert following[0]["cell_type"] == "code" and following[0]["outputs"], "the result comes right after"
        back = next((j for j in range(i + 1, len(cells))
                     if cells[j]["cell_type"] == "markdown" and BACK in _text(cells[j])), None)
        assert back is not None, f"{notebook}: the prediction in cell {i} is never come back to"
        between = [_text(c) for c in cells[i + 1:back] if c["cell_type"] == "markdown"]
        assert not any(t.lstrip().startswith("## ") for t in between), (
            f"{notebook}: the prediction in cell {i} is come back to only after its section ended")


@pytest.mark.parametrize("notebook", sorted(AT_LEAST))
def test_the_learners_notebook_keeps_the_prediction_cells(notebook):
    solution = [_text(c) for c in _cells("solutions", notebook) if _text(c).startswith(ASK)]
    assert solution == [_text(c) for c in _cells("labs", notebook) if _text(c).startswith(ASK)]
