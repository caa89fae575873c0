"""Benchmark: the reference MyLSTMCell and LSTM against torch.nn.LSTMCell.

Both sides are driven the same way (an unrolled loop over time steps,
forward then backward), at the motion network's real sizes, so the ratio is
what a student's model answer costs inside MoCoGAN training.
"""

from __future__ import annotations

import torch
from torch import nn

from ..assignments.mocogan.layers import LSTM, MyLSTMCell
from .timing import median_seconds


def _unroll(cell, x, h, c, steps):
    outs = []
    for _ in range(steps):
        h, c = cell(x, (h, c))
        outs.append(h)
    return torch.stack(outs)


def _torch_lstm_network(input_size: int, hidden_size: int):
    """The MP LSTM built from torch.nn parts, to time against ours."""
    cell = nn.LSTMCell(input_size, hidden_size)
    linear = nn.Linear(hidden_size, input_size)
    bn = nn.BatchNorm1d(input_size, affine=False)

    def forward(x, steps):
        h = x.new_zeros(x.shape[0], hidden_size)
        c = torch.zeros_like(h)
        outs = []
        for _ in range(steps):
            h, c = cell(x, (h, c))
            outs.append(bn(linear(h)))
        return torch.stack(outs)

    return forward, [*cell.parameters(), *linear.parameters()]


def run(input_size: int = 10, hidden_size: int = 100, batch: int = 16, steps: int = 16,
        iters: int = 20, repeats: int = 7, seed: int = 0) -> dict[str, float]:
    """Time forward+backward for ``iters`` unrolls; returns seconds and ratios."""
    torch.manual_seed(seed)
    x = torch.randn(batch, input_size)
    h0 = torch.zeros(batch, hidden_size)
    ours, theirs = MyLSTMCell(input_size, hidden_size), nn.LSTMCell(input_size, hidden_size)
    ours_net = LSTM(input_size, hidden_size)
    ours_net.initWeight()
    theirs_net, _ = _torch_lstm_network(input_size, hidden_size)

    def cell_step(cell):
        def go():
            for _ in range(iters):
                _unroll(cell, x, h0, h0, steps).sum().backward()
        return go

    def ours_network():
        for _ in range(iters):
            ours_net.initHidden(batch)
            ours_net(x, steps).square().sum().backward()

    def theirs_network():
        for _ in range(iters):
            theirs_net(x, steps).square().sum().backward()

    t = median_seconds({"MyLSTMCell": cell_step(ours), "nn.LSTMCell": cell_step(theirs),
                        "LSTM": ours_network, "nn.LSTMCell network": theirs_network},
                       repeats=repeats)
    return {**{f"seconds {k}": v for k, v in t.items()},
            "ratio cell": t["MyLSTMCell"] / t["nn.LSTMCell"],
            "ratio network": t["LSTM"] / t["nn.LSTMCell network"]}


def report(results: dict[str, float], **sizes) -> str:
    lines = [f"forward+backward, CPU, {torch.get_num_threads()} threads, "
             + ", ".join(f"{k}={v}" for k, v in sizes.items())]
    for k, v in results.items():
        lines.append(f"  {k:<32} {v:.4f}")
    lines.append(f"MyLSTMCell / nn.LSTMCell = {results['ratio cell']:.2f}x "
                 f"(target <= 1.5x)")
    lines.append(f"LSTM / same network on nn.LSTMCell = {results['ratio network']:.2f}x "
                 f"(target <= 1.5x)")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """`course-kit bench layers [--repeats N]`."""
    import argparse
    parser = argparse.ArgumentParser(prog="course-kit bench layers", description=__doc__)
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats (median is printed)")
    args = parser.parse_args(argv)
    sizes = dict(input_size=10, hidden_size=100, batch=16, steps=16)
    print(report(run(**sizes, repeats=args.repeats), **sizes))
    return 0
