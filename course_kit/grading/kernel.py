"""The one kernel manager every grading kernel is started by: capped, and sandboxed in bubblewrap.

nbclient (and so nbgrader's Execute preprocessor) only needs a kernel
manager class; :class:`GradingKernelManager` rewrites the launch. Every
kernel gets the memory and CPU caps of :class:`~course_kit.grading.limits.Sandbox`.
A sandboxed one (:class:`SandboxKernelManager`, what ``nbgrader_config.py``
configures) also gets a private directory for its connection file and IPC
sockets, and its command is wrapped in bubblewrap (:mod:`course_kit.grading.bwrap`)
with the other caps. Everything else (restarts, interrupts, shutdown) is
jupyter_client's own.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import sys
import tempfile
from glob import glob
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from ..errors import CourseKitError
from .bwrap import Plan, _under, bwrap_argv
from .limits import Limits, Sandbox
from .support import require

KERNEL_LOG_TAIL = 4000
BOX_PREFIX = "course-kit-sandbox-"
MAX_BOX_PATH = 90   # + "/conn/kernel-NNNNN" stays under the 108-byte limit of a unix socket path


#: Run by the kernel's own interpreter (outside the sandbox, from a neutral folder, with the
#: kernel's environment): where its Python lives and where *it* finds the kit. Finding a
#: spec does not import the package.
_PROBE = """
import importlib.util, json, sys
spec = importlib.util.find_spec("course_kit")
kit = list(spec.submodule_search_locations or []) if spec else []
print(json.dumps({"prefixes": [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix],
                  "path": [p for p in sys.path if p], "kit": kit}))
"""
_probed: dict[tuple, dict] = {}


class InterpreterProbeFailed(CourseKitError, RuntimeError):
    """The kernel's interpreter could not even be run: an instructor's set-up fault."""


def probe_interpreter(executable: str, env: dict[str, str] | None = None) -> dict:
    """What ``executable`` resolves, asked of it (cached per interpreter and environment)."""
    env = {k: v for k, v in (env or {}).items() if k in ("PYTHONPATH", "PYTHONHOME", "PATH")}
    key = (os.path.realpath(executable), tuple(sorted(env.items())))
    if key not in _probed:
        import json
        import subprocess
        full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONNOUSERSITE": "1", **env}
        proc = subprocess.run([executable, "-c", _PROBE], capture_output=True, text=True,
                              cwd="/", env=full_env, timeout=60)
        if proc.returncode != 0:
            raise InterpreterProbeFailed(f"the grading kernel's interpreter {executable} could not be "
                                   f"started to find course_kit: {proc.stderr.strip()[-500:]}")
        _probed[key] = json.loads(proc.stdout.strip().splitlines()[-1])
    return _probed[key]


def python_paths(executable: str, env: dict[str, str] | None = None) -> list[str]:
    """Host paths a kernel started with ``executable`` needs to read: its environment and the kit.

    The kit is located by the kernel's interpreter, not by the grader: nbgrader runs in the
    course folder, whose ``course_kit/`` (if any) shadows the installed one in the grader's
    process only, while the kernel imports whatever its own interpreter resolves (a
    site-packages copy, an editable install of another checkout, ...).
    """
    found = probe_interpreter(executable, env)
    paths = [*found["prefixes"], *[p for p in found["path"] if os.path.isabs(p)], *found["kit"]]
    for exe in (executable, os.path.realpath(executable)):   # a venv's bin/ may link elsewhere
        paths.append(str(Path(exe).parent.parent))
    out: list[str] = []
    for p in paths:
        p = os.path.realpath(p) if os.path.islink(p) else os.path.abspath(p)
        if os.path.exists(p) and p not in out:
            out.append(p)
    return out


def fresh_uid() -> int:
    """An unused uid for one sandbox: it owns no host file and no other process."""
    while True:
        uid = 1_000_000 + secrets.randbelow(1 << 30)
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


def _submitted_folder(workdir: str) -> Path | None:
    work = Path(workdir)
    if len(work.parts) < 4 or work.parts[-3] != "autograded":
        return None
    return work.parents[2] / "submitted" / work.parts[-2] / work.parts[-1]


def submitted_links(workdir: str) -> list[str]:
    """Symbolic links in the submitted folder that nbgrader graded into ``workdir``.

    nbgrader copies a submission's files into ``autograded/`` *following* links,
    outside any sandbox: a link to ``source/`` would put the solutions into the
    student's own grading folder. Only nbgrader's default layout
    (``<course>/autograded/<student>/<assignment>``) is recognised.
    """
    submitted = _submitted_folder(workdir)
    if submitted is None:
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(submitted):
        for name in dirnames + filenames:
            if os.path.islink(os.path.join(dirpath, name)):
                found.append(os.path.relpath(os.path.join(dirpath, name), submitted))
    return sorted(found)


def submitted_modules(workdir: str) -> list[str]:
    """Python modules and packages a student submitted beside the notebook.

    The kernel's working folder comes before site-packages on its ``sys.path``,
    so a submitted ``course_kit/`` or ``torch.py`` would replace the kit's
    checks or torch itself while the tests run. Files the assignment's own
    ``source/`` folder provides are the instructor's (nbgrader copies them over
    the student's) and are allowed.
    """
    submitted = _submitted_folder(workdir)
    if submitted is None or not submitted.is_dir():
        return []
    source = submitted.parents[2] / "source" / submitted.name
    found = []
    for entry in sorted(submitted.iterdir()):
        module = entry.suffix in (".py", ".pth", ".so") or (
            entry.is_dir() and (any(entry.glob("*.py")) or any(entry.glob("*.so"))))
        if module and not (source / entry.name).exists():
            found.append(entry.name + ("/" if entry.is_dir() else ""))
    return found


def _process_identity(pid: int) -> str | None:
    """``"pid starttime"`` of a live process (None when gone): survives pid reuse."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f"{pid} {f.read().rsplit(')', 1)[1].split()[19]}"
    except (OSError, IndexError):
        return None


def sweep_stale_boxes(parent: Path) -> list[Path]:
    """Remove boxes left by graders that were killed before they could clean up (SIGKILL, crash)."""
    removed = []
    for box in parent.glob(f"{BOX_PREFIX}*"):
        try:
            owner = (box / "owner").read_text().strip()
        except OSError:
            continue          # not ours, or still being created
        pid = int(owner.split()[0]) if owner.split()[0].isdigit() else 0
        if _process_identity(pid) != owner:
            shutil.rmtree(box, ignore_errors=True)
            removed.append(box)
    return removed


class SubmissionRejected(CourseKitError, RuntimeError):
    """A submission that cannot be graded safely (it is not run at all)."""


class GradingKernelManager(AsyncKernelManager):
    """AsyncKernelManager whose kernels are capped (memory, CPU time) and, when ``use_sandbox``,
    run in bubblewrap with no network and every other cap."""

    #: Kernels run in bubblewrap. Off only here, the base: the executor's tests and the
    #: sandbox benchmark's unsandboxed arm; every course configuration uses SandboxKernelManager.
    use_sandbox = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sandbox = Sandbox(parent=self) if self.parent else Sandbox(config=self.config)
        self._box: Path | None = None
        self._log_file = None
        self.sandboxed = False

    def capped(self, cmd: list[str]) -> list[str]:
        """``cmd`` run through the rlimit launcher: the caps of a kernel outside bubblewrap."""
        return [sys.executable, "-m", "course_kit.grading.rlimits",
                "--memory-mb", str(self.sandbox.memory_mb),
                "--cpu-seconds", str(self.sandbox.cpu_seconds), "--", *cmd]

    async def _async_pre_start_kernel(self, **kw):
        if not self.use_sandbox:
            cmd, kw = await super()._async_pre_start_kernel(**kw)
            return self.capped(cmd), kw
        workdir = os.path.abspath(kw.get("cwd") or os.getcwd())
        modules = submitted_modules(workdir)
        if modules:
            raise SubmissionRejected(
                f"Not grading {workdir}: the submission contains Python code beside the notebook "
                f"({', '.join(modules)}), which would replace the kit's or PyTorch's own modules "
                "while the tests run. Submit the notebook alone and grade again.")
        support = require(self.sandbox.bwrap, self.sandbox.allow_unsandboxed)
        if not support.ok:
            self.log.warning("GRADING WITHOUT A SANDBOX (Sandbox.allow_unsandboxed=True): %s", support.reason)
            cmd, kw = await super()._async_pre_start_kernel(**kw)
            return self.capped(cmd), kw

        links = submitted_links(workdir)
        if links:
            raise SubmissionRejected(
                f"Not grading {workdir}: its submitted folder contains symbolic links ({', '.join(links)}); "
                "nbgrader copies what they point to, which may be instructor-only files. "
                "Replace them with the files themselves and grade again.")
        conn = self._make_box()
        uid = fresh_uid() if support.mode == "root" else os.getuid()

        cmd, kw = await super()._async_pre_start_kernel(**kw)   # writes the connection file
        # A signal to the process group would hit bwrap itself; ask the kernel over its control channel.
        self.kernel_spec.interrupt_mode = "message"
        if support.mode == "root":
            for p in (conn, Path(self.connection_file)):
                os.chown(p, uid, uid)

        s = self.sandbox
        kernel_env = self._kernel_env(kw.get("env") or {}, cmd[0])
        plan = Plan(
            bwrap=support.bwrap, mode=support.mode, kernel_cmd=cmd, workdir=workdir,
            conn_dir=str(conn), readonly=self._readonly_paths(cmd[0], workdir, kernel_env),
            env=kernel_env,
            limits=Limits.of(s),
            uid=uid, gpu_devices=sorted(glob("/dev/nvidia*")) if s.gpu else [])
        self._log_file = open(self._box / "kernel.log", "wb")
        kw.update(cwd=str(self._box), env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                  stdout=self._log_file, stderr=self._log_file)
        self.sandboxed = True
        argv = bwrap_argv(plan)
        self.log.debug("sandboxed kernel: %s", argv)
        return argv, kw

    def _make_box(self) -> Path:
        """A private host folder for this kernel: connection file, IPC sockets, the kernel's own log."""
        self._remove_box()
        self._box = Path(tempfile.mkdtemp(prefix=BOX_PREFIX))
        if len(str(self._box)) > MAX_BOX_PATH:   # IPC socket paths must fit in 108 bytes
            self._box.rmdir()
            self._box = Path(tempfile.mkdtemp(prefix=BOX_PREFIX, dir="/tmp"))
        (self._box / "owner").write_text(_process_identity(os.getpid()) or "")
        sweep_stale_boxes(self._box.parent)
        conn = self._box / "conn"
        conn.mkdir()
        self.transport = "ipc"
        self.connection_file = str(conn / "kernel.json")
        self.ip = str(conn / "kernel")
        return conn

    def _readonly_paths(self, executable: str, workdir: str,
                        env: dict[str, str] | None = None) -> list[str]:
        """The environment and ``readonly_paths``, minus anything that contains the course."""
        readonly = []
        if not probe_interpreter(executable, env)["kit"]:   # the set-up check will say so too
            self.log.warning("sandbox: the kernel's interpreter %s cannot import course_kit",
                             executable)
        for path in python_paths(executable, env):
            if _under(workdir, path):   # e.g. the course folder on sys.path when nbgrader runs there
                self.log.debug("sandbox: not mounting %s (it contains the course being graded)", path)
            else:
                readonly.append(path)
        for path in map(os.path.abspath, self.sandbox.readonly_paths):
            if _under(workdir, path):
                raise ValueError(f"Sandbox.readonly_paths: {path!r} contains the folder being graded "
                                 f"({workdir}) and so the whole course; give a narrower path")
            readonly.append(path)
        return readonly

    pre_start_kernel = _async_pre_start_kernel

    def _kernel_env(self, launch_env: dict[str, str], executable: str) -> dict[str, str]:
        """Only allow-listed variables cross into the sandbox; secrets stay outside."""
        env = {k: launch_env[k] for k in self.sandbox.env_allow if k in launch_env}
        if self.kernel_spec is not None:
            env.update(self.kernel_spec.env or {})
        env.update(PATH=f"{os.path.dirname(executable)}:/usr/local/bin:/usr/bin:/bin",
                   HOME="/tmp/home", TMPDIR="/tmp", USER="student", LOGNAME="student",
                   PYTHONNOUSERSITE="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
        env.setdefault("LANG", "C.UTF-8")
        env.update(self.sandbox.env_set)
        return env

    def kernel_log(self) -> str:
        """The tail of what the sandboxed kernel process wrote to its own stdout/stderr."""
        if self._box is None or not (self._box / "kernel.log").exists():
            return ""
        with open(self._box / "kernel.log", "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - KERNEL_LOG_TAIL))
            return f.read().decode("utf-8", "replace")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if restart or self._box is None:
            return
        tail = self.kernel_log().strip()
        if tail:   # bwrap's own errors and a kernel that could not start are worth seeing
            failed = "bwrap:" in tail or "Traceback" in tail
            (self.log.warning if failed else self.log.debug)("sandboxed kernel wrote:\n%s", tail)
        self._remove_box()

    cleanup_resources = _async_cleanup_resources   # AsyncKernelManager binds the base function by name

    def _remove_box(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self._box is not None:
            shutil.rmtree(self._box, ignore_errors=True)
            self._box = None


class SandboxKernelManager(GradingKernelManager):
    """The grading kernel manager with the sandbox on: what every course configuration uses."""

    use_sandbox = True
