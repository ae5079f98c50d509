"""Checks for lab 00 (setup)."""

from __future__ import annotations

from pathlib import Path

from .. import workspace
from ..checks import Wrong, exercise, require_type


@exercise(
    "0.1",
    "start your project's README",
    hint=(
        "Your project is the folder `workspace.project_dir()`: the README goes directly inside it, is "
        "called README.md, and says in a line that the project is about UPI fraud.",
        "Build the path with `workspace.project_dir() / 'README.md'`, keep it in `readme`, and call "
        "`.write_text(...)` on it with a line that mentions UPI.",
    ),
)
def project_readme(readme: Path | None) -> str:
    require_type(readme, Path, "`readme`")
    project = workspace.project_dir().resolve()
    target = readme.resolve()
    if target.parent != project:
        raise Wrong(f"`readme` is {target}, but it should be README.md directly inside your project, {project}.")
    if target.name != "README.md":
        raise Wrong(f"the file is called {target.name}; call it README.md so GitHub shows it on the project page.")
    if not target.is_file():
        raise Wrong("the path is right but the file does not exist yet: call readme.write_text(...).")
    text = target.read_text(errors="replace")
    if "upi" not in text.lower():
        raise Wrong("the README exists but does not mention UPI: say in one line what the project is about.")
    return f"{target.name} is in your project folder ({len(text.splitlines())} line(s))."


@exercise(
    "0.2",
    "ask a running service if it is healthy",
    hint=(
        "A healthy server answers HTTP 200 at the path /health of its own address; the service object "
        "knows that address.",
        "The service object has a `.url` (like http://127.0.0.1:PORT). Add '/health' and pass it to "
        "`services.http_status(...)`, which returns the HTTP status code as an int.",
    ),
)
def health(status: int | None, service: object) -> str:
    require_type(status, int, "`health_status`")
    if not getattr(service, "running", False):
        raise Wrong("the MLflow UI is not running any more; run the cell that starts it, then this one.")
    if status == 404:
        raise Wrong("404 means the server answered but not at that path: ask for '/health' on the service's url.")
    if status != 200:
        raise Wrong(f"got HTTP {status}; a healthy server answers 200 at /health.")
    return "HTTP 200 is how load balancers and Kubernetes probes know a server is ready."
