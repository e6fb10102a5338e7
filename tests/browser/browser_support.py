"""Helpers for the browser tests: the JupyterLab test server, paths, Chromium options."""

import contextlib
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BUILD = ROOT / "build"
CHROMIUM = os.environ.get("LOSSBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# JupyterLab settings for the test server only (learners keep JupyterLab's defaults):
# every cell attached to the DOM (no virtualised "windowing"), so that every formula and
# figure can be counted, and no "Jupyter news" pop-up covering the notebook.
LAB_OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def notebook_paths():
    """The notebooks under test: every notebooks/*.ipynb (or LOSSBOOK_BROWSER_NOTEBOOKS/*)."""
    folder = Path(os.environ.get("LOSSBOOK_BROWSER_NOTEBOOKS", ROOT / "notebooks"))
    return sorted(folder.glob("*.ipynb"))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    """Run in the server's process before exec: Linux sends it SIGTERM if the test process
    dies without cleaning up (killed with SIGKILL, say), so no server is left behind."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _request(url, method="GET", timeout=5):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=timeout) as response:
        body = response.read()
        return json.loads(body) if body else None


class LabServer:
    """A JupyterLab server on 127.0.0.1 serving a temporary copy of the notebooks."""

    def __init__(self, notebooks, workdir, log_path):
        self.port = _free_port()
        self.token = secrets.token_hex(24)
        self.base = f"http://127.0.0.1:{self.port}"
        self.root = workdir / "notebooks"
        # A copy: JupyterLab autosaves, and a run must never rewrite the stored notebooks.
        self.root.mkdir(parents=True)
        for nb in notebooks:
            shutil.copy2(nb, self.root / nb.name)
        settings = workdir / "settings"
        settings.mkdir()
        (settings / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=2))
        self.cmd = [
            sys.executable, "-m", "jupyterlab",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",  # ServerApp.token is deprecated
            "--allow-root",
            "--no-browser",
            "--LabApp.news_url=None",
            f"--LabApp.app_settings_dir={settings}",
            f"--LabApp.user_settings_dir={workdir / 'user-settings'}",
            f"--LabApp.workspaces_dir={workdir / 'workspaces'}",
        ]  # fmt: skip
        self.env = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(workdir / "config"),  # ignore the user's ~/.jupyter
            JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
            PYTHONUNBUFFERED="1",
        )
        self.log_path = log_path
        self.proc = None

    def url(self, path):
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"

    def start(self, timeout=120):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=self.root,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() can kill it whole
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{self.log_tail()}")
            with contextlib.suppress(OSError, urllib.error.URLError):
                _request(self.url("/api/status"), timeout=2)
                return
            time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within {timeout} s:\n{self.log_tail()}")

    def shutdown_kernels(self):
        """Shut down every kernel (after each notebook, so they do not pile up)."""
        with contextlib.suppress(OSError, urllib.error.URLError, ValueError):
            for kernel in _request(self.url("/api/kernels")) or []:
                _request(self.url(f"/api/kernels/{kernel['id']}"), method="DELETE", timeout=30)

    def stop(self):
        if self.proc is None or self._log.closed:
            return
        if self.proc.poll() is None:
            # Politely first (the server shuts its kernels down), then the process group.
            with contextlib.suppress(OSError, urllib.error.URLError, ValueError):
                _request(self.url("/api/shutdown"), method="POST", timeout=10)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                continue
        self._log.close()

    def log_tail(self, n=40):
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-n:])
        except OSError:
            return "(no log)"
