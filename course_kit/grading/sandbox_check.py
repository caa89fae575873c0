"""``course-kit sandbox``: can this machine grade in the sandbox? Probes it the way grading does."""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import time
from pathlib import Path

PROBE = """\
import json, os, socket
seen = {"uid": os.getuid(), "home": os.environ.get("HOME"), "env": sorted(os.environ),
        "course_visible": os.path.exists(%(course)r), "cwd_files": sorted(os.listdir("."))}
try:
    socket.create_connection(("127.0.0.1", %(port)d), timeout=2)
    seen["network"] = "CONNECTED"
except OSError as err:
    seen["network"] = type(err).__name__
import resource as r
seen["limits"] = {k: r.getrlimit(getattr(r, "RLIMIT_" + k))[0] for k in ("AS", "CPU", "NPROC", "FSIZE")}
print(json.dumps(seen))
"""


def probe(config=None) -> dict:
    """Start one sandboxed kernel on a throwaway folder, run the probe, return what it saw."""
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    from .kernel import SandboxKernelManager

    with tempfile.TemporaryDirectory(prefix="course-kit-sandbox-probe-") as tmp:
        work = Path(tmp) / "course" / "autograded" / "student" / "probe"
        work.mkdir(parents=True)
        (work / "released.txt").write_text("visible")
        (Path(tmp) / "course" / "gradebook.db").write_text("instructor only")
        server = socket.create_server(("127.0.0.1", 0))
        server.setblocking(False)
        nb = new_notebook(cells=[new_code_cell(PROBE % {"course": str(Path(tmp) / "course" / "gradebook.db"),
                                                        "port": server.getsockname()[1]})])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        kwargs = {"config": config} if config is not None else {}
        t0 = time.perf_counter()
        try:
            NotebookClient(nb, timeout=60, kernel_name="python3", kernel_manager_class=SandboxKernelManager,
                           resources={"metadata": {"path": str(work)}}, **kwargs).execute()
            try:
                server.accept()
                contacted = True
            except BlockingIOError:
                contacted = False
        finally:
            server.close()
        seconds = time.perf_counter() - t0
    out = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    seen = json.loads(out.strip().splitlines()[-1])
    seen.update(seconds=seconds, listener_contacted=contacted)
    return seen


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="course-kit sandbox",
                                description="Check that sandboxed grading works on this machine: "
                                            "finds bubblewrap, starts one sandboxed kernel, reports what it saw.")
    p.add_argument("--course-dir", default=".", help="course whose nbgrader_config.py sets the caps "
                   "(default: the current folder; built-in defaults when it has none)")
    args = p.parse_args(argv)
    from traitlets.config import Config, PyFileConfigLoader

    from .limits import Sandbox
    from .support import INSTALL_HINT, detect
    config_file = Path(args.course_dir) / "nbgrader_config.py"
    config = PyFileConfigLoader(config_file.name, path=str(config_file.parent)).load_config() \
        if config_file.exists() else Config()
    support = detect(Sandbox(config=config).bwrap)
    if not support.ok:
        print(f"sandbox: NOT available: {support.reason}\n{INSTALL_HINT}")
        return 1
    print(f"settings: {config_file if config_file.exists() else 'built-in defaults'}")
    print(f"sandbox: bubblewrap at {support.bwrap}, mode {support.mode} "
          f"({'privileged bwrap, kernel drops to a fresh uid' if support.mode == 'root' else 'user namespaces'})")
    seen = probe(config)
    ok = (not seen["course_visible"] and seen["network"] != "CONNECTED" and not seen["listener_contacted"]
          and seen["cwd_files"] == ["released.txt"])
    mib = 1024 * 1024
    lim = seen["limits"]
    print(f"  kernel started and ran in {seen['seconds']:.1f} s as uid {seen['uid']}")
    print(f"  course files beside the submission visible: {seen['course_visible']}")
    print(f"  network to the grader's 127.0.0.1: {seen['network']} (listener contacted: {seen['listener_contacted']})")
    print(f"  environment: {', '.join(seen['env'])}")
    print(f"  caps: memory {lim['AS'] // mib} MiB, CPU {lim['CPU']} s, processes {lim['NPROC']}, "
          f"file size {lim['FSIZE'] // mib} MiB")
    print("sandbox: OK" if ok else "sandbox: FAILED (see above)")
    return 0 if ok else 1
