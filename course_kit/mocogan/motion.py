"""R_M, the motion network of the shipped MoCoGANs, built from torch's own layers.

Students write this network themselves (``LSTM`` from ``MyLinear`` and
``MyLSTMCell``), so the student package must not carry their answer: here
``torch.nn.LSTMCell`` and ``torch.nn.Linear`` do the work. They hold the same
parameters under the same names as the MP API (``lstm.weight_ih``,
``lstm.bias_ih``, ``lstm.weight_hh``, ``lstm.bias_hh``, ``linear.weight``,
``linear.bias``, ``bn``'s running statistics), so a student's ``LSTM`` loads
this network's state dict unchanged and computes the same motion codes.
Initial values are drawn in the MP's order, so a seeded training run starts
from the same weights whichever class it uses.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["MotionLSTM"]


class MotionLSTM(nn.Module):
    """An LSTM cell unrolled for ``n_frames`` steps on one repeated input, mapped back and normalised.

    Members and methods follow the MP API (``lstm``, ``linear``, ``bn``,
    ``hidden_size``, ``initWeight``, ``initHidden``, ``forward(inputs, n_frames)``);
    the recurrent state lives in ``self.h``/``self.c`` (B, H).
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        # skip_init: no draws here, so the draws below are the only ones (the MP's order and bounds).
        self.lstm = nn.utils.skip_init(nn.LSTMCell, input_size, hidden_size)
        self.linear = nn.utils.skip_init(nn.Linear, hidden_size, input_size)
        self.bn = nn.BatchNorm1d(num_features=input_size, affine=False)
        with torch.no_grad():
            for params, fan in (((self.lstm.weight_ih, self.lstm.bias_ih, self.lstm.weight_hh,
                                  self.lstm.bias_hh), hidden_size),
                                ((self.linear.weight, self.linear.bias), hidden_size)):
                bound = 1.0 / math.sqrt(fan) if fan > 0 else 0.0
                for tensor in params:
                    nn.init.uniform_(tensor, -bound, bound)
        self.h = None
        self.c = None

    def initWeight(self, init_forget_bias: float = 1) -> None:  # noqa: N802 (MP API)
        """The MP's starting point for a new model: Xavier-uniform weights, only the forget gates biased."""
        with torch.no_grad():
            for matrix in (self.lstm.weight_ih, self.lstm.weight_hh, self.linear.weight):
                nn.init.xavier_uniform_(matrix)   # this order: the same draws as the MP's LSTM
            per_gate = torch.tensor([0.0, float(init_forget_bias), 0.0, 0.0])  # input, forget, cell, output
            gate_bias = per_gate.repeat_interleave(self.hidden_size)
            self.lstm.bias_ih.copy_(gate_bias)
            self.lstm.bias_hh.copy_(gate_bias)
            nn.init.zeros_(self.linear.bias)

    def initHidden(self, batch_size: int) -> None:  # noqa: N802 (MP API)
        """Zero recurrent state of shape (batch_size, H), on the weights' device."""
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"MotionLSTM.initHidden: `batch_size` must be a positive int, "
                             f"got {batch_size!r}")
        self.h = self.lstm.weight_hh.new_zeros(batch_size, self.hidden_size)
        self.c = self.h.clone()

    def forward(self, inputs: torch.Tensor, n_frames: int) -> torch.Tensor:
        """inputs (B, I) -> motion codes (n_frames, B, I); call ``initHidden(B)`` first."""
        where = "MotionLSTM.forward"
        if not isinstance(inputs, torch.Tensor) or inputs.dim() != 2 or inputs.shape[1] != self.input_size:
            got = tuple(inputs.shape) if isinstance(inputs, torch.Tensor) else type(inputs).__name__
            raise ValueError(f"{where}: `inputs` must have shape (batch, {self.input_size}), got {got}")
        if not isinstance(n_frames, int) or isinstance(n_frames, bool) or n_frames < 1:
            raise ValueError(f"{where}: `n_frames` must be a positive int, got {n_frames!r}")
        if self.h is None or self.c is None:
            raise RuntimeError(f"{where}: the hidden state is not set; call "
                               f"initHidden({inputs.shape[0]}) before forward")
        state, codes = (self.h, self.c), []
        for _ in range(n_frames):
            state = self.lstm(inputs, state)
            codes.append(self.bn(self.linear(state[0])))  # per step: batch norm's statistics are per frame
        self.h, self.c = state
        return torch.stack(codes)

    def extra_repr(self) -> str:
        return f"input_size={self.input_size}, hidden_size={self.hidden_size}"
