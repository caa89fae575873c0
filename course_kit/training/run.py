"""The run folder every trainer writes, one convention for MoCoGAN and SVG.

A run folder ``OUT/`` holds:

    checkpoint.pt   everything needed to continue (written atomically: temp file, fsync, rename)
    config.json     the run's TrainConfig as JSON (rewritten at every start)
    <log>.csv       one row per logged step, first column ``step``; rows past the
                    checkpoint are dropped on resume (they are trained again)
    samples/*.gif   sample videos, one file per step that wrote one

What differs between trainers (the log's name, other logs, the sample file
names) is one :class:`Layout` each, below. Names an older run folder used
(:data:`LEGACY_NAMES`) are still read, and written, when that folder has them
and not the current name, so a run started before a rename resumes and exports.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["CHECKPOINT", "CONFIG", "SAMPLES", "LEGACY_NAMES", "Layout", "MOCOGAN", "SVG", "RunFolder",
           "atomic_save", "trim_log", "append_row", "write_json"]

CHECKPOINT = "checkpoint.pt"
CONFIG = "config.json"
SAMPLES = "samples"
#: current name -> names run folders used before (SVG wrote its config as train_config.json).
LEGACY_NAMES: dict[str, tuple[str, ...]] = {CONFIG: ("train_config.json",)}


@dataclass(frozen=True)
class Layout:
    """What one trainer names inside its run folder."""
    log: str                    # the per-step training log (CSV, first column "step")
    sample: str                 # a sample GIF's file name under samples/, formatted with ``step=``
    logs: tuple[str, ...] = ()  # other step-indexed CSV logs, trimmed on resume like ``log``


MOCOGAN = Layout(log="losses.csv", sample="step{step:07d}.gif")
SVG = Layout(log="log.csv", sample="step_{step:06d}.gif", logs=("val.csv",))


def atomic_save(obj, path: str | Path) -> Path:
    """``torch.save`` to ``path`` so that a crash leaves the old file or the new one, never half of one.

    Writes ``path``.tmp, flushes and fsyncs it, then renames it over ``path``.
    """
    import torch
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def trim_log(path: str | Path, last_step: int) -> None:
    """Keep the header and the rows of steps up to ``last_step`` (a resumed run logs the rest again)."""
    path = Path(path)
    if not path.exists():
        return
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    keep = rows[:1] + [r for r in rows[1:] if r and r[0].isdigit() and int(r[0]) <= last_step]
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(keep)


def append_row(path: str | Path, fields: list[str], row: dict) -> None:
    """Append ``row`` to the CSV ``path``, writing the header ``fields`` first when the file is new.

    An existing file keeps its own header: a run resumed after a release added
    a column writes its rows under the old columns (the new one left out), so
    no row is ever shifted under the wrong name.
    """
    path = Path(path)
    new = not path.exists()
    if not new:
        with open(path, newline="") as f:
            fields = next(csv.reader(f), None) or fields
    with open(path, "a", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        if new:
            w.writeheader()
        w.writerow(row)


def write_json(path: str | Path, data: dict) -> Path:
    path = Path(path)
    path.write_text(json.dumps(data, indent=1, default=list) + "\n")
    return path


class RunFolder:
    """One training run's folder ``out``, laid out as ``layout`` says (see the module notes)."""

    def __init__(self, out: str | Path, layout: Layout):
        self.out = Path(out)
        self.layout = layout

    def file(self, name: str) -> Path:
        """``out/name``, or the older name of that file when only the older one exists here."""
        path = self.out / name
        if not path.exists():
            for old in LEGACY_NAMES.get(name, ()):
                if (self.out / old).exists():
                    return self.out / old
        return path

    def mkdir(self) -> RunFolder:
        self.out.mkdir(parents=True, exist_ok=True)
        return self

    # --- checkpoint -----------------------------------------------------------

    @property
    def checkpoint(self) -> Path:
        return self.out / CHECKPOINT

    def save_checkpoint(self, state: dict) -> Path:
        return atomic_save(state, self.checkpoint)

    def load_checkpoint(self, map_location=None) -> dict | None:
        """The checkpoint's dict, or None when the run has none yet (our own file: loaded weights-only)."""
        if not self.checkpoint.exists():
            return None
        import torch
        return torch.load(self.checkpoint, map_location=map_location, weights_only=True)

    # --- config ---------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return self.file(CONFIG)

    def write_config(self, config: dict) -> Path:
        return write_json(self.config_path, config)

    def read_config(self) -> dict:
        path = self.config_path
        if not path.exists():
            raise FileNotFoundError(f"RunFolder: {self.out} has no {CONFIG} (is it a training run folder?)")
        return json.loads(path.read_text())

    # --- logs -----------------------------------------------------------------

    @property
    def log_path(self) -> Path:
        return self.file(self.layout.log)

    def start_log(self, fields: list[str]) -> Path:
        """Write the log's header when there is no log yet."""
        path = self.log_path
        if not path.exists():
            with open(path, "w", newline="") as f:
                csv.writer(f).writerow(fields)
        return path

    def log(self, fields: list[str], row: dict, name: str | None = None) -> None:
        """Append a row to the training log (or to the log ``name``)."""
        append_row(self.file(name) if name else self.log_path, fields, row)

    def trim_logs(self, last_step: int) -> None:
        """On resume: drop every log's rows past ``last_step``."""
        for name in (self.layout.log, *self.layout.logs):
            trim_log(self.file(name), last_step)

    def logged_seconds(self) -> float:
        """The last ``seconds`` in the training log (0 without one): a resumed run's clock runs on from it.

        Cards give a run's wall time from that column, so it must count every
        leg of a run, not only the one since the last resume.
        """
        if not self.log_path.exists():
            return 0.0
        rows = [r for r in self.read_log() if r.get("seconds")]
        return float(rows[-1]["seconds"]) if rows else 0.0

    def read_log(self, name: str | None = None) -> list[dict]:
        path = self.file(name) if name else self.log_path
        with open(path, newline="") as f:
            return list(csv.DictReader(f))

    # --- samples --------------------------------------------------------------

    def sample_path(self, step: int) -> Path:
        return self.out / SAMPLES / self.layout.sample.format(step=step)

    def write_sample(self, step: int, frames, fps: float = 8, scale: int = 1) -> Path:
        """Write (T, H, W, 3) uint8 ``frames`` as the looping GIF of ``step``, enlarged ``scale`` times."""
        from ..media import as_numpy_frames, write_video
        frames = as_numpy_frames(frames)
        if scale > 1:
            frames = np.repeat(np.repeat(frames, scale, axis=1), scale, axis=2)
        return write_video(self.sample_path(step), frames, fps=fps)
