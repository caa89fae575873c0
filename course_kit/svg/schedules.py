"""Training schedules: KL annealing (beta) and the teacher-forcing ratio.

Reference solutions for the SVG assignment; pure functions of the step or
epoch, so a resumed run follows the same schedule as an uninterrupted one.
"""

from __future__ import annotations

__all__ = ["kl_beta", "teacher_forcing_ratio", "KL_SCHEDULES"]

KL_SCHEDULES = ("constant", "monotonic", "cyclical")


def kl_beta(step: int, schedule: str = "monotonic", beta_max: float = 1e-4, total_steps: int = 10_000,
            n_cycles: int = 4, ratio: float = 0.5) -> float:
    """The weight beta of the KL term at training ``step`` (0-based), never above ``beta_max``.

    - "constant":  beta_max from the first step (the original SVG recipe).
    - "monotonic": rises linearly from 0 to beta_max over the first
      ``ratio * total_steps`` steps, then holds.
    - "cyclical" (Fu et al. 2019): ``total_steps`` is cut into ``n_cycles``
      equal cycles; in each, beta rises linearly from 0 over the first
      ``ratio`` of the cycle, then holds at beta_max; after ``total_steps``
      it stays at beta_max.
    """
    if schedule not in KL_SCHEDULES:
        raise ValueError(f"kl_beta: `schedule` must be one of {KL_SCHEDULES}, got {schedule!r}")
    if step < 0:
        raise ValueError(f"kl_beta: `step` must be >= 0, got {step}")
    if beta_max < 0:
        raise ValueError(f"kl_beta: `beta_max` must be >= 0, got {beta_max}")
    if total_steps < 1 or not 0 < ratio <= 1:
        raise ValueError(f"kl_beta: need `total_steps` >= 1 and 0 < `ratio` <= 1, got {total_steps} and {ratio}")
    if schedule == "constant":
        return float(beta_max)
    if schedule == "monotonic":
        period = total_steps
    else:
        if n_cycles < 1:
            raise ValueError(f"kl_beta: `n_cycles` must be >= 1, got {n_cycles}")
        period = total_steps / n_cycles
    if step >= total_steps:
        return float(beta_max)
    phase = (step % period) / period if schedule == "cyclical" else step / period
    return float(beta_max * min(1.0, phase / ratio))


def teacher_forcing_ratio(epoch: int, start_epoch: int = 0, decay_step: int = 1, decay_rate: float = 0.1,
                          lower_bound: float = 0.0) -> float:
    """Probability of feeding the ground-truth previous frame (not the model's own) in ``epoch``.

    1.0 before ``start_epoch``; from then on it drops by ``decay_rate`` every
    ``decay_step`` epochs (the first drop at ``start_epoch``), never below
    ``lower_bound``:  max(lower_bound, 1 - decay_rate * (1 + (epoch - start_epoch) // decay_step)).
    """
    if epoch < 0 or start_epoch < 0:
        raise ValueError(f"teacher_forcing_ratio: `epoch` and `start_epoch` must be >= 0, got {epoch} and {start_epoch}")
    if decay_step < 1:
        raise ValueError(f"teacher_forcing_ratio: `decay_step` must be >= 1, got {decay_step}")
    if not 0 <= lower_bound <= 1 or decay_rate < 0:
        raise ValueError(f"teacher_forcing_ratio: need 0 <= `lower_bound` <= 1 and `decay_rate` >= 0, "
                         f"got {lower_bound} and {decay_rate}")
    if epoch < start_epoch:
        return 1.0
    drops = 1 + (epoch - start_epoch) // decay_step
    return float(max(lower_bound, 1.0 - decay_rate * drops))
