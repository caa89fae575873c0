"""The flags of `course-kit train svg`, generated from the config dataclasses (course_kit.options).

Their own module so that the command line (``commands``) and the card's reproduce line
(``publish``) read the same table without importing each other.
"""

from __future__ import annotations

from ..options import Options
from .model import SVGConfig
from .schedules import KL_SCHEDULES
from .train import TrainConfig

__all__ = ["TRAIN_OPTIONS", "MODEL_OPTIONS"]

# `course-kit train svg` spells every TrainConfig field and these SVGConfig fields (TrainConfig.model);
# names, types and defaults come from the dataclasses (course_kit.options).
TRAIN_OPTIONS = Options(TrainConfig, {
    "kl_schedule": dict(choices=KL_SCHEDULES),
    "kl_warmup": dict(help="steps with beta = 0 before the KL schedule starts (0: none), so the frame predictor "
                           "learns to read z before the KL can pull the posterior onto the prior"),
    "free_bits": dict(help="free bits: KL below this many nats per latent dimension costs nothing (0: off)"),
    "bf16": dict(help="bfloat16 autocast on CPU (faster on AVX-512 BF16 CPUs: course-kit bench precision; "
                      "runs then repeat only to bf16 rounding)"),
}, skip=("model",))
_MODEL_FLAGS = ("nf", "g_dim", "z_dim", "rnn_size", "predictor_layers", "latent_rnn_size", "n_past", "n_future",
                "motion_layers", "keypoints", "posterior_change")
MODEL_OPTIONS = Options(SVGConfig, {**{name: dict(help="network size") for name in _MODEL_FLAGS},
                                    "motion_layers": dict(help="shifted copies of the last context frame the "
                                                               "decoder may compose into each prediction "
                                                               "(0: it draws every pixel)"),
                                    "keypoints": dict(help="learned keypoints whose (x, y) end each frame's "
                                                           "code, so the posterior can see where things went "
                                                           "(0: none)"),
                                    "posterior_change": dict(help="the posterior also reads this gain times the "
                                                                  "change of the frame's code since the last "
                                                                  "frame (0: the code only)")},
                        only=_MODEL_FLAGS, prefix="model.")
