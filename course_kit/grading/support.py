"""Can this machine run the sandbox? Found once, explained in words an instructor can act on."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass

from ..errors import CourseKitError

INSTALL_HINT = (
    "Install bubblewrap: `sudo apt-get install bubblewrap` (Debian/Ubuntu), "
    "`sudo dnf install bubblewrap` (Fedora) or `conda install -c conda-forge bubblewrap`. "
    "To grade WITHOUT a sandbox anyway (student code then runs as you and can read source/, "
    "gradebook.db and other students' work), pass `--Sandbox.allow_unsandboxed=True` to nbgrader "
    "or `--unsandboxed` to course-kit autograde."
)


class SandboxUnavailable(CourseKitError, RuntimeError):
    """Grading refused: the sandbox cannot run here and unsandboxed grading was not allowed."""


@dataclass(frozen=True)
class Support:
    ok: bool
    mode: str          # "root": privileged bwrap, then a fresh unprivileged uid; "user": user namespaces
    bwrap: str | None  # resolved path
    reason: str        # why not, when not ok


def namespace_flags(mode: str) -> list[str]:
    """The namespaces a sandbox gets: everything, so no network (loopback included)."""
    flags = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    return flags + (["--unshare-user"] if mode == "user" else [])


@functools.lru_cache(maxsize=None)
def detect(bwrap: str = "bwrap") -> Support:
    """Probe bwrap once per process with the same namespaces a grading kernel uses."""
    mode = "root" if os.geteuid() == 0 else "user"
    path = shutil.which(bwrap)
    if path is None:
        return Support(False, mode, None, f"bubblewrap (`{bwrap}`) was not found on PATH.")
    if mode == "root":
        for tool in ("setpriv", "prlimit"):
            if shutil.which(tool) is None:
                return Support(False, mode, path, f"`{tool}` (util-linux) was not found on PATH.")
    elif shutil.which("prlimit") is None:
        return Support(False, mode, path, "`prlimit` (util-linux) was not found on PATH.")
    probe = [path, *namespace_flags(mode), "--die-with-parent", "--ro-bind", "/", "/", "true"]
    try:
        run = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return Support(False, mode, path, f"`{' '.join(probe)}` failed: {err}")
    if run.returncode != 0:
        hint = ("" if mode == "root" else " Unprivileged user namespaces may be disabled "
                "(sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces, or an "
                "AppArmor policy for bwrap).")
        return Support(False, mode, path,
                       f"`{' '.join(probe)}` exited with {run.returncode}: {run.stderr.strip()}.{hint}")
    return Support(True, mode, path, "")


def require(bwrap: str = "bwrap", allow_unsandboxed: bool = False) -> Support:
    """The probe result, or :class:`SandboxUnavailable` unless unsandboxed grading is allowed."""
    support = detect(bwrap)
    if not support.ok and not allow_unsandboxed:
        raise SandboxUnavailable(f"Refusing to grade without a sandbox: {support.reason} {INSTALL_HINT}")
    return support
