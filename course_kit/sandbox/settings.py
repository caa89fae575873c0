"""The sandbox's settings, one traitlets section (``c.Sandbox.*`` in nbgrader_config.py).

Every cap is a setting with a default that a correct MoCoGAN submission never
comes near, while a hostile one hits it long before it can hurt the machine.
"""

from __future__ import annotations

from traitlets import Bool, Dict, Float, Integer, List, Unicode
from traitlets.config import Configurable


class Sandbox(Configurable):
    """Caps and visibility for the kernel that runs a student's submission."""

    memory_mb = Integer(
        4096, help="Memory cap per process (RLIMIT_DATA: heap and private writable mappings, "
                   "what the process can really fill), in MiB. Not the address space: a CUDA "
                   "build of PyTorch reserves gigabytes of it at import without using them. "
                   "A MoCoGAN forward pass fits well inside 4 GiB.",
    ).tag(config=True)
    cpu_seconds = Integer(
        900, help="CPU-time cap per process (RLIMIT_CPU), in seconds; the kernel is killed "
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
