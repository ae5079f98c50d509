"""The registered pipeline's fitted encoder, applied with numpy: the same numbers, without pandas (given in lab 04).

The registered model is a scikit-learn pipeline (one-hot encoder, then gradient boosting). On one row its
encoder's pandas path costs ~3.5 ms and the trees 0.1 ms, a large share of a 5 ms latency budget. A
second implementation of the same transform is a skew risk, so it is proven, not assumed:
scoring.check_encoder compares it with the pipeline (lab 04 on the validation month; lab 05's tests).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

Columns = Mapping[str, Sequence[Any] | np.ndarray]


def _known(step: Any) -> bool:
    """A fitted step this encoder knows how to apply (any other makes it fall back to the pipeline)."""
    kind = type(step).__name__
    return bool(step == "passthrough"
                or (kind == "OneHotEncoder" and step.handle_unknown == "ignore" and step.drop is None)
                or kind == "StandardScaler" or (kind == "FunctionTransformer" and step.inverse_func is None))


class Encoder:
    """The pipeline's fitted column transformer, applied to columns with numpy.

    Knows the steps this course's models use (one-hot encoder, scaler, function, passthrough);
    for any other step it falls back to the pipeline itself (slower, same scores).
    """

    def __init__(self, pipeline: Pipeline, inputs: Sequence[str]) -> None:
        self.pipeline, self.inputs, self.classifier = pipeline, list(inputs), pipeline[-1]
        steps: list[tuple[list[str], Any]] = []  # (input names, fitted step), in the transformer's output order
        for _, step, columns in pipeline[0].transformers_:
            if step != "drop":
                steps.append(([self.inputs[c] if isinstance(c, int | np.integer) else c for c in columns], step))
        self.steps = steps if len(pipeline) == 2 and all(_known(step) for _, step in steps) else None

    def matrix(self, columns: Columns) -> np.ndarray:
        """columns: {input name: sequence of values} -> float matrix, one row per payment."""
        parts = []
        for names, step in self.steps or []:
            if hasattr(step, "categories_"):  # one-hot, unknown categories all zero (handle_unknown="ignore")
                for name, categories in zip(names, step.categories_, strict=True):
                    values = np.asarray(columns[name], dtype=object)
                    parts.append((values[:, None] == np.asarray(categories, dtype=object)[None, :]).astype(float))
                continue
            x = np.column_stack([np.asarray([np.nan if v is None else v for v in columns[n]], dtype=float)
                                 for n in names])
            if hasattr(step, "scale_"):  # StandardScaler
                x = (x - (step.mean_ if step.mean_ is not None else 0)) / (step.scale_ if step.scale_ is not None else 1)
            elif getattr(step, "func", None) is not None:  # FunctionTransformer
                x = step.func(x, **(step.kw_args or {}))
            parts.append(x)
        return np.hstack(parts)

    def scores(self, columns: Columns) -> np.ndarray:
        """The fraud probability of each payment."""
        if self.steps is None:
            frame = pd.DataFrame({name: list(columns[name]) for name in self.inputs})
            return np.asarray(self.pipeline.predict_proba(frame)[:, 1])
        return np.asarray(self.classifier.predict_proba(self.matrix(columns))[:, 1])
