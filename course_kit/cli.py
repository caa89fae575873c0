"""The ``course-kit`` command: parses arguments and calls the library, nothing more."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _cmd_vectors(args) -> int:
    from .vectors import write_vectors
    path = write_vectors(args.seed, args.out)
    print(f"wrote test vectors (seed {args.seed}) to {path}")
    return 0


def _cmd_check(args) -> int:
    from . import checks, layers
    from .vectors import load_vectors, make_vectors
    v = load_vectors(args.solutions) if args.solutions else make_vectors(args.seed)
    results = checks.run_all(layers.MyLinear, layers.MyLSTMCell, layers.LSTM, v)
    for name, ok, message in results:
        print(f"[{'PASS' if ok else 'FAIL'}] {name:<17} {message}")
    failed = sum(not ok for _, ok, _ in results)
    print(f"reference layers: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


def _cmd_bench(args) -> int:
    if args.what == "layers":
        from .bench import layers as bench
        sizes = dict(input_size=10, hidden_size=100, batch=16, steps=16)
        print(bench.report(bench.run(**sizes, repeats=args.repeats), **sizes))
    return 0


def _cmd_demo(args) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print("== test vectors ==")
    _cmd_vectors(argparse.Namespace(seed=args.seed, out=out / "solutions.json"))
    print("== reference layers against the vectors ==")
    rc = _cmd_check(argparse.Namespace(solutions=out / "solutions.json", seed=args.seed))
    print(f"\noutputs:\n  test vectors: {out / 'solutions.json'}")
    return rc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course-kit",
        description="Course kit for teaching video generation with MoCoGAN.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("demo", help="run the instructor's pipeline on the embedded defaults")
    p.add_argument("--out", default="demo-output", help="output folder (default: demo-output)")
    p.add_argument("--seed", type=int, default=0, help="seed for the test vectors (default: 0)")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("vectors", help="write the MP test vectors (solutions.json)")
    p.add_argument("--seed", type=int, default=0, help="seed; use a new one each term (default: 0)")
    p.add_argument("--out", default="solutions.json", help="output file (default: solutions.json)")
    p.set_defaults(func=_cmd_vectors)

    p = sub.add_parser("check", help="run the MP's graded checks on the reference layers")
    p.add_argument("--solutions", help="a solutions.json (default: vectors made from --seed)")
    p.add_argument("--seed", type=int, default=0, help="seed when no --solutions is given")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("bench", help="benchmarks that print measured ratios")
    p.add_argument("what", choices=["layers"], help="layers: reference LSTM vs torch.nn.LSTMCell")
    p.add_argument("--repeats", type=int, default=7, help="timed repeats (median is printed)")
    p.set_defaults(func=_cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
