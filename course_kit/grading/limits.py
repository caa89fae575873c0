"""Every cap on a grading kernel, and what it may see: one traitlets section, ``c.Sandbox.*``.

The one place for each limit. Memory and CPU time cap every grading kernel,
sandboxed or not (:mod:`course_kit.grading.kernel`); processes, file size and
scratch space need the sandbox (:mod:`course_kit.grading.bwrap`); the output
kept per notebook is enforced by the executor (:mod:`course_kit.grading.execute`,
whose ``ResilientExecute.max_output_chars`` caps each cell). Every default is
one a correct MoCoGAN submission never comes near, while a hostile one hits it
long before it can hurt the machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from traitlets import Bool, Dict, Float, Integer, List, Unicode
from traitlets.config import Configurable

MiB = 1024 * 1024


class Sandbox(Configurable):
    """Caps and visibility for the kernel that runs a student's submission."""

    memory_mb = Integer(
        4096, help="Memory cap per kernel process, sandboxed or not (RLIMIT_DATA: heap and private writable mappings, "
                   "what the process can really fill), in MiB. Not the address space: a CUDA "
                   "build of PyTorch reserves gigabytes of it at import without using them. "
                   "A MoCoGAN forward pass fits well inside 4 GiB.",
    ).tag(config=True)
    cpu_seconds = Integer(
        900, help="CPU-time cap per kernel process, sandboxed or not (RLIMIT_CPU), in seconds; the kernel is killed "
                  "(SIGXCPU/SIGKILL) past it. nbgrader's per-cell timeout usually acts first.",
    ).tag(config=True)
    max_processes = Integer(
        256, help="Cap on processes and threads of the sandboxed user (RLIMIT_NPROC). "
                  "A kernel with PyTorch uses about 20 threads.",
    ).tag(config=True)
    max_file_mb = Integer(
        256, help="Largest file the kernel may write (RLIMIT_FSIZE), in MiB.",
    ).tag(config=True)
    scratch_mb = Integer(
        512, help="Size of each private writable tmpfs (the working copy of the "
                  "submission folder, /tmp and /dev/shm), in MiB; all vanish with the kernel.",
    ).tag(config=True)
    max_output_mb = Float(
        8.0, help="Notebook output kept per notebook (stream text, images, HTML), in MiB; "
                  "past it outputs are dropped and one notice says so.",
    ).tag(config=True)
    allow_unsandboxed = Bool(
        False, help="Grade WITHOUT a sandbox when bubblewrap is missing or unusable. Student "
                    "code then runs as you and can read source/ and gradebook.db. Off by default.",
    ).tag(config=True)
    bwrap = Unicode("bwrap", help="The bubblewrap executable (a name on PATH or a path).").tag(config=True)
    env_allow = List(
        Unicode(),
        ["LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONHASHSEED", "PYTHONWARNINGS", "NBGRADER_EXECUTION",
         "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "CUDA_VISIBLE_DEVICES"],
        help="Environment variables passed from the grader into the kernel; every other one "
             "(tokens, passwords, HOME, ...) is dropped.",
    ).tag(config=True)
    env_set = Dict(
        {}, help="Extra environment variables set inside the sandbox (name -> value).",
    ).tag(config=True)
    readonly_paths = List(
        Unicode(), [],
        help="Extra host paths the kernel may read (mounted read-only at the same path), e.g. "
             "a dataset folder. A path that contains the course directory is refused.",
    ).tag(config=True)
    gpu = Bool(
        False, help="Expose NVIDIA device nodes (/dev/nvidia*) to the kernel.",
    ).tag(config=True)


@dataclass(frozen=True)
class Limits:
    """The caps of one sandboxed kernel, as the launcher inside bwrap applies them."""

    memory_mb: int
    cpu_seconds: int
    max_processes: int
    max_file_mb: int
    scratch_mb: int

    @classmethod
    def of(cls, sandbox: Sandbox) -> Limits:
        return cls(sandbox.memory_mb, sandbox.cpu_seconds, sandbox.max_processes,
                   sandbox.max_file_mb, sandbox.scratch_mb)

    def prlimit_args(self) -> list[str]:
        return ["prlimit", f"--data={self.memory_mb * MiB}", f"--cpu={self.cpu_seconds}",
                f"--nproc={self.max_processes}", f"--fsize={self.max_file_mb * MiB}", "--core=0", "--"]
