"""What a recurrent cell holds over time: its h and c, step by step, as two heatmaps.

It only calls the cell (``cell(x, (h, c))`` returns the new pair), so it can show
a student's own MyLSTMCell without knowing how the cell computes its gates.
"""

from __future__ import annotations

import torch
from matplotlib.figure import Figure

from .figures import Picture


@torch.no_grad()
def cell_states(cell, inputs: torch.Tensor, n_steps: int, hidden_size: int):
    """(h, c) after each of ``n_steps`` steps from zero state, the same ``inputs`` (1, I) each step."""
    if inputs.ndim != 2 or inputs.shape[0] != 1:
        raise ValueError(f"cell_states: `inputs` must have shape (1, input_size), got {tuple(inputs.shape)}")
    h = torch.zeros(1, hidden_size, dtype=inputs.dtype)
    c = torch.zeros_like(h)
    hs, cs = [], []
    for _ in range(n_steps):
        h, c = cell(inputs, (h, c))
        hs.append(h[0].detach().float().cpu())
        cs.append(c[0].detach().float().cpu())
    return torch.stack(hs, 1), torch.stack(cs, 1)  # (H, n_steps) each


def cell_states_figure(cell, inputs: torch.Tensor, n_steps: int, hidden_size: int,
                       n_units: int = 24, title: str = "your cell") -> Picture:
    """Heatmaps of h and c (the ``n_units`` units that change most) over ``n_steps`` steps."""
    hs, cs = cell_states(cell, inputs, n_steps, hidden_size)
    units = torch.argsort(cs.std(1), descending=True)[:n_units]
    fig = Figure(figsize=(9, 3.2))
    for ax, values, name, note in zip(fig.subplots(1, 2), (hs, cs), ("h", "c"),
                                      ("in (-1, 1): what the cell shows", "unbounded: its memory")):
        v = values[units].numpy()
        lim = max(float(abs(v).max()), 1e-6)
        image = ax.imshow(v, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set(title=f"{name}_t, {note}", xlabel="frame t", ylabel="unit (most active first)")
        ax.set_yticks([])
        fig.colorbar(image, ax=ax, fraction=0.05)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return Picture(fig, f"{title}: h and c over {n_steps} frames")
