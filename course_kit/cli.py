"""The ``course-kit`` command: parses arguments and calls the library, nothing more."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _cmd_vectors(args) -> int:
    from .assignments.mocogan.vectors import write_vectors
    path = write_vectors(args.seed, args.out)
    print(f"wrote test vectors (seed {args.seed}) to {path}")
    return 0


def _cmd_check(args) -> int:
    from . import checks
    from .assignments.mocogan import layers
    from .assignments.mocogan.vectors import load_vectors, make_vectors
    v = load_vectors(args.solutions) if args.solutions else make_vectors(args.seed)
    results = checks.run_all(layers.MyLinear, layers.MyLSTMCell, layers.LSTM, v)
    for name, ok, message in results:
        print(f"[{'PASS' if ok else 'FAIL'}] {name:<17} {message}")
    failed = sum(not ok for _, ok, _ in results)
    print(f"reference layers: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


# Subcommand groups: `course-kit GROUP NAME [ARGS...]` calls "module:function"(argv) -> exit code.
# Each entry's module parses its own arguments and calls the library; imports stay lazy so
# `course-kit --help` is fast and one group's dependencies never load for another.
GROUPS: dict[str, dict[str, str]] = {
    "bench": {
        "layers": "course_kit.bench.layers:main",
        "widgets": "course_kit.bench.widgets:main",
        "grading": "course_kit.bench.grading:main",
        "notebook": "course_kit.bench.notebook:main",
        "sandbox": "course_kit.bench.sandbox:main",
        "sampling": "course_kit.bench.sampling:main",
        "training": "course_kit.bench.training:main",
        "precision": "course_kit.bench.precision:main",
    },
    "train": {
        "mocogan": "course_kit.mocogan.commands:train_main",
        "svg": "course_kit.svg.commands:train_main",
        "classifier": "course_kit.mocogan.eval_commands:train_classifier_main",
    },
    "evaluate": {
        "mocogan": "course_kit.mocogan.eval_commands:evaluate_main",
        "svg": "course_kit.svg.commands:evaluate_main",
    },
    "export": {
        "mocogan": "course_kit.mocogan.export:export_main",
        "svg": "course_kit.svg.commands:export_main",
    },
    "make-data": {
        "push": "course_kit.svg.commands:make_data_push_main",
    },
}
# Single commands whose module parses its own arguments: name -> ("module:function", help).
DELEGATED: dict[str, tuple[str, str]] = {
    "sample": ("course_kit.mocogan.commands:sample_main",
               "write GIF/MP4 videos (or a grid) from a shipped or trained model"),
    "release": ("course_kit.course.commands:release_main",
                "regenerate release/ASSIGNMENT from source/ with nbgrader, and prove it safe"),
    "publish": ("course_kit.course.commands:publish_main",
                "write the public student repository: student package, release/, notebooks/, README"),
    "autograde": ("course_kit.course.commands:autograde_main",
                  "autograde a folder or LMS zip of submissions in parallel: grades CSV, feedback"),
    "lab": ("course_kit.course.lab:main",
            "open JupyterLab on the course directory (--port, --no-browser; other options go to jupyter lab)"),
    "sandbox": ("course_kit.grading.sandbox_check:main",
                "check that sandboxed grading works here: starts one sandboxed kernel, reports what it saw"),
}
GROUP_HELP = {
    "bench": "benchmarks that print figures measured in one run",
    "train": "train a model (resumable; progress bar; CSV log; sample GIFs)",
    "evaluate": "evaluate a model against real data",
    "export": "ship a trained run as a pretrained model (safetensors, sha256, model card)",
    "make-data": "write a procedural dataset to disk",
}


def _delegate(target: str, argv: list[str]) -> int:
    import importlib
    module_name, func = target.split(":")
    return int(getattr(importlib.import_module(module_name), func)(argv) or 0)


def _cmd_group(args) -> int:
    return _delegate(GROUPS[args.command][args.name], args.rest)


def _cmd_demo(args) -> int:
    from .demo import run_demo
    if args.jobs < 1:
        raise ValueError(f"demo: --jobs must be >= 1, got {args.jobs}")
    result = run_demo(args.out, args.seed, jobs=args.jobs, course_root=args.course_dir)
    print(result.table())
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course-kit",
        description="Course kit for teaching video generation with MoCoGAN.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("demo", help="run the instructor's pipeline on the embedded defaults: release, "
                                     "autograde examples, sample videos; lists every output")
    p.add_argument("--out", default="demo-output", help="output folder (default: demo-output)")
    p.add_argument("--seed", type=int, default=0, help="seed for the test vectors and videos (default: 0)")
    p.add_argument("--jobs", type=int, default=2, help="parallel graders (default: 2)")
    p.add_argument("--course-dir", default=None,
                   help="course to copy (default: the one around cwd, else this checkout)")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("vectors", help="write the MP test vectors (solutions.json)")
    p.add_argument("--seed", type=int, default=0, help="seed; use a new one each term (default: 0)")
    p.add_argument("--out", default="solutions.json", help="output file (default: solutions.json)")
    p.set_defaults(func=_cmd_vectors)

    p = sub.add_parser("check", help="run the MP's graded checks on the reference layers")
    p.add_argument("--solutions", help="a solutions.json (default: vectors made from --seed)")
    p.add_argument("--seed", type=int, default=0, help="seed when no --solutions is given")
    p.set_defaults(func=_cmd_check)

    for group, entries in GROUPS.items():
        if not entries:
            continue
        p = sub.add_parser(group, help=f"{GROUP_HELP[group]}: {', '.join(sorted(entries))}")
        p.add_argument("name", choices=sorted(entries), help="what to run")
        p.add_argument("rest", nargs=argparse.REMAINDER, help="its own arguments (see NAME --help)")
        p.set_defaults(func=_cmd_group)

    for name, (target, help_text) in DELEGATED.items():
        p = sub.add_parser(name, help=help_text, add_help=False)
        p.add_argument("rest", nargs=argparse.REMAINDER, help=f"see `course-kit {name} --help`")
        p.set_defaults(func=lambda a, target=target: _delegate(target, a.rest))
    return parser


# Built-in kinds reported like the kit's own errors: the kit checks arguments with ValueError
# (naming the argument, what was expected and what arrived), and a FileNotFoundError names a
# path the user gave. Anything else, RuntimeError included (what torch raises), is a bug: it
# keeps its traceback.
ARGUMENT_ERRORS = (ValueError, FileNotFoundError)


def main(argv: list[str] | None = None) -> int:
    """Entry point; the kit's own errors and bad arguments print one line, anything else its traceback."""
    from .grading.setup_error import GradingSetupError
    from .errors import CourseKitError
    try:
        return _main(argv)
    except GradingSetupError as e:   # an instructor's set-up fault: the run stopped, nothing written
        print(f"course-kit: stopped: {e}", file=sys.stderr)
        return 3
    except (CourseKitError, *ARGUMENT_ERRORS) as e:
        print(f"course-kit: error: {e}", file=sys.stderr)
        return 2


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Delegated commands parse their own options (argparse's REMAINDER can't take leading options).
    if argv and argv[0] in DELEGATED:
        return _delegate(DELEGATED[argv[0]][0], argv[1:])
    if len(argv) >= 2 and argv[1] in GROUPS.get(argv[0], {}):
        return _delegate(GROUPS[argv[0]][argv[1]], argv[2:])
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
