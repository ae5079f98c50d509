"""Checks for lab 00 (setup)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .. import services, workspace
from ..checks import Wrong, exercise, require_type
from ..errors import CourseError


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
        raise Wrong(f"`readme` is {workspace.relative(target)}, but it should be README.md directly inside your "
                    f"project, {workspace.relative(project)}.")
    if target.name != "README.md":
        raise Wrong(f"the file is called {target.name}; call it README.md so GitHub shows it on the project page.")
    if not target.is_file():
        raise Wrong("the path is right but the file does not exist yet: call readme.write_text(...).")
    text = target.read_text(errors="replace")
    if "upi" not in text.lower():
        raise Wrong("the README exists but does not mention UPI: say in one line what the project is about.")
    return f"{target.name} is in your project folder ({len(text.splitlines())} line(s))."


@contextmanager
def serving(status: int) -> Iterator[str]:
    """A tiny HTTP server on 127.0.0.1 (free port, a thread) answering `status` at /health; yields its URL.

    The check asks the learner's function about servers whose answer it knows, so only code that
    really asks can pass. Stopped and closed in `finally`, whatever the learner's code did.
    """

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            code = status if self.path == "/health" else 404
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # keep the notebook quiet
            pass

    server = ThreadingHTTPServer((services.HOST, 0), Answer)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{services.HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _ask(health: Callable[[str], Any], url: str, case: str) -> Any:
    """Call the learner's function on one case; a crash becomes a sentence that names the case."""
    try:
        return health(url)
    except (NotImplementedError, CourseError):
        raise  # the lab's stub: check() reports "not done yet"
    except Exception as err:
        if case == "nothing":
            raise Wrong(f"health() raised {type(err).__name__} for a port where nothing listens; a health probe "
                        "must answer, not crash: catch the error (urllib.error.URLError, an OSError) and return "
                        "None.") from None
        if case == "503":
            raise Wrong(f"health() raised {type(err).__name__} for a server that answered 503: urlopen raises "
                        "urllib.error.HTTPError for error statuses; catch it and return its .code.") from None
        raise Wrong(f"health() raised {type(err).__name__}: {err} (asking {url}).") from None


def _crafted_cases(health: Callable[[str], Any]) -> None:
    """Servers whose answer is known (200, 503) and a port where nothing listens."""
    for status in (200, 503):
        with serving(status) as base:
            got = _ask(health, base + "/health", str(status))
            if got != status:
                _wrong_status(got, status)
    with serving(200) as base:
        if _ask(health, base + "/nope", "404") != 404:
            raise Wrong("asking a path the server does not have should give 404: return the status the "
                        "server sent, whatever it is.")
    closed = f"http://{services.HOST}:{services.free_port()}/health"
    got = _ask(health, closed, "nothing")
    if got is not None:
        raise Wrong(f"health() returned {got!r} for a port where nothing listens; return None when nothing "
                    "answers (a constant is not a probe).")


def _wrong_status(got: Any, status: int) -> None:
    if got is None:
        raise Wrong(f"health() returned None for a server that answered {status}: the server is up, so return "
                    "its status (for error statuses urlopen raises HTTPError, which has .code).")
    if isinstance(got, bool) or not isinstance(got, int):
        raise Wrong(f"health() returned {got!r}; return the HTTP status as an int (200, 503, ...), or None.")
    raise Wrong(f"health() returned {got} for a server that answered {status}: return the status the server "
                "sent, not a constant.")


@exercise(
    "0.2",
    "a health probe",
    hint=(
        "A health probe sends GET to the URL and reports the HTTP status the server sends back. Three "
        "outcomes: 200 (ready), an error status such as 503 (up but not ready: still an answer), and no "
        "answer at all (nothing listens there: None).",
        "`urllib.request.urlopen(url, timeout=2)` gives a response with `.status`; for 4xx/5xx it raises "
        "`urllib.error.HTTPError`, which has `.code`; when nothing listens it raises `urllib.error.URLError`"
        " (an OSError). Use try/except; the trap is letting either error escape.",
    ),
)
def health(func: Any, service: Any) -> str:
    if func is None or not callable(func):
        raise Wrong("`health` should be a function that takes a URL and returns an HTTP status (or None).")
    _crafted_cases(func)
    if not getattr(service, "running", False):
        raise Wrong("your function works, but the MLflow UI is not running any more; run the cell that starts it, "
                    "then this one.")
    got = _ask(func, service.url + "/health", "ui")
    if got != 200:
        raise Wrong(f"your function answers the test servers right, but gives {got!r} for the MLflow UI's "
                    "/health; is the UI still starting? Run this cell again.")
    return ("200 from a server that answers, 503 from one that is not ready, None where nothing listens: "
            "what load balancers and Kubernetes probes ask.")
