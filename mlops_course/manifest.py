"""The course manifest, course.yml, as a validated, typed model.

course.yml drives the README's course map, the order the tests run labs in,
catch-up, and instructor timings, so a mistake in it must fail early with one
sentence that names the field, never a KeyError deep inside a notebook run.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import workspace
from .errors import CourseError

LAB_ID = re.compile(r"^\d{2}-[a-z0-9]+(-[a-z0-9]+)*$")
#: The sizes a lab runs at: `ci` (papermill parameters from course.yml) and `default` (the notebook's own).
LAB_SIZES: tuple[str, ...] = ("ci", "default")


class ManifestError(CourseError, ValueError):
    """course.yml is missing, unreadable or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Lab(_Strict):
    id: str = Field(description="Stable id, e.g. 03-feature-store; the two digits give the order.")
    title: str
    layer: str
    notebook: str = Field(description="File name shared by labs/ and solutions/.")
    status: Literal["built", "planned"] = "planned"
    minutes: int = Field(gt=0, le=600, description="Learner time in minutes.")
    objectives: list[str] = Field(min_length=1)
    requires: list[str] = []
    tools: list[str] = []
    parameters: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Papermill parameters per size, e.g. {'ci': {'DATA_SIZE': 'ci'}}."
    )
    outputs: list[str] = []
    project_files: list[str] = Field(
        default_factory=list,
        description="Given files of the reference project (project/) this lab copies into the workspace, as paths "
                    "or globs relative to project/. Never a learner module: those are written by exercise cells.",
    )
    ci_seconds: int | None = Field(
        default=None, gt=0, le=600,
        description="Time budget for one run at the ci size on a 2-core machine; the course tests stop a run at 3x this.",
    )
    instructor_notes: str = ""

    @model_validator(mode="after")
    def _built_has_budget(self) -> Lab:
        if self.status == "built" and self.ci_seconds is None:
            raise ValueError("a built lab needs ci_seconds, its time budget at the ci size")
        return self

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not LAB_ID.match(v):
            raise ValueError("must look like '03-feature-store' (two digits, a dash, lowercase words)")
        return v

    @field_validator("notebook")
    @classmethod
    def _notebook_name(cls, v: str) -> str:
        if "/" in v or not v.endswith(".ipynb"):
            raise ValueError("must be a bare file name ending in .ipynb")
        return v

    @property
    def number(self) -> int:
        return int(self.id[:2])

    @property
    def built(self) -> bool:
        return self.status == "built"

    def params(self, size: str) -> dict[str, Any]:
        """Papermill parameters for a size; the notebook's own defaults are the 'default' size."""
        if size == "default":
            return dict(self.parameters.get("default", {}))
        if size not in self.parameters:
            raise ManifestError(f"Lab {self.id} has no parameters for size '{size}': add labs[].parameters.{size} in course.yml.")
        return dict(self.parameters[size])


class Chain(_Strict):
    """A size the tests run a chain of labs at besides `ci`: each lab's ci parameters with DATA_SIZE set to `rows`
    (course.yml's `chains`; the labs' `parameters.<name>` are filled in from it)."""

    rows: int = Field(ge=1000, description="Payments in the chain's dataset (DATA_SIZE).")
    through: str = Field(description="The last lab of the chain; it runs with every lab it requires.")
    seconds: int = Field(gt=0, le=3600, description="Time budget of the whole chain on a 2-core machine.")
    why: str = Field(min_length=1, description="What the chain proves that the ci size cannot.")


class CourseInfo(_Strict):
    title: str
    tagline: str = ""
    version: str
    repository: str = ""
    binder_url: str = ""
    licence: str = ""


class Manifest(_Strict):
    course: CourseInfo
    labs: list[Lab] = Field(min_length=1)
    chains: dict[str, Chain] = {}

    @model_validator(mode="before")
    @classmethod
    def _chain_parameters(cls, data: Any) -> Any:
        """Each chain's parameters in its labs: their ci parameters, with DATA_SIZE the chain's rows (as text, as
        an environment variable carries it)."""
        if not isinstance(data, dict) or not isinstance(data.get("chains"), dict) or not isinstance(data.get("labs"),
                                                                                                   list):
            return data
        labs = [dict(lab) if isinstance(lab, dict) else lab for lab in data["labs"]]
        for name, chain in data["chains"].items():
            if not isinstance(chain, dict):
                continue
            for lab in labs:
                if not isinstance(lab, dict) or not isinstance(lab.get("parameters"), dict):
                    continue
                if isinstance(lab.get("id"), str) and lab["id"][:2] > str(chain.get("through", ""))[:2]:
                    break  # the chain stops at `through` (labs are in course order; checked below)
                ci = lab["parameters"].get("ci")
                if isinstance(ci, dict) and name not in lab["parameters"]:
                    chained = {**ci, "DATA_SIZE": str(chain.get("rows"))} if "DATA_SIZE" in ci else dict(ci)
                    lab["parameters"] = {**lab["parameters"], name: chained}
        return {**data, "labs": labs}

    @model_validator(mode="after")
    def _consistent(self) -> Manifest:
        seen: dict[str, int] = {}
        for i, lab in enumerate(self.labs):
            if lab.id in seen:
                raise ValueError(f"labs[{i}].id: '{lab.id}' is used twice")
            for req in lab.requires:
                if req not in seen:
                    raise ValueError(
                        f"labs[{i}].requires: '{req}' is not a lab listed before '{lab.id}'"
                    )
            seen[lab.id] = i
        numbers = [lab.number for lab in self.labs]
        if numbers != sorted(numbers):
            raise ValueError("labs: must be listed in course order (by their two-digit number)")
        for name, chain in self.chains.items():
            if name in LAB_SIZES:
                raise ValueError(f"chains.{name}: '{name}' is a lab size already; name the chain something else")
            if chain.through not in seen:
                raise ValueError(f"chains.{name}.through: '{chain.through}' is not a lab")
        notebooks = [lab.notebook for lab in self.labs]
        dupes = {n for n in notebooks if notebooks.count(n) > 1}
        if dupes:
            raise ValueError(f"labs[].notebook: {sorted(dupes)[0]} is used by two labs")
        return self

    def lab(self, lab_id: str) -> Lab:
        """Find a lab by id, by its number ('3', '03') or by its notebook name."""
        for lab in self.labs:
            if lab_id in (lab.id, lab.notebook, lab.notebook.removesuffix(".ipynb")):
                return lab
            if lab_id.isdigit() and int(lab_id) == lab.number:
                return lab
        raise ManifestError(f"There is no lab '{lab_id}': choose one of {', '.join(self.ids)}.")

    @property
    def ids(self) -> list[str]:
        return [lab.id for lab in self.labs]

    @property
    def built_labs(self) -> list[Lab]:
        return [lab for lab in self.labs if lab.built]

    def built_through(self, lab_ids: list[str] | tuple[str, ...] = ()) -> list[Lab]:
        """Built labs in course order, up to the last of lab_ids (all of them when none is named)."""
        if not lab_ids:
            return self.built_labs
        last = max(self.lab(x).number for x in lab_ids)
        return [lab for lab in self.built_labs if lab.number <= last]

    def prerequisites(self, lab_id: str) -> list[Lab]:
        """Every lab that lab_id needs, directly or not, in course order."""
        needed: set[str] = set()
        stack = list(self.lab(lab_id).requires)
        while stack:
            req = stack.pop()
            if req not in needed:
                needed.add(req)
                stack.extend(self.lab(req).requires)
        return [lab for lab in self.labs if lab.id in needed]


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    where = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", where)
    msg = first["msg"].removeprefix("Value error, ")
    more = f" (and {err.error_count() - 1} more problem(s))" if err.error_count() > 1 else ""
    return f"{where}: {msg}{more}"


def parse(data: Any, source: str = "course.yml") -> Manifest:
    """Validate already-loaded YAML data; raise ManifestError naming the bad field."""
    if not isinstance(data, dict):
        raise ManifestError(f"{source} must be a mapping with 'course' and 'labs' at the top level.")
    try:
        return Manifest.model_validate(data)
    except ValidationError as err:
        raise ManifestError(f"{source} is invalid at {_describe(err)}; fix that field and try again.") from None


def load(path: Path | str | None = None) -> Manifest:
    """Read and validate course.yml (the repository's by default)."""
    import yaml

    p = Path(path) if path else workspace.course_root() / "course.yml"
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{p} does not exist; run from the course checkout or set MLOPS_COURSE_ROOT.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ManifestError(f"{p.name} is not valid YAML ({err.__class__.__name__}: {err}).") from None
    return parse(data, p.name)


@lru_cache(maxsize=1)
def course() -> Manifest:
    """The repository's manifest, read once per process."""
    return load()
