"""Reference solutions for the MP: ``MyLinear``, ``MyLSTMCell`` and ``LSTM``.

These are the model answers students re-implement in the MoCoGAN assignment,
and the motion network R_M of the pretrained MoCoGAN is exactly ``LSTM``, so
a student's class loads its state dict. Keep the API (names, members,
argument order) identical to ../shared/DESIGN.md: the grading checks and the
shipped weights depend on it.

Shapes use B = batch, I = input size, H = hidden size, O = output size.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["MyLinear", "MyLSTMCell", "LSTM"]


def _check_features(name: str, tensor, size: int, where: str) -> None:
    """Raise a student-readable error unless ``tensor`` is (B, size)."""
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"{where}: `{name}` must be a torch.Tensor of shape (batch, {size}), "
                        f"got {type(tensor).__name__}")
    if tensor.dim() != 2 or tensor.shape[1] != size:
        raise ValueError(f"{where}: `{name}` must have shape (batch, {size}), "
                         f"got {tuple(tensor.shape)}")


class MyLinear(nn.Module):
    """An affine map y = x W^T + b, the same computation as ``torch.nn.Linear``.

    Parameters:
        weight: (O, I), one row per output feature.
        bias:   (O,)
    """

    def __init__(self, input_size: int, output_size: int):
        super().__init__()
        self.input_size = input_size
        self.output_size = output_size
        self.weight = nn.Parameter(torch.empty(output_size, input_size))
        self.bias = nn.Parameter(torch.empty(output_size))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # torch.nn.Linear's default: U(-1/sqrt(I), 1/sqrt(I)) for weight and bias.
        bound = 1.0 / math.sqrt(self.input_size) if self.input_size > 0 else 0.0
        nn.init.uniform_(self.weight, -bound, bound)
        nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """inputs (..., I) -> outputs (..., O)."""
        if not isinstance(inputs, torch.Tensor) or inputs.dim() == 0 \
                or inputs.shape[-1] != self.input_size:
            got = tuple(inputs.shape) if isinstance(inputs, torch.Tensor) else type(inputs).__name__
            raise ValueError(f"MyLinear.forward: `inputs` must have last dimension "
                             f"input_size={self.input_size}, got {got}")
        return inputs @ self.weight.T + self.bias

    def extra_repr(self) -> str:
        return f"input_size={self.input_size}, output_size={self.output_size}"


class MyLSTMCell(nn.Module):
    """One LSTM step, the same computation as ``torch.nn.LSTMCell``.

    The four gates are computed by one matrix product per input, stacked in
    torch's order: input i, forget f, cell candidate g, output o::

        [i|f|g|o] = x W_ih^T + b_ih + h W_hh^T + b_hh      (B, 4H)
        c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
        h' = sigmoid(o) * tanh(c')

    Parameters:
        weight_ih: (4H, I)   bias_ih: (4H,)
        weight_hh: (4H, H)   bias_hh: (4H,)
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden_size, input_size))
        self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden_size, hidden_size))
        self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # torch.nn.LSTMCell's default: every parameter U(-1/sqrt(H), 1/sqrt(H)).
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def forward(self, x: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor]):
        """x (B, I), hx = (h (B, H), c (B, H)) -> (h_out (B, H), c_out (B, H))."""
        where = "MyLSTMCell.forward"
        if not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise TypeError(f"{where}: `hx` must be a tuple (h, c) of two (batch, "
                            f"{self.hidden_size}) tensors, got {type(hx).__name__}; "
                            f"call it as cell(x, (h, c)), not cell(x, h, c)")
        h, c = hx
        _check_features("x", x, self.input_size, where)
        _check_features("h", h, self.hidden_size, where)
        _check_features("c", c, self.hidden_size, where)
        if not (x.shape[0] == h.shape[0] == c.shape[0]):
            raise ValueError(f"{where}: x, h and c must share the batch size, got "
                             f"{x.shape[0]}, {h.shape[0]} and {c.shape[0]}")
        gates = torch.addmm(self.bias_ih, x, self.weight_ih.T) \
            + torch.addmm(self.bias_hh, h, self.weight_hh.T)
        i, f, g, o = gates.chunk(4, dim=1)
        c_out = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h_out = torch.sigmoid(o) * torch.tanh(c_out)
        return h_out, c_out

    def extra_repr(self) -> str:
        return f"input_size={self.input_size}, hidden_size={self.hidden_size}"


class LSTM(nn.Module):
    """MoCoGAN's motion network R_M: an LSTM cell unrolled for ``n_frames`` steps.

    The same input (the motion noise, plus an action code in conditional
    models) is fed at every step; each hidden state is mapped back to the
    input size by ``linear`` and normalised per frame by ``bn`` (batch norm
    without learned scale or shift), giving one motion code per frame.

    Members: ``lstm`` (MyLSTMCell I->H), ``linear`` (MyLinear H->I),
    ``bn`` (BatchNorm1d(I, affine=False)), ``hidden_size``; the recurrent
    state lives in ``self.h`` and ``self.c`` (B, H), set by ``initHidden``.
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.lstm = MyLSTMCell(input_size, hidden_size)
        self.linear = MyLinear(hidden_size, input_size)
        self.bn = nn.BatchNorm1d(input_size, affine=False)
        self.h = None
        self.c = None

    def initWeight(self, init_forget_bias: float = 1) -> None:  # noqa: N802 (MP API)
        """Xavier-uniform weights; zero biases except the forget-gate slice.

        The forget slice [H:2H] of both ``bias_ih`` and ``bias_hh`` is set to
        ``init_forget_bias`` so that the cell starts out remembering.
        """
        H = self.hidden_size
        with torch.no_grad():
            for weight in (self.lstm.weight_ih, self.lstm.weight_hh, self.linear.weight):
                nn.init.xavier_uniform_(weight)
            for bias in (self.lstm.bias_ih, self.lstm.bias_hh):
                bias.zero_()
                bias[H:2 * H] = init_forget_bias
            self.linear.bias.zero_()

    def initHidden(self, batch_size: int) -> None:  # noqa: N802 (MP API)
        """Reset the recurrent state to zeros of shape (batch_size, H)."""
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"LSTM.initHidden: `batch_size` must be a positive int, "
                             f"got {batch_size!r}")
        weight = self.lstm.weight_hh
        self.h = torch.zeros(batch_size, self.hidden_size, dtype=weight.dtype, device=weight.device)
        self.c = torch.zeros_like(self.h)

    def forward(self, inputs: torch.Tensor, n_frames: int) -> torch.Tensor:
        """inputs (B, I) -> motion codes (n_frames, B, I).

        Uses and updates ``self.h``/``self.c``: call ``initHidden(B)`` first.
        """
        where = "LSTM.forward"
        _check_features("inputs", inputs, self.input_size, where)
        if not isinstance(n_frames, int) or isinstance(n_frames, bool) or n_frames < 1:
            raise ValueError(f"{where}: `n_frames` must be a positive int, got {n_frames!r}")
        if self.h is None or self.c is None:
            raise RuntimeError(f"{where}: the hidden state is not set; call "
                               f"initHidden({inputs.shape[0]}) before forward")
        outputs = []
        for _ in range(n_frames):
            self.h, self.c = self.lstm(inputs, (self.h, self.c))
            outputs.append(self.bn(self.linear(self.h)))
        return torch.stack(outputs)

    def extra_repr(self) -> str:
        return f"input_size={self.input_size}, hidden_size={self.hidden_size}"
