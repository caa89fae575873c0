"""The MoCoGAN assignment's payoff: the pretrained model's own R_M beside the student's LSTM.

The reference motion network (the pretrained model's ``MotionLSTM``) always
drives the first row, so a student whose LSTM does not work yet still sees the
model; the student's LSTM, loaded with the same weights, drives the same seeds
in the second row, with one verdict measured on the motion codes. Anything the
student's class raises becomes one line, never a traceback from the kit.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .checks import relative_l1
from .student import PRETRAINED_NAME, grading

MATCH = 1e-4  # relative L1 on the motion codes below which the student's LSTM is the reference
N_SEEDS, N_FRAMES = 3, 16


@dataclass
class MotionComparison:
    """The reference model, the student's (or None), and the verdict on their motion codes."""
    reference: object
    mine: object | None
    verdict: str

    def videos(self, n: int = N_SEEDS, seed: int = 0, n_frames: int = N_FRAMES):
        """A VideoGrid: row 1 the reference R_M, row 2 your LSTM, on the same content and motion seeds."""
        from .widgets import VideoGrid
        seeds = [seed + k for k in range(n)]
        videos = list(self.reference.generate(seeds, seeds, n_frames=n_frames))
        titles = [f"reference R_M, seed {s}" for s in seeds]
        if self.mine is not None:
            try:
                videos += list(self.mine.generate(seeds, seeds, n_frames=n_frames))
                titles += [f"your LSTM, seed {s}" for s in seeds]
            except Exception as e:  # noqa: BLE001 (the student's class: one line, then the reference alone)
                print(f"Your LSTM could not drive the generator: {_one_line(e)}")
        return VideoGrid(videos, titles=titles, columns=n)


    def states(self, seed: int = 0, n_frames: int = N_FRAMES):
        """Heatmaps of h and c in your own cell, with the pretrained weights, driving video ``seed``."""
        if self.mine is None:
            print("Your LSTM does not drive the model yet: no cell states to show.")
            return None
        from .widgets.states import cell_states_figure
        ref = self.reference
        inputs = ref.motion_noise([seed], n_frames)
        if inputs.ndim != 2:  # a model with fresh noise per frame: show the first frame's input
            inputs = inputs[0]
        if ref.config.n_actions:
            action = ref._actions_for(None, [seed], "MotionComparison.states")
            inputs = torch.cat([inputs, torch.nn.functional.one_hot(action, ref.config.n_actions)
                                .to(inputs.dtype)], 1)
        motion = self.mine.motion
        try:
            return cell_states_figure(motion.lstm, inputs.cpu(), n_frames, motion.hidden_size,
                                      title=f"your MyLSTMCell, seed {seed}")
        except Exception as e:  # noqa: BLE001 (the student's class: one line)
            print(f"Your cell could not be stepped: {_one_line(e)}")
            return None


def _one_line(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}".rstrip(": ")


def motion_verdict(mine: torch.Tensor, ref: torch.Tensor) -> str:
    """One line: do the student's motion codes match the reference's, and if not by how much."""
    if tuple(mine.shape) != tuple(ref.shape):
        return (f"your LSTM's motion codes have shape {tuple(mine.shape)}, the reference's "
                f"{tuple(ref.shape)} (n_frames, videos, features): see the LSTM forward test")
    if not bool(torch.isfinite(mine).all()):
        return "your LSTM's motion codes contain NaN or infinity: see the LSTM forward test"
    err = relative_l1(mine, ref)
    if err < MATCH:
        diff = float((mine.double() - ref.double()).abs().max())
        bound = next(b for b in (1e-5, 1e-3, float("inf")) if diff < b)  # buckets: the same on every machine
        return f"your LSTM matches the reference R_M: motion codes agree to within {bound:.0e}"
    motion = float((mine[1:] - mine[:-1]).abs().mean()) / max(float((ref[1:] - ref[:-1]).abs().mean()), 1e-12)
    return (f"your LSTM differs from the reference R_M by {err:.0%} on the motion codes (its motion "
            f"is {motion:.2f}x the reference's): see the LSTM forward test")


def compare_with_reference(LSTM, name: str = PRETRAINED_NAME, seeds=(0, 1, 2)):  # noqa: N803
    """Load the pretrained model, drive it with ``LSTM`` too, print the verdict; None when skipped."""
    if grading():
        print("Skipped while grading: the pretrained model is only for you to explore.")
        return None
    try:
        import course_kit
        reference = course_kit.load_pretrained(name)
    except Exception as e:  # noqa: BLE001 (not installed: the notebook goes on)
        print(f"The pretrained model {name!r} is not available in this installation "
              f"({_one_line(e)}); skipping this part.")
        return None
    weight_ih = reference.motion.lstm.weight_ih
    input_size, hidden_size = weight_ih.shape[1], weight_ih.shape[0] // 4
    print(f"Pretrained {name!r} MoCoGAN, reference motion network R_M "
          f"(input {input_size}, hidden {hidden_size}); actions: {', '.join(reference.actions)}")
    ref_codes = reference.motion_codes(list(seeds), n_frames=N_FRAMES)
    try:
        mine = reference.with_motion(LSTM(input_size, hidden_size))
        codes = mine.motion_codes(list(seeds), n_frames=N_FRAMES)
    except Exception as e:  # noqa: BLE001 (the student's class: one line, then the reference alone)
        print(f"Your LSTM could not drive the model yet ({_one_line(e)}): finish parts 2, 3 and 5 "
              f"until their tests pass; the reference plays alone below.")
        return MotionComparison(reference, None, "not run")
    verdict = motion_verdict(codes, ref_codes)
    print(verdict)
    return MotionComparison(reference, mine if tuple(codes.shape) == tuple(ref_codes.shape) else None, verdict)
