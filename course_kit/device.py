"""Pick the compute device: CUDA when present, else CPU (never crash on CPU-only)."""

from __future__ import annotations

import torch

from .errors import CourseKitError


class DeviceUnavailable(CourseKitError, RuntimeError):
    """The device asked for is not on this machine."""


def pick_device(prefer: str | None = None) -> torch.device:
    """``prefer`` may be "cpu", "cuda" or None (CUDA if available)."""
    if prefer not in (None, "cpu", "cuda") and not str(prefer).startswith("cuda:"):
        raise ValueError(f"pick_device: `prefer` must be None, 'cpu' or 'cuda[:N]', got {prefer!r}")
    if prefer is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if str(prefer).startswith("cuda") and not torch.cuda.is_available():
        raise DeviceUnavailable(f"pick_device: {prefer!r} was asked for but this machine has no CUDA GPU; "
                                f"use 'cpu' or leave it unset")
    return torch.device(prefer)
