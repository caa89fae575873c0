"""Helpers the student notebook calls, so its cells stay one line long.

``mocogan_with_student_lstm`` builds the payoff of the MoCoGAN assignment: the
pretrained ``weizmann-actions`` model driven by the student's own ``LSTM``.
It returns None, after printing why on stdout (never stderr, which would be
read as a failure), while the notebook is being graded, when the model is not
installed, or when the student's classes are not finished yet.
"""

from __future__ import annotations

import os

PRETRAINED_NAME = "weizmann-actions"


def grading() -> bool:
    """True while nbgrader executes the notebook (autograde or validate)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def mocogan_with_student_lstm(LSTM, MyLinear=None, MyLSTMCell=None, name: str = PRETRAINED_NAME):  # noqa: N803
    """The pretrained MoCoGAN with R_M replaced by ``LSTM`` loaded with its weights, or None."""
    if grading():
        print("Skipped while grading: the pretrained model is only for you to explore.")
        return None
    try:
        import course_kit
        model = course_kit.load_pretrained(name)
    except Exception as e:  # not installed yet, or weights missing: the notebook goes on
        print(f"The pretrained model {name!r} is not available in this installation "
              f"({type(e).__name__}: {e}); skipping this part.")
        return None
    weight_ih = model.motion.lstm.weight_ih
    input_size, hidden_size = weight_ih.shape[1], weight_ih.shape[0] // 4
    try:
        student = LSTM(input_size, hidden_size)
        mine = model.with_motion(student)
        mine.motion_codes([0], n_frames=2)  # one small run: a crash shows up here, clearly
    except Exception as e:
        print(f"Your LSTM could not drive the pretrained model yet ({type(e).__name__}: {e}). "
              f"Finish parts 2, 3 and 5 until their tests pass, then run this cell again.")
        return None
    print(f"Pretrained {name!r} MoCoGAN, motion network: your {type(student).__name__} "
          f"(input {input_size}, hidden {hidden_size}); actions: {', '.join(mine.actions)}")
    return mine
