"""The instructor's whole pipeline on embedded defaults: what `course-kit demo` runs.

Needs no network, no GPU and no data beside the package. In order: this
term's test vectors and the MP's graded checks on the reference layers;
every assignment released (in a copy of the course inside the output
folder); the kit's example submissions autograded (grades CSV, feedback
HTML), each checked against the grade it must get; videos sampled from every
shipped MoCoGAN to GIFs and to an HTML page that plays without a kernel.
A failing step is reported and the next one still runs, so one run shows
everything that is wrong.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .. import assignments, checks
from ..assignments.mocogan import layers
from ..assignments.mocogan.vectors import load_vectors, write_vectors
from ..grading.setup_error import GradingSetupError
from . import course as demo_course
from .videos import sample_shipped_models, videos_page

__all__ = ["DemoResult", "run_demo", "sample_shipped_models"]

# Example submissions graded per assignment (Assignment.demo_examples): the reference, the blank
# release and typical mistakes (write_examples cycles through them in this order). A live view of
# the registry, course_kit.assignments.
EXAMPLES_PER_ASSIGNMENT = assignments.DEMO_EXAMPLES


@dataclass
class DemoResult:
    outputs: dict[str, Path] = field(default_factory=dict)   # what -> where
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures

    def table(self) -> str:
        """The closing listing: one line per output, then the verdict."""
        width = max((len(w) for w in self.outputs), default=0)
        lines = ["", "outputs:", *(f"  {what:<{width}}  {path}" for what, path in self.outputs.items())]
        lines += [f"FAILED: {f}" for f in self.failures]
        lines.append(f"demo {'passed' if self.ok else 'FAILED'} in {self.seconds:.0f} s")
        return "\n".join(lines)


def _check_layers(out: Path, seed: int, result: DemoResult, log) -> None:
    result.outputs["test vectors"] = write_vectors(seed, out / "solutions.json")
    log(f"wrote {result.outputs['test vectors']}")
    checks_run = checks.run_all(layers.MyLinear, layers.MyLSTMCell, layers.LSTM,
                                load_vectors(result.outputs["test vectors"]))
    for name, ok, message in checks_run:
        log(f"[{'PASS' if ok else 'FAIL'}] {name:<17} {message}")
    failed = [name for name, ok, _ in checks_run if not ok]
    log(f"reference layers: {len(checks_run) - len(failed)} passed, {len(failed)} failed")
    result.failures += [f"reference layers fail the MP check {name}" for name in failed]


def _course(out: Path, course_root, jobs: int, result: DemoResult, log) -> None:
    course = demo_course.copy_course(out / "course", course_root)
    result.outputs["course copy (config, source/, release/)"] = course
    result.outputs.update(demo_course.release_all(course, log))
    result.outputs.update(demo_course.publish_student_repository(course, log))
    unsandboxed, line = demo_course.sandbox_choice()
    log(line)
    for assignment in demo_course.assignments(course):
        n = assignments.lookup(assignment).demo_examples
        if not n:
            continue
        written, wrong = demo_course.grade_examples(course, assignment, n, out, unsandboxed, jobs, log)
        result.outputs.update(written)
        result.failures += [f"{assignment} example {who} graded wrong: {why}" for who, why in wrong.items()]


def run_demo(out: str | Path = "demo-output", seed: int = 0, jobs: int = 2, course_root=None,
             log=print) -> DemoResult:
    """Run every step into ``out``; the result lists outputs and failures."""
    start = time.perf_counter()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    result = DemoResult()
    steps = [
        (f"test vectors (seed {seed}) and the MP's graded checks on the reference layers",
         lambda: _check_layers(out, seed, result, log)),
        ("release every assignment, publish the student repository, autograde the example submissions",
         lambda: _course(out, course_root, jobs, result, log)),
        ("videos from the shipped MoCoGAN models (GIF grids)",
         lambda: result.outputs.update(sample_shipped_models(out / "videos", seed))),
        ("the same videos on an HTML page that plays without a kernel",
         lambda: result.outputs.update(videos_page(out / "videos", seed))),
    ]
    for title, step in steps:
        log(f"== {title} ==")
        t0 = time.perf_counter()
        try:
            step()
        except (Exception, GradingSetupError) as e:  # noqa: BLE001 - one failed step must not hide the others
            log(traceback.format_exc())
            result.failures.append(f"{title}: {type(e).__name__}: {e}")
        log(f"({time.perf_counter() - t0:.0f} s)")
    result.seconds = time.perf_counter() - start
    return result
