"""Helpers for the real-browser tests: Debian's Chromium under Playwright, a private JupyterLab.

Nothing here downloads anything: Chromium is the system one (``/usr/bin/chromium``,
installed by ``./quickstart.sh test``), JupyterLab runs token-less on a free
loopback port in a temporary folder, and both are stopped by the context managers.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
# Screenshots go to test-artifacts/ (gitignored), or where COURSE_KIT_ARTIFACTS says.
ARTIFACTS = Path(os.environ.get("COURSE_KIT_ARTIFACTS")
                 or Path(__file__).resolve().parent.parent / "test-artifacts")


def chromium_path() -> str:
    """The system Chromium, or skip the test saying how to get it."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or "",
                      shutil.which("chromium-browser") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("Debian's chromium is not installed (apt-get install chromium); "
                "./quickstart.sh test installs it when run as root")


@contextlib.contextmanager
def browser_page(viewport=(1280, 1000), javascript=True):
    """A Playwright page in headless system Chromium; never lets Playwright fetch a browser.

    ``javascript=False`` runs no script of the page, as GitHub and nbviewer show notebooks.
    """
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]},
                                    java_script_enabled=javascript)
            try:
                yield page
            except BaseException:
                with contextlib.suppress(Exception):   # what the page showed when it failed
                    page.screenshot(path=artifact(f"failure-{int(time.time())}.png"), full_page=True)
                raise
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(root: Path, timeout: float = 90):
    """Start JupyterLab serving ``root`` on a free 127.0.0.1 port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "PYTHONUNBUFFERED": "1",
           "JUPYTER_CONFIG_DIR": str(root / ".jupyter-config"),
           "JUPYTER_RUNTIME_DIR": str(root / ".jupyter-runtime"),
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    # No "get notified about Jupyter news?" toast over the page (and no request for the news).
    labconfig = root / ".jupyter-config" / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    log = open(root / "jupyterlab.log", "w")
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
            "--ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
            "--ServerApp.open_browser=False", "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--ServerApp.port_retries=0", "--allow-root"]
    process = subprocess.Popen(args, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n"
                                   + (root / "jupyterlab.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=2) as response:
                    json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not answer within "
                                       f"{timeout:.0f} s:\n" + (root / "jupyterlab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield url
    finally:
        stop_process(process)
        log.close()


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def write_notebook(path: Path, cells: list[str]) -> Path:
    """A notebook of code cells on the default python3 kernel."""
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, path)
    return path


def artifact(name: str) -> Path:
    """Where a test saves a screenshot (test-artifacts/, gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


def wait_for_kernel(url: str, notebook: str, timeout: float = 90) -> None:
    """Wait until the server has an idle kernel for ``notebook`` (so Shift+Enter runs cells)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{url}/api/sessions", timeout=5) as response:
            sessions = json.load(response)
        for session in sessions:
            if session.get("path", "").endswith(notebook) and \
                    session.get("kernel", {}).get("execution_state") == "idle":
                time.sleep(0.5)   # let the page finish connecting to it
                return
        time.sleep(0.3)
    raise TimeoutError(f"no idle kernel for {notebook} within {timeout:.0f} s")
