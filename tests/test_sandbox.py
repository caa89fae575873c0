"""The sandbox's pieces, fast: the bwrap command line, settings, config hook, feedback scrub, output cap."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.preprocessors import Execute
from traitlets.config import Config, PyFileConfigLoader

from course_kit.grading.execute import ResilientExecute
from course_kit.grading import SandboxUnavailable, require
from course_kit.grading.bwrap import SUBMISSION_MOUNT, Limits, Plan, bwrap_argv
from course_kit.grading.config import configure, is_sandboxed, sandboxed_preprocessors
from course_kit.grading.execute import NOTICE, SandboxedExecute
from course_kit.grading.feedback import HIDDEN_PLACEHOLDER, REDACTED, ScrubFeedback, scrub_notebook
from course_kit.grading.kernel import SandboxKernelManager, python_paths

REPO = Path(__file__).resolve().parents[1]
LIMITS = Limits(memory_mb=1024, cpu_seconds=60, max_processes=32, max_file_mb=8, scratch_mb=64)


def plan(mode="root", **kw):
    base = dict(bwrap="/usr/bin/bwrap", mode=mode, kernel_cmd=["/venv/bin/python", "-m", "ipykernel_launcher"],
                workdir="/course/autograded/alice/ps1", conn_dir="/tmp/box/conn",
                readonly=["/venv", "/course/course_kit"], env={"PATH": "/venv/bin:/usr/bin", "HOME": "/tmp/home"},
                limits=LIMITS, uid=1234567)
    return Plan(**{**base, **kw})


def pairs(argv, flag):
    return [(argv[i + 1], argv[i + 2]) for i, a in enumerate(argv[:-2]) if a == flag]


def test_argv_shows_only_the_environment_and_a_private_copy_of_the_submission():
    argv = bwrap_argv(plan())
    ro = dict(pairs(argv, "--ro-bind"))
    assert ro["/venv"] == "/venv" and ro["/course/course_kit"] == "/course/course_kit"
    assert ro["/course/autograded/alice/ps1"] == SUBMISSION_MOUNT      # read-only source of the copy
    assert not any(src in ("/course", "/", "/root", "/home") for src in ro)
    assert pairs(argv, "--bind") == [("/tmp/box/conn", "/tmp/box/conn")]  # the only writable host path
    tmpfs = [argv[i + 1] for i, a in enumerate(argv) if a == "--tmpfs"]
    assert tmpfs == ["/dev/shm", "/tmp", "/course/autograded/alice/ps1"]
    assert argv[argv.index("--chdir") + 1] == "/course/autograded/alice/ps1"
    for ns in ("--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--clearenv"):
        assert ns in argv


def test_argv_caps_and_drops_privileges_as_root():
    argv = bwrap_argv(plan("root"))
    inner = argv[argv.index("--") + 1:]
    assert "setpriv" in inner and "--reuid=1234567" in inner and "--no-new-privs" in inner
    prl = inner[inner.index("prlimit"):]
    assert f"--data={1024 * 2**20}" in prl and "--nproc=32" in prl and "--cpu=60" in prl
    assert f"--fsize={8 * 2**20}" in prl and prl[prl.index("--") + 1:] == plan().kernel_cmd
    assert inner.index("setpriv") < inner.index("prlimit")


def test_argv_uses_a_user_namespace_when_not_root():
    argv = bwrap_argv(plan("user"))
    assert "--unshare-user" in argv and "--disable-userns" in argv and "setpriv" not in argv


def test_argv_creates_parent_dirs_readable_by_the_sandbox_user():
    argv = bwrap_argv(plan())
    dirs = [argv[i + 1] for i, a in enumerate(argv) if a == "--dir"]
    assert "/course" in dirs and "/course/autograded" in dirs
    assert argv[argv.index("/course") - 2:argv.index("/course")] == ["0755", "--dir"]


def test_environment_is_an_allow_list(monkeypatch):
    km = SandboxKernelManager()
    env = km._kernel_env({"AWS_SECRET_ACCESS_KEY": "x", "GITHUB_TOKEN": "y", "HOME": "/root",
                          "NBGRADER_EXECUTION": "autograde", "OMP_NUM_THREADS": "2"}, "/venv/bin/python")
    assert "AWS_SECRET_ACCESS_KEY" not in env and "GITHUB_TOKEN" not in env
    assert env["HOME"] == "/tmp/home" and env["NBGRADER_EXECUTION"] == "autograde"
    assert env["OMP_NUM_THREADS"] == "2" and env["PATH"].startswith("/venv/bin:")


def test_python_paths_cover_the_interpreter_and_the_kit():
    import sys
    import course_kit
    paths = python_paths(sys.executable)
    assert str(Path(course_kit.__file__).parent) in paths
    assert any(Path(sys.executable).resolve().is_relative_to(p) for p in paths)


def test_missing_bwrap_refuses_with_install_hint():
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap.*allow_unsandboxed"):
        require("no-such-bwrap-here")
    assert not require("no-such-bwrap-here", allow_unsandboxed=True).ok


def test_preprocessor_lists_are_sandboxed():
    assert sandboxed_preprocessors([Execute, "nbgrader.preprocessors.IgnorePattern"])[0] is SandboxedExecute
    assert sandboxed_preprocessors([ResilientExecute]) == [ResilientExecute]
    assert sandboxed_preprocessors(["nbgrader.preprocessors.LimitOutput"])[0] is SandboxedExecute

    class Homemade(Execute):
        pass
    with pytest.raises(ValueError, match="autograde_preprocessors: .*Homemade"):
        sandboxed_preprocessors([Homemade])


def test_configure_sandboxes_plain_nbgrader_and_the_kits_executor():
    c = Config()
    assert not is_sandboxed(c)
    configure(c)
    assert is_sandboxed(c)
    c2 = Config()
    c2.Autograde.autograde_preprocessors = [ResilientExecute]
    c2.GenerateFeedback.preprocessors = ["course_kit.grading.feedback.HideHiddenTests"]
    configure(c2)
    assert is_sandboxed(c2)
    # the scrub must see hidden blocks before anything strips them
    assert c2.GenerateFeedback.preprocessors[0] is ScrubFeedback


def test_repository_config_sandboxes_autograde():
    loader = PyFileConfigLoader("nbgrader_config.py", path=str(REPO))
    config = loader.load_config()
    assert is_sandboxed(config), "nbgrader_config.py must call course_kit.grading.config.configure(c)"


def _feedback_nb():
    nb = new_notebook(cells=[
        new_code_cell("def f():\n    return 1  # student's own line here\n",
                      metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "f"}}),
        new_code_cell("assert f() == 1\n### BEGIN HIDDEN TESTS\nassert f() != 2, 'secret hidden check'\n"
                      "### END HIDDEN TESTS\n",
                      metadata={"nbgrader": {"solution": False, "grade": True, "grade_id": "t", "points": 1}},
                      outputs=[new_output("error", ename="AssertionError", evalue="f is wrong",
                                          traceback=["----> 3 assert f() != 2, 'secret hidden check'"])]),
        new_code_cell("print(open('x').read())", outputs=[new_output(
            "stream", name="stdout", text="    return the_instructors_solution(x)\n"
                                          "    return 1  # student's own line here\nok\n")]),
    ])
    source = new_notebook(cells=[new_code_cell(
        "def f():\n    ### BEGIN SOLUTION\n    return the_instructors_solution(x)\n    ### END SOLUTION\n",
        metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "f"}})])
    return nb, source


def test_feedback_hides_hidden_tests_and_redacts_leaked_solution_lines():
    nb, source = _feedback_nb()
    scrub_notebook(nb, show_hidden_tests=False, source_nb=source)
    assert "secret hidden check" not in nb.cells[1].source and HIDDEN_PLACEHOLDER in nb.cells[1].source
    assert nb.cells[1].outputs[0].traceback == ["AssertionError: f is wrong"]
    lines = nb.cells[2].outputs[0].text.split("\n")
    assert lines[0] == REDACTED and "student's own line" in lines[1] and lines[2] == "ok"


def test_feedback_redacts_hidden_tests_a_cell_printed_from_its_own_notebook_file():
    nb, source = _feedback_nb()
    dumped = nbformat.writes(nb)          # what `print(open('ps1.ipynb').read())` shows
    nb.cells[2].outputs[0].text = dumped
    scrub_notebook(nb, show_hidden_tests=False, source_nb=source)
    assert "secret hidden check" not in nb.cells[2].outputs[0].text
    assert REDACTED in nb.cells[2].outputs[0].text


def test_feedback_may_show_hidden_tests_when_allowed():
    nb, source = _feedback_nb()
    scrub_notebook(nb, show_hidden_tests=True, source_nb=source)
    assert "secret hidden check" in nb.cells[1].source
    assert "secret hidden check" in nb.cells[1].outputs[0].traceback[0]


def _msg(msg_type, **content):
    return {"msg_type": msg_type, "content": content, "parent_header": {"msg_id": "m"},
            "header": {"msg_type": msg_type}}


def test_output_cap_drops_text_but_never_errors_or_stderr():
    ex = SandboxedExecute()
    ex.sandbox.max_output_mb = 0.001   # about 1 kB
    nb = nbformat.v4.new_notebook(cells=[new_code_cell("x")])
    ex.nb, ex._output_bytes = nb, 0
    from collections import defaultdict
    ex.output_hook_stack = defaultdict(list)
    ex.clear_before_next_output = False
    ex._display_id_map = {}
    outs = []
    for _ in range(5):
        ex.output(outs, _msg("stream", name="stdout", text="x" * 600), None, 0)
    ex.output(outs, _msg("stream", name="stderr", text="warning" * 200), None, 0)
    ex.output(outs, _msg("error", ename="AssertionError", evalue="wrong", traceback=["t"]), None, 0)
    kinds = [(o.output_type, o.get("name"), o.get("text", "")[:20]) for o in outs]
    notice = NOTICE.format(mb=0.001)[:20]
    assert kinds == [("stream", "stdout", "x" * 20), ("stream", "stdout", notice),
                     ("stream", "stderr", notice), ("error", None, "")]


def test_symlinks_in_the_submitted_folder_are_found(tmp_path):
    from course_kit.grading.kernel import submitted_links
    sub = tmp_path / "submitted" / "bob" / "ps1"
    sub.mkdir(parents=True)
    (sub / "ps1.ipynb").write_text("{}")
    work = tmp_path / "autograded" / "bob" / "ps1"
    work.mkdir(parents=True)
    assert submitted_links(str(work)) == []
    (sub / "data").mkdir()
    (sub / "data" / "x.json").symlink_to(tmp_path / "gradebook.db")
    assert submitted_links(str(work)) == ["data/x.json"]
    assert submitted_links(str(tmp_path / "elsewhere")) == []


def test_readonly_paths_that_contain_the_course_are_refused(tmp_path):
    km = SandboxKernelManager()
    km.sandbox.readonly_paths = [str(tmp_path)]
    with pytest.raises(ValueError, match="Sandbox.readonly_paths: .* contains the folder being graded"):
        km._readonly_paths("/usr/bin/python3", str(tmp_path / "autograded" / "a" / "ps1"))
    km.sandbox.readonly_paths = [str(tmp_path / "data")]
    assert str(tmp_path / "data") in km._readonly_paths("/usr/bin/python3", str(tmp_path / "course" / "x"))


def test_boxes_of_killed_graders_are_swept(tmp_path):
    import os
    import subprocess
    import sys
    from course_kit.grading.kernel import _process_identity, sweep_stale_boxes
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (tmp_path / "course-kit-sandbox-dead").mkdir()
    (tmp_path / "course-kit-sandbox-dead" / "owner").write_text(f"{dead} 1")
    (tmp_path / "course-kit-sandbox-live").mkdir()
    (tmp_path / "course-kit-sandbox-live" / "owner").write_text(_process_identity(os.getpid()))
    (tmp_path / "course-kit-sandbox-other").mkdir()      # no owner file: not touched
    assert sweep_stale_boxes(tmp_path) == [tmp_path / "course-kit-sandbox-dead"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course-kit-sandbox-live", "course-kit-sandbox-other"]
