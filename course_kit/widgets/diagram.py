"""MoCoGAN's architecture, drawn by the kit (one source of truth for the names in the text).

The names are the notebook's: noise eps (and an action a) goes into R_M,
R_M's outputs are the motion codes z_M^(t), the content code z_C is drawn once
per video, G_I draws each frame, D_I judges frames and D_V clips.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .figures import Picture

COLOURS = {"noise": "#dbe9f6", "yours": "#ffe2b3", "net": "#e3e3e3", "judge": "#f6d5d5"}


def _box(ax, x, y, text, kind, w=1.0, h=0.55):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                fc=COLOURS[kind], ec="#444444", lw=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=8)


def _arrow(ax, a, b):
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=9, lw=0.9, color="#444444",
                                 shrinkA=0, shrinkB=0))


def mocogan_diagram(n_frames: int = 3) -> Picture:
    """The generator (R_M, G_I) and the two discriminators (D_I, D_V), for ``n_frames`` frames."""
    if not isinstance(n_frames, int) or not 2 <= n_frames <= 5:
        raise ValueError(f"mocogan_diagram: `n_frames` must be an int from 2 to 5, got {n_frames!r}")
    fig = Figure(figsize=(9, 4.2))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 11)
    ax.set_ylim(0.2, 5.0)
    ax.axis("off")
    _box(ax, 1.0, 2.0, "noise $\\epsilon$, one per\nvideo (+ action $a$)", "noise", w=1.5, h=0.8)
    _box(ax, 1.0, 4.4, "content code $z_C$\none per video", "noise", w=1.5, h=0.8)
    _box(ax, 2.9, 2.0, "$R_M$\n(your LSTM)", "yours", w=1.2, h=1.0)
    _arrow(ax, (1.75, 2.0), (2.3, 2.0))
    xs = [4.6 + 1.35 * k for k in range(n_frames)]
    for k, x in enumerate(xs):
        t = k + 1 if k < n_frames - 1 else "T"
        ax.text(x, 2.0, f"$z_M^{{({t})}}$", ha="center", va="center", fontsize=9)
        _arrow(ax, (3.5, 2.0 - 0.02 * k), (x - 0.3, 2.0)) if k == 0 else None
        _box(ax, x, 3.2, "$G_I$", "net", w=0.7, h=0.5)
        _arrow(ax, (x, 2.2), (x, 2.95))
        _arrow(ax, (x - 0.25, 4.4), (x - 0.15, 3.45))
        ax.text(x + 0.42, 3.55, f"frame {t}", ha="left", fontsize=7)
    ax.plot([1.75, xs[-1] - 0.25], [4.4, 4.4], color="#444444", lw=0.9)
    ax.text(xs[0] + 0.65, 1.55, "one motion code per frame, from R_M", ha="center", fontsize=7)
    for a, b in zip(xs[:-1], xs[1:]):
        ax.text((a + b) / 2, 2.0, "...", ha="center", va="center", fontsize=9) if n_frames > 3 and b == xs[-1] else None
    _box(ax, 9.9, 4.2, "$D_I$: is this\nframe real?", "judge", w=1.6, h=0.8)
    _box(ax, 9.9, 2.6, "$D_V$: is this\nclip real?", "judge", w=1.6, h=0.8)
    _arrow(ax, (xs[-1] + 0.4, 3.3), (9.1, 4.1))
    _arrow(ax, (xs[-1] + 0.4, 3.1), (9.1, 2.7))
    ax.text(9.9, 1.5, "$D_I$ sees one frame;\n$D_V$ sees the whole clip,\nso only it judges motion",
            ha="center", va="center", fontsize=7)
    ax.text(5.5, 0.6, "generator $G$ = ($R_M$, $G_I$); trained against $D_I$ and $D_V$ in turn",
            ha="center", fontsize=8)
    return Picture(fig, "MoCoGAN: R_M makes z_M^(t), G_I draws frames, D_I and D_V judge")
