"""The bubblewrap command line for one grading kernel: what it sees, what it may write, its caps.

A pure function of a :class:`Plan`, so tests can read exactly which host paths
a submission can reach without starting anything.

Inside the sandbox:

* read-only: the system (``/usr`` and a few ``/etc`` files), the Python
  environment, the ``course_kit`` package, any extra ``readonly_paths``;
* writable but private and size-capped: a fresh copy of the submission's own
  folder (at its original path, so relative paths behave as in grading
  without a sandbox), ``/tmp`` and ``/dev/shm``, all tmpfs that vanish with
  the kernel;
* the kernel's connection directory (IPC sockets: the kernel has no network
  at all, loopback included, yet still talks to the grader);
* nothing else: no ``source/``, no ``gradebook.db``, no other student, no
  home directory, and an environment built from an allow-list.

As root, bwrap runs privileged and the kernel then drops to a fresh uid that
owns nothing on the host (so RLIMIT_NPROC counts only this sandbox); as
another user, bwrap uses an unprivileged user namespace.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .limits import Limits, MiB  # noqa: F401 (Limits: a Plan's caps)
from .support import namespace_flags

SUBMISSION_MOUNT = "/.submission"   # read-only view of the folder the working copy is made from
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "nsswitch.conf", "passwd", "group",
             "hosts", "localtime", "timezone", "mime.types", "alternatives", "fonts",
             "matplotlibrc", "os-release")
SYSTEM_TOPS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")


@dataclass(frozen=True)
class Plan:
    bwrap: str                    # resolved bwrap executable
    mode: str                     # "root" or "user" (see support.detect)
    kernel_cmd: list[str]         # what to run inside (python -m ipykernel_launcher -f ...)
    workdir: str                  # the submission folder: copied, then the kernel's cwd at the same path
    conn_dir: str                 # holds the connection file and the IPC sockets
    readonly: list[str]           # host paths mounted read-only at the same path
    env: dict[str, str]           # the kernel's whole environment
    limits: Limits
    uid: int = 0                  # root mode: the unprivileged uid the kernel runs as
    gpu_devices: list[str] = field(default_factory=list)


def _ancestors(path: str) -> list[str]:
    parts = PurePosixPath(path).parents
    return [str(p) for p in reversed(parts) if str(p) != "/"]


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


class _Args:
    """Accumulates bwrap operations; creates missing parent dirs world-readable (bwrap's are 0700)."""

    def __init__(self):
        self.argv: list[str] = []
        self.readonly_roots: list[str] = []
        self.made: set[str] = {"/"}

    def parents(self, dest: str):
        for d in _ancestors(dest):
            if d in self.made or any(_under(d, r) for r in self.readonly_roots):
                continue
            self.argv += ["--perms", "0755", "--dir", d]
            self.made.add(d)

    def ro_bind(self, src: str, dest: str | None = None):
        dest = dest or src
        if any(_under(dest, r) for r in self.readonly_roots):
            return  # already visible through a mount above it
        self.parents(dest)
        self.argv += ["--ro-bind", src, dest]
        self.readonly_roots.append(dest)
        self.made.add(dest)

    def tmpfs(self, dest: str, size_bytes: int, perms: str = "1777"):
        self.parents(dest)
        self.argv += ["--size", str(size_bytes), "--perms", perms, "--tmpfs", dest]
        self.made.add(dest)


def bwrap_argv(plan: Plan) -> list[str]:
    """The full argv: bwrap, its mounts, then the in-sandbox launcher and the kernel."""
    a = _Args()
    a.argv += [plan.bwrap, *namespace_flags(plan.mode), "--die-with-parent",
               "--hostname", "sandbox", "--clearenv"]
    for key, value in sorted(plan.env.items()):
        a.argv += ["--setenv", key, value]
    if plan.mode == "user":
        a.argv += ["--disable-userns"]

    a.ro_bind("/usr")
    for top in SYSTEM_TOPS:
        host = Path("/") / top
        if host.is_symlink():
            a.argv += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            a.ro_bind(str(host))
    a.argv += ["--perms", "0755", "--dir", "/etc"]
    a.made.add("/etc")
    for name in ETC_FILES:
        if os.path.lexists(f"/etc/{name}"):
            a.ro_bind(f"/etc/{name}")
    a.argv += ["--proc", "/proc", "--dev", "/dev"]
    for dev in plan.gpu_devices:
        a.argv += ["--dev-bind", dev, dev]
    scratch = plan.limits.scratch_mb * MiB
    a.tmpfs("/dev/shm", scratch)
    a.tmpfs("/tmp", scratch)
    a.argv += ["--perms", "1777", "--dir", "/tmp/home"]
    for path in plan.readonly:
        a.ro_bind(path)
    a.ro_bind(plan.workdir, SUBMISSION_MOUNT)
    a.tmpfs(plan.workdir, scratch)
    a.parents(plan.conn_dir)
    a.argv += ["--bind", plan.conn_dir, plan.conn_dir, "--chdir", plan.workdir, "--"]
    return a.argv + launcher(plan)


def launcher(plan: Plan) -> list[str]:
    """Inside: copy the submission into the private working folder, drop privileges, cap, exec."""
    inner = [*plan.limits.prlimit_args(), *plan.kernel_cmd]
    if plan.mode == "root":
        owner = f"{plan.uid}:{plan.uid}"
        drop = ["setpriv", f"--reuid={plan.uid}", f"--regid={plan.uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        script = f'cp -R {SUBMISSION_MOUNT}/. . && chown -R "$0" . && exec "$@"'
        return ["sh", "-c", script, owner, *drop, *inner]
    script = f'cp -R {SUBMISSION_MOUNT}/. . && exec "$@"'
    return ["sh", "-c", script, "sh", *inner]
