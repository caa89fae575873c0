"""Videos from every shipped MoCoGAN, as GIF grids and as an HTML page that plays without a kernel.

The page is a short notebook executed in a real kernel (so it shows what a
lecture notebook shows: a ``VideoGrid`` per model) and exported with
:func:`course_kit.widgets.export_html`, whose animated fallbacks play in any
browser, offline, with no script.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..media import tile_videos, write_video
from ..pretrained import PRETRAINED_DIR, available, load_pretrained


def shipped_videos(name: str, seed: int = 0, per_action: int = 4, n_frames: int = 16,
                   directory: str | Path = PRETRAINED_DIR) -> tuple[np.ndarray, list[str]]:
    """(videos (N, T, H, W, 3) uint8, titles): ``per_action`` per action, or 8 if unconditional.

    Content seeds are ``seed, seed+1, ...`` and motion seeds follow them, so a
    seed gives the same videos in the GIF and on the page.
    """
    model = load_pretrained(name, device="cpu", directory=directory)
    if not model.actions:
        return np.asarray(model.sample(8, n_frames=n_frames, seed=seed)), [f"seed {seed}"] * 8
    actions = [a for a in model.actions for _ in range(per_action)]
    n = len(actions)
    videos = model.generate(list(range(seed, seed + n)), list(range(seed + n, seed + 2 * n)),
                            action=actions, n_frames=n_frames)
    return np.asarray(videos), actions


def sample_shipped_models(out: Path, seed: int = 0, per_action: int = 4, n_frames: int = 16,
                          directory: str | Path = PRETRAINED_DIR) -> dict[str, Path]:
    """One GIF grid per shipped MoCoGAN: a row per action (or 8 videos if unconditional)."""
    written = {}
    for name in available("mocogan", directory):
        videos, titles = shipped_videos(name, seed, per_action, n_frames, directory)
        columns = per_action if len(set(titles)) > 1 else 4
        written[f"videos from {name} (GIF)"] = write_video(Path(out) / f"{name}.gif",
                                                           tile_videos(videos, columns=columns), fps=8)
    return written


def videos_notebook(names: list[str], seed: int = 0):
    """A notebook with one ``VideoGrid`` per model (nbformat node, not executed)."""
    import nbformat

    v4 = nbformat.v4
    cells = [v4.new_markdown_cell(
                 "# Videos from the shipped MoCoGANs\n\nOne row per action; each video is a fresh "
                 "content and motion seed. Exported with `course_kit.widgets.export_html`, so the "
                 "videos play here without a kernel."),
             v4.new_code_cell("from course_kit.demo.videos import shipped_videos\n"
                              "from course_kit.widgets import VideoGrid")]
    for name in names:
        cells.append(v4.new_markdown_cell(f"## `{name}`"))
        cells.append(v4.new_code_cell(f"videos, titles = shipped_videos({name!r}, seed={seed})\n"
                                      f"VideoGrid(videos, titles=titles, columns=4)"))
    return v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})


def videos_page(out: Path, seed: int = 0, timeout: int = 600) -> dict[str, Path]:
    """Execute :func:`videos_notebook` in a kernel, save it, export it to kernel-less HTML."""
    import nbformat
    from nbclient import NotebookClient

    from ..widgets import export_html

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    nb = videos_notebook(available("mocogan"), seed)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(out)}}).execute()
    notebook = out / "videos.ipynb"
    nbformat.write(nb, notebook)
    return {"videos notebook (executed)": notebook,
            "videos page (HTML, plays without a kernel)": export_html(notebook, out / "videos.html")}
