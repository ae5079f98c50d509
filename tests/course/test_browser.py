"""The course as a learner sees it: JupyterLab and the web UIs in a real Chromium (see browser.py).

On the workspace the 05-07 course chain leaves (caught up at `ci` size when this file runs alone), with
JupyterLab started as `make lab` starts it:
- every built lab's `labs/` notebook, Run All from the menu, stops at its first exercise with the course's
  "not done yet" and no other error; lab 00's two answers, typed into their cells, pass their checks;
- a lab with an error planted before its first exercise fails that same check;
- the MLflow UI through JupyterLab's /mlflow/ proxy shows the course's experiment and the champion alias,
  the BentoML service's API page lists /score, the Evidently UI shows the monitoring project's panels.
The browser may reach 127.0.0.1 only, and a script error in a page fails the test.
Screenshots go to build/browser/ for a maintainer to look at.
"""

from __future__ import annotations

import json
import re
import threading

import browser
import pytest
from chain import COURSE

from mlops_course import catchup, grading, launchers, notebooks, sandbox, services, workspace

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("course-1")]  # after the 05-07 chain, on its workspace
BUILT = [lab for lab in COURSE.labs if lab.built]
MODEL_NAME = "upi-fraud-detector"
EXPERIMENT = "upi-fraud"
INJECTED = 1  # papermill's injected-parameters cell, right after each lab's parameters cell


@pytest.fixture(scope="module", autouse=True)
def chromium_present():
    """Checked before anything is prepared: CI requires the browser, elsewhere the test says how to get it."""
    if browser.chromium() is None:
        message = f"Chromium is not installed; install it with: {browser.INSTALL}"
        if browser.required():
            pytest.fail(message + " (MLOPS_BROWSER_REQUIRED=1: this run must include the browser tests)")
        pytest.skip("not run: " + message)


@pytest.fixture(scope="module")
def lab_server(course_ws, tmp_path_factory):
    """JupyterLab on a course copy whose labs carry their ci parameters; every built lab complete first."""
    catchup.require(*(lab.id for lab in BUILT), size="ci")
    tmp = tmp_path_factory.mktemp("browser")
    copy = browser.course_copy(tmp / "course", {lab.notebook: lab.params("ci") for lab in BUILT})
    with browser.jupyterlab(copy, tmp / "state") as server:
        # jupyter-server-proxy starts the MLflow UI on its first request (~10-30 s): start it now, in the background.
        warm = threading.Thread(target=services.http_status,
                                args=(f"{server.url}/mlflow/health?token={browser.TOKEN}",), kwargs={"timeout": 120})
        warm.start()
        server.copy = copy
        yield server
        warm.join()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=browser.chromium(), args=["--no-sandbox"])
        yield chrome
        chrome.close()


@pytest.fixture(scope="module")
def visit(chromium, lab_server):
    """One browser tab for the module, logged in to JupyterLab (the token sets its cookie), with its watchers."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    local = browser.LocalOnly()
    context.route("**/*", local)
    pg = context.new_page()
    script_errors: list[str] = []
    pg.on("pageerror", lambda err: script_errors.append(str(err)))
    pg.goto(f"{lab_server.url}/lab?reset&token={browser.TOKEN}", wait_until="domcontentloaded")
    yield pg, local.outside, script_errors
    context.close()


@pytest.fixture
def page(visit):
    """The tab; after each test: no request left 127.0.0.1 and no script error in a page."""
    pg, outside, script_errors = visit
    outside.clear()
    script_errors.clear()
    yield pg
    assert not outside, f"the browser tried to reach other hosts: {outside}"
    assert not script_errors, f"script errors in the page: {script_errors}"


def run_all_until_first_stop(page, server, notebook: str, timeout: float) -> dict:
    """Open labs/NOTEBOOK, Run All from the menu, wait for the run to stop; return the saved notebook."""
    rel = f"labs/{notebook}"
    browser.open_notebook(page, server.url, rel)
    browser.run_all(page, timeout)
    return browser.save_and_read(page, server.copy / rel)


@pytest.mark.parametrize("lab", BUILT, ids=[lab.id for lab in BUILT])
def test_run_all_stops_at_the_first_exercise_with_the_course_message(page, lab_server, lab):
    saved = run_all_until_first_stop(page, lab_server, lab.notebook, timeout=3 * lab.ci_seconds)
    stop = browser.output(page, "is not done yet")
    stop.scroll_into_view_if_needed()
    browser.shot(page, f"lab-{lab.id}")
    exercise = browser.assert_stopped_at_first_exercise(saved, notebooks.read(browser.ROOT / "labs" / lab.notebook),
                                                        INJECTED)
    assert f"Exercise {exercise} is not done yet" in stop.inner_text()  # what the learner reads, on screen
    browser.close_notebook(page)


def _answer(source: str) -> str:
    """A solution cell as a learner would type it: the solution blocks' code in place, the markers gone."""
    return "\n".join(item if isinstance(item, str) else "\n".join(item.lines) for item in notebooks.parse(source))


def test_lab00_answers_typed_into_the_cells_pass_their_checks(page, lab_server):
    lab = COURSE.lab("00-setup")
    solution = notebooks.read(browser.ROOT / "solutions" / lab.notebook)
    labs_nb = notebooks.read(browser.ROOT / "labs" / lab.notebook)
    run_all_until_first_stop(page, lab_server, lab.notebook, timeout=3 * lab.ci_seconds)
    stubs = browser.stub_cells(labs_nb)
    for exercise in notebooks.exercise_ids(solution):
        cell = stubs[exercise]
        editor = page.locator(f"{browser.PANEL} .jp-Cell").nth(cell + INJECTED).locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(_answer("".join(solution["cells"][cell]["source"])))
        browser.menu(page, "Run", "Run Selected Cell and All Below")
        browser.output(page, f"Exercise {exercise} (").wait_for(timeout=60_000)
        browser.wait_until_idle(page, timeout=60)
    browser.output(page, "Exercise 0.2 (").scroll_into_view_if_needed()
    browser.shot(page, "lab-00-setup-answered")
    saved = browser.save_and_read(page, lab_server.copy / "labs" / lab.notebook)
    results, messages = grading.outcomes(saved, notebooks.exercise_ids(solution))
    assert results == {"0.1": "correct", "0.2": "correct"}, messages
    assert browser.errors(saved) == [], "the answered lab must run to its last cell"
    assert saved["cells"][-1].get("execution_count"), "the last cell (mc.complete) did not run"
    for exercise in results:
        assert ": correct." in browser.output(page, f"Exercise {exercise} (").text_content()
    browser.close_notebook(page)


def test_an_error_planted_before_the_first_exercise_fails_the_check(page, lab_server):
    """The check above is not a formality: a lab that breaks before its first exercise is caught."""
    lab = COURSE.lab("01-problem-and-data")
    planted = lab_server.copy / "labs" / "01_planted.ipynb"
    nb = notebooks.read(lab_server.copy / "labs" / lab.notebook)
    first_code = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
                      and "parameters" not in "".join(c.get("metadata", {}).get("tags", [])))
    nb["cells"][first_code]["source"] = "raise KeyError('planted: the dataset lost a column')\n" + "".join(
        nb["cells"][first_code]["source"])
    planted.write_text(json.dumps(nb))
    saved = run_all_until_first_stop(page, lab_server, planted.name, timeout=3 * lab.ci_seconds)
    browser.shot(page, "lab-01-planted-error")
    with pytest.raises(AssertionError, match="KeyError"):
        browser.assert_stopped_at_first_exercise(saved, notebooks.read(browser.ROOT / "labs" / lab.notebook),
                                                 INJECTED)
    browser.close_notebook(page)


def test_the_mlflow_ui_through_the_jupyter_proxy_shows_the_experiment_and_the_champion(page, lab_server):
    from mlflow import MlflowClient

    champion = MlflowClient(workspace.environment()["MLFLOW_TRACKING_URI"]).get_model_version_by_alias(
        MODEL_NAME, "champion").version
    assert services.http_status(f"{lab_server.url}/mlflow/health?token={browser.TOKEN}", timeout=120) == 200
    page.goto(f"{lab_server.url}/mlflow/#/experiments")
    page.get_by_role("link", name=EXPERIMENT, exact=True).wait_for(timeout=60_000)
    browser.shot(page, "mlflow-experiments")
    page.goto(f"{lab_server.url}/mlflow/#/models/{MODEL_NAME}")
    alias = page.locator("[data-component-type='tag']", has_text=re.compile(r"^@\s*champion$"))
    alias.first.wait_for(timeout=60_000)
    rows = page.get_by_role("row").filter(has=alias)
    assert rows.count() == 1 and rows.inner_text().startswith(f"Version {champion}\n"), rows.all_inner_texts()
    rows.scroll_into_view_if_needed()
    browser.shot(page, "mlflow-model-champion")


def test_the_bentoml_api_page_lists_score_and_loads_nothing_from_the_internet(page, tmp_path):
    with sandbox.fraud_service(tmp_path / "service") as svc:
        response = page.goto(svc.url + "/")
        assert "default-src 'self'" in response.headers.get("content-security-policy", "")
        page.locator(".opblock-summary-path[data-path='/score']").wait_for(timeout=60_000)
        page.get_by_role("heading", name=re.compile(r"^upi_fraud")).wait_for()  # the service's name, as BentoML shows it
        browser.shot(page, "bentoml-api-page")
    # the page fixture then asserts that nothing went to another host (BentoML's page embeds Google Tag Manager)


def test_the_evidently_ui_shows_the_monitoring_project_and_its_panels(page):
    monitoring = workspace.project_dir() / "src" / "upi_fraud" / "monitoring"
    project = re.search(r'PROJECT_NAME = "([^"]+)"', (monitoring / "config.py").read_text()).group(1)
    panels = re.findall(r'line\("([^"]+)"', (monitoring / "dashboard.py").read_text())
    assert project and len(panels) >= 3
    with launchers.evidently_ui(workspace.folder("monitoring") / "evidently") as ui:
        page.goto(ui.url + "/")
        page.get_by_text(project, exact=True).first.click(timeout=60_000)
        for title in panels:
            page.get_by_text(title, exact=True).first.wait_for(timeout=60_000)
        browser.shot(page, "evidently-dashboard")
