"""The course's JupyterLab settings: no news prompt, nothing fetched from the internet."""

import json

from mlops_course import labsettings


def test_the_overrides_turn_news_and_update_checks_off_and_keep_other_settings(tmp_path):
    path = labsettings.overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    labsettings.write_overrides(tmp_path)
    written = json.loads(path.read_text())
    assert written[labsettings.NOTIFICATIONS] == {"fetchNews": "false", "checkForUpdates": False}
    assert written["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert labsettings.write_overrides(tmp_path) == path and json.loads(path.read_text()) == written
