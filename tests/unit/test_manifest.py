"""course.yml: the typed manifest accepts the real one and names the field of a bad one."""

import copy

import pytest
import yaml

from mlops_course import manifest
from mlops_course.manifest import ManifestError

GOOD = {
    "course": {"title": "T", "version": "1"},
    "labs": [
        {"id": "00-setup", "title": "Setup", "layer": "orientation", "notebook": "00_setup.ipynb",
         "status": "built", "minutes": 10, "objectives": ["o"], "parameters": {"ci": {"X": 1}}, "ci_seconds": 30},
        {"id": "01-next", "title": "Next", "layer": "framing", "notebook": "01_next.ipynb",
         "minutes": 10, "objectives": ["o"], "requires": ["00-setup"]},
    ],
}


def bad(**changes):
    data = copy.deepcopy(GOOD)
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is KeyError:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return data


def test_the_course_manifest_is_valid_and_lists_all_eight_labs():
    m = manifest.load()
    assert [lab.id[:2] for lab in m.labs] == ["00", "01", "02", "03", "04", "05", "06", "07"]
    assert m.lab("00-setup").built


def test_a_good_manifest_parses_with_defaults():
    m = manifest.parse(GOOD)
    assert m.lab("1").requires == ["00-setup"]
    assert m.lab("01-next").status == "planned"
    assert m.lab("00_setup.ipynb").params("ci") == {"X": 1}


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (bad(labs__0__minutes="lots"), "labs[0].minutes"),
        (bad(labs__0__minutes=-5), "labs[0].minutes"),
        (bad(labs__1__title=KeyError), "labs[1].title"),
        (bad(labs__0__id="setup"), "labs[0].id"),
        (bad(labs__0__notebook="solutions/00.ipynb"), "labs[0].notebook"),
        (bad(labs__0__status="done"), "labs[0].status"),
        (bad(labs__0__colour="blue"), "labs[0].colour"),
        (bad(labs__1__requires=["99-nope"]), "labs[1].requires"),
        (bad(labs__1__id="00-setup"), "labs[1].id"),
        (bad(course=KeyError), "course"),
        (bad(course__version=KeyError), "course.version"),
        (bad(labs__0__ci_seconds=KeyError), "ci_seconds"),
        (bad(labs__0__ci_seconds=0), "labs[0].ci_seconds"),
    ],
)
def test_a_bad_manifest_fails_with_one_message_naming_the_field(data, named):
    with pytest.raises(ManifestError) as err:
        manifest.parse(data)
    message = str(err.value)
    assert named in message
    assert "\n" not in message
    assert message.startswith("course.yml is invalid at ")


def test_labs_out_of_order_are_refused():
    data = copy.deepcopy(GOOD)
    data["labs"][0]["requires"] = []
    data["labs"].reverse()
    data["labs"][1]["requires"] = []
    data["labs"][0]["requires"] = []
    with pytest.raises(ManifestError, match="course order"):
        manifest.parse(data)


def test_not_a_mapping_and_bad_yaml_and_missing_file_are_explained(tmp_path):
    with pytest.raises(ManifestError, match="must be a mapping"):
        manifest.parse(["a", "b"])
    f = tmp_path / "course.yml"
    f.write_text("labs: [unclosed")
    with pytest.raises(ManifestError, match="not valid YAML"):
        manifest.load(f)
    with pytest.raises(ManifestError, match="does not exist"):
        manifest.load(tmp_path / "missing.yml")


def test_unknown_lab_lists_the_valid_ids():
    m = manifest.parse(GOOD)
    with pytest.raises(ManifestError, match="choose one of 00-setup, 01-next"):
        m.lab("42-nope")


def test_missing_size_parameters_name_the_field():
    m = manifest.parse(GOOD)
    with pytest.raises(ManifestError, match=r"labs\[\]\.parameters\.ci"):
        m.lab("01-next").params("ci")


def test_prerequisites_are_transitive_and_in_course_order():
    data = copy.deepcopy(GOOD)
    data["labs"].append({"id": "02-third", "title": "3", "layer": "x", "notebook": "02.ipynb",
                         "minutes": 5, "objectives": ["o"], "requires": ["01-next"]})
    m = manifest.parse(data)
    assert [lab.id for lab in m.prerequisites("02-third")] == ["00-setup", "01-next"]


def test_the_yaml_file_round_trips_through_the_model():
    from mlops_course import workspace

    raw = yaml.safe_load((workspace.course_root() / "course.yml").read_text())
    assert manifest.parse(raw).model_dump(exclude_defaults=True)["course"]["title"] == raw["course"]["title"]


def chained(**chain):
    data = copy.deepcopy(GOOD)
    data["labs"][0]["parameters"] = {"ci": {"DATA_SIZE": "ci", "MAX_ITER": 60}}
    data["labs"][1]["parameters"] = {"ci": {"DATA_SIZE": "ci"}}
    data["labs"].append({"id": "02-third", "title": "3", "layer": "x", "notebook": "02.ipynb", "minutes": 5,
                         "objectives": ["o"], "requires": ["01-next"], "parameters": {"ci": {"DATA_SIZE": "ci"}}})
    data["chains"] = {"loop": {"rows": 50_000, "through": "01-next", "seconds": 300, "why": "it promotes",
                               **chain}}
    return data


def test_a_chain_runs_its_labs_ci_parameters_at_its_own_rows_and_stops_at_its_last_lab():
    m = manifest.parse(chained())
    assert m.chains["loop"].rows == 50_000
    assert m.lab("00-setup").params("loop") == {"DATA_SIZE": "50000", "MAX_ITER": 60}
    assert m.lab("01-next").params("loop") == {"DATA_SIZE": "50000"}
    with pytest.raises(ManifestError, match=r"labs\[\]\.parameters\.loop"):
        m.lab("02-third").params("loop")


@pytest.mark.parametrize(("chain", "named"), [
    ({"through": "09-nope"}, "chains.loop.through"),
    ({"rows": 10}, "chains.loop.rows"),
    ({"why": ""}, "chains.loop.why"),
])
def test_a_bad_chain_is_named(chain, named):
    with pytest.raises(ManifestError, match=named.replace(".", r"\.")):
        manifest.parse(chained(**chain))


def test_a_chain_may_not_take_a_lab_sizes_name():
    data = chained()
    data["chains"] = {"ci": data["chains"]["loop"]}
    with pytest.raises(ManifestError, match="'ci' is a lab size already"):
        manifest.parse(data)
