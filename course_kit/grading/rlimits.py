"""Start a command under resource limits: ``python -m course_kit.grading.rlimits --memory-mb N -- CMD``.

A grading kernel that runs outside bubblewrap is launched through this (inside
it, ``prlimit`` does the same; the caps are ``Sandbox.memory_mb`` and
``Sandbox.cpu_seconds`` either way), so that a memory bomb in a submission fails with MemoryError inside its own cell instead of taking the
grading machine (and the other students' grades) down with it.

The memory cap is RLIMIT_DATA, not RLIMIT_AS. Since Linux 4.7 RLIMIT_DATA
counts what a process can really fill: the heap and every private writable
mapping (malloc, numpy and torch tensors, thread stacks). RLIMIT_AS counts
address space, which a library can reserve by the gigabyte without using it:
PyPI's default (CUDA) build of torch maps about 3.2 GB of shared libraries
just to ``import torch`` on a CPU, so an address-space cap of 4 GB zeroed every
submission on such a machine. A cgroup v2 ``memory.max`` would also count
real memory, but it needs a delegated cgroup (often missing in containers and
on laptops) and it OOM-kills the whole kernel instead of failing the one
allocation inside the student's cell; an rlimit needs no privilege anywhere.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys


def apply_limits(memory_mb: int | None = None, cpu_seconds: int | None = None) -> None:
    """Lower this process's data-memory (RLIMIT_DATA) and CPU-time limits (0 or None: leave as is)."""
    if memory_mb:
        limit = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    if cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_seconds), int(cpu_seconds)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m course_kit.grading.rlimits")
    parser.add_argument("--memory-mb", type=int, default=0, help="memory cap (RLIMIT_DATA) in MiB (0: none)")
    parser.add_argument("--cpu-seconds", type=int, default=0, help="CPU-time cap (0: none)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("`command` is missing: give it after --")
    apply_limits(args.memory_mb, args.cpu_seconds)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
