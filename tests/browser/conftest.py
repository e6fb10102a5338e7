"""Fixtures for the browser tests: a throwaway JupyterLab server and headless Chromium.

These tests run only through `make test-browser` (which sets LOSSBOOK_BROWSER_TESTS=1), or
when a path inside tests/browser is named on the pytest command line. The plain `make test`
run (testpaths = tests, lossbook, notebooks) skips this folder entirely: it needs Debian's
chromium and the `browser` extra (playwright), which the course environment does not install.

Chromium: `apt-get update && apt-get install -y chromium` (/usr/bin/chromium, about 30 s).
Playwright drives that executable; `playwright install` is never needed.
"""

import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from .browser_support import BUILD, CHROMIUM, CHROMIUM_ARGS, HERE, LabServer, notebook_paths


def _requested(config):
    """True when the browser tests were asked for, by make test-browser or by path."""
    if os.environ.get("LOSSBOOK_BROWSER_TESTS") == "1":
        return True
    for arg in config.invocation_params.args:
        path = Path(str(arg).split("::", 1)[0])
        if not path.exists():
            continue
        path = path.resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    if collection_path.parent == HERE and not _requested(config):
        return True
    return None


@pytest.fixture(scope="session")
def lab():
    notebooks = notebook_paths()
    if not notebooks:
        pytest.fail("no notebooks to test")
    workdir = Path(tempfile.mkdtemp(prefix="lossbook-lab-"))
    server = LabServer(notebooks, workdir, workdir / "jupyterlab.log")

    # SIGTERM (a `timeout`, a CI runner) would end pytest without running the finally below:
    # stop the server first, then interrupt the run.
    def on_sigterm(signum, frame):
        server.stop()
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        # The server's log, for a failure's post-mortem (copied: parallel runs do not mix).
        with contextlib.suppress(OSError):
            (BUILD / "screenshots").mkdir(parents=True, exist_ok=True)
            shutil.copy2(server.log_path, BUILD / "screenshots" / "jupyterlab.log")
        shutil.rmtree(workdir, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium with "
            "`apt-get update && apt-get install -y chromium`"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
