"""A sandboxed kernel driven by nbclient, as nbgrader drives it: what student code can and cannot do."""

from __future__ import annotations

import glob
import os
import socket
import tempfile
import threading

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from course_kit.grading import SandboxUnavailable, detect
from course_kit.grading.kernel import SandboxKernelManager

pytestmark = pytest.mark.skipif(not detect().ok, reason=f"no sandbox here: {detect().reason}")


def run(cells, folder, config=None, timeout=30):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True,
                            kernel_manager_class=SandboxKernelManager, config=config or Config(),
                            resources={"metadata": {"path": str(folder)}})
    client.execute()
    return ["".join(o.get("text", "") or f"{o.get('ename')}: {o.get('evalue')}" for o in c.outputs)
            for c in nb.cells]


@pytest.fixture()
def course(tmp_path, monkeypatch):
    """course/ with a secret beside the submission folder, and a secret in the grader's environment."""
    work = tmp_path / "course" / "autograded" / "alice" / "ps1"
    work.mkdir(parents=True)
    (work / "data.txt").write_text("released data")
    (tmp_path / "course" / "gradebook.db").write_text("instructor secret")
    monkeypatch.setenv("GRADER_TOKEN", "token-123")
    scratch = tempfile.mkdtemp(prefix="ck-test-")      # short: IPC socket paths live under it
    monkeypatch.setattr(tempfile, "tempdir", scratch)   # sandbox boxes go here, so leftovers are ours
    yield work
    os.rmdir(scratch)                                    # fails if a box was left behind


def test_student_code_sees_its_folder_but_no_secret_and_leaves_nothing(course):
    out = run(["import os; print(open('data.txt').read())",
               "print(os.path.exists('../../../gradebook.db'), os.path.exists(%r))" % str(course.parents[2] / "gradebook.db"),
               "print('GRADER_TOKEN' in os.environ, os.environ['HOME'])",
               "open('planted.txt', 'w').write('x'); print(sorted(os.listdir('.')))",
               "print(os.getuid() == 0, open('/proc/self/status').read().count('CapEff:\\t0000000000000000'))"],
              course)
    assert out[0].strip() == "released data"
    assert out[1].strip() == "False False"
    assert out[2].strip() == "False /tmp/home"
    assert out[3].strip() == "['data.txt', 'planted.txt']"
    assert out[4].strip() == "False 1"
    assert sorted(os.listdir(course)) == ["data.txt"]          # the write went to the throwaway copy
    assert not glob.glob(os.path.join(tempfile.gettempdir(), "course-kit-sandbox-*"))


def test_no_network_not_even_loopback(course):
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    port, accepted, stop = server.getsockname()[1], [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                pass
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        out = run([f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
                   "    print('connected')\nexcept OSError as e:\n    print(type(e).__name__)"], course)
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
    assert out[0].strip() == "ConnectionRefusedError" and accepted == []


def test_interrupt_stops_an_infinite_loop_and_grading_goes_on(course):
    out = run(["while True:\n    pass", "print('next cell ran')"], course, timeout=5)
    assert "KeyboardInterrupt" in out[0] or "CellTimeoutError" in out[0]
    assert out[1].strip() == "next cell ran"


def test_caps_come_from_the_config(course):
    c = Config()
    c.Sandbox.max_processes = 48
    c.Sandbox.memory_mb = 2048
    out = run(["import resource as r\nprint(r.getrlimit(r.RLIMIT_NPROC)[0], r.getrlimit(r.RLIMIT_DATA)[0] >> 20)"],
              course, c)
    assert out[0].split() == ["48", "2048"]


def test_without_bwrap_grading_refuses_unless_allowed(course):
    c = Config()
    c.Sandbox.bwrap = "no-such-bwrap"
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        run(["print('ran')"], course, c)
    c.Sandbox.allow_unsandboxed = True
    out = run(["import os; print(os.path.exists('../../../gradebook.db'))"], course, c)
    assert out[0].strip() == "True"    # unsandboxed means exactly that: the flag is the instructor's choice


def test_course_kit_sandbox_command_probes_the_machine(tmp_path, capsys):
    from course_kit.cli import main
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.Sandbox.max_processes = 77\n")
    assert main(["sandbox", "--course-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "sandbox: OK" in out and "processes 77" in out and "visible: False" in out
    assert "listener contacted: False" in out
