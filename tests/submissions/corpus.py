"""The grading corpus: every submission the autograder must survive, each with its exact grade.

The reference and typical mistakes come from :mod:`course_kit.assignments.mocogan.examples`;
the hostile and broken ones are here. ``expected_scores(student)`` gives the
exact autograded score of every test (10 points each), ``expected_status``
the status the grades CSV must show.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from course_kit.assignments.mocogan.examples import ALL, TESTS, TYPICAL, reference, wrong_gate_order
from course_kit.course.examples import Builder, canvas_name


def infinite_loop():
    return Builder().solve().edit("LSTM", "        outputs = []\n        for _ in range(n_frames):",
                                  "        while True:\n            pass\n        outputs = []\n        for _ in range(n_frames):")


def os_exit():
    return Builder().solve().edit("MyLSTMCell", "        h, c = hx\n",
                                  "        import os\n        os._exit(3)\n        h, c = hx\n")


def segfault():
    return Builder().solve().edit("LSTM", "        weight = self.lstm.weight_hh\n",
                                  "        import ctypes\n        ctypes.string_at(0)\n"
                                  "        weight = self.lstm.weight_hh\n")


def memory_bomb():
    # Bounded: stops by itself at 6 GB; the kernel's memory cap (below that) stops it first.
    return Builder().solve().edit(
        "MyLinear", "        return inputs @ self.weight.T + self.bias",
        "        hoard = []\n        for _ in range(24):\n"
        "            hoard.append(torch.ones(64 * 1024 * 1024))  # 256 MB each, touched\n"
        "        return inputs @ self.weight.T + self.bias")


def deleted_tests():
    return Builder().solve().delete("test_linear_forward", "test_lstm_initweight", "test_lstm_inithidden")


def edited_tests():
    b = wrong_gate_order()
    b.cell("test_lstmcell_forward").source = 'print("MyLSTMCell.forward: all good")'
    b.cell("test_lstm_forward").source = 'pass'
    return b


def monkeypatch_checks():
    return Builder().add_after("load_tests", """
import course_kit.checks as ck
for name in dir(ck):
    if name.startswith(("check_", "hidden_check", "verify_", "_expect", "_hidden")):
        setattr(ck, name, lambda *args, **kwargs: "PASS")
ck.load_fresh = lambda: ck
""")


def monkeypatch_torch():
    # Wrong gate order, and torch patched so that the visible checks see no error at all.
    return wrong_gate_order().add_after("load_tests", """
import builtins, torch
class _Zero:
    def __call__(self, *a, **k): return torch.zeros(())
torch.Tensor.sum = lambda self, *a, **k: torch.zeros(())
torch.Tensor.__sub__ = lambda self, other: torch.zeros_like(self)
torch.allclose = lambda *a, **k: True
builtins.abs = lambda x: 0.0
""")


def imports_reference():
    b = Builder()
    for gid, cls in (("MyLinear", "MyLinear"), ("MyLSTMCell", "MyLSTMCell"), ("LSTM", "LSTM")):
        b.cell(gid).source = f"from course_kit.assignments.mocogan.layers import {cls}"
    return b


def warnings_on_stderr():
    return (Builder().solve()
            .edit("MyLSTMCell", "        self.input_size = input_size\n",
                  "        import warnings\n        warnings.warn('MyLSTMCell: a harmless warning')\n"
                  "        self.input_size = input_size\n")
            .edit("MyLinear", "        return inputs @ self.weight.T + self.bias",
                  "        import sys\n        print('UserWarning: printed to stderr in forward', file=sys.stderr)\n"
                  "        return inputs @ self.weight.T + self.bias")
            .add_after("MyLinear", "import sys, warnings\n"
                       "warnings.warn('a UserWarning from a student cell', DeprecationWarning)\n"
                       "print('UserWarning: printed by hand', file=sys.stderr)"))


def stderr_debug_print():
    # Correct, with a debug line on stderr from inside a graded method: full marks.
    return Builder().solve().edit(
        "MyLinear", "        return inputs @ self.weight.T + self.bias",
        "        import sys\n        print('debug: MyLinear.forward got', tuple(inputs.shape), file=sys.stderr)\n"
        "        return inputs @ self.weight.T + self.bias")


def logging_calls():
    # Correct, logging from graded methods (Python's logging writes to stderr): full marks.
    return (Builder().solve()
            .edit("MyLSTMCell", "        h, c = hx\n",
                  "        import logging\n        logging.getLogger('student').warning('cell step %s', tuple(x.shape))\n"
                  "        h, c = hx\n")
            .add_after("MyLinear", "import logging\nlogging.basicConfig(level=logging.INFO)\n"
                       "logging.info('MyLinear defined')"))


def tqdm_bar():
    # Correct, with a tqdm progress bar over the frames (tqdm draws on stderr): full marks.
    return Builder().solve().edit("LSTM", "        for _ in range(n_frames):",
                                  "        from tqdm import tqdm\n"
                                  "        for _ in tqdm(range(n_frames), desc='frames'):")


COLAB_WIDGET_URL = ("https://ssl.gstatic.com/colaboratory-static/widgets/colab-cdn-widget-manager/"
                    "2b70e893a8ba7c0f/manager.min.js")


class ColabSaved:
    """The reference as Colab saves it: its cell and notebook metadata, widget outputs with
    Colab's widget-manager metadata, and ``metadata.widgets`` without a ``state`` key (which
    nbconvert's HTML exporter has been reported to fail on, colabtools #5255)."""

    # A student's own figure, shown with display(): a display output in the graded notebook is
    # what makes nbconvert read metadata.widgets (and fail on Colab's, which has no `state`).
    FIGURE = ("from IPython.display import Image, display\nimport base64\n"
              "display(Image(data=base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
              "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==')))")

    def __init__(self):
        self.builder = reference().add_after("MyLinear", self.FIGURE)

    def write(self, path: Path) -> Path:
        import nbformat
        path = self.builder.write(path)
        nb = nbformat.read(path, as_version=4)
        model = "6f1d0b9c3a2e4c1f9e8d7a6b5c4d3e2f"
        for k, cell in enumerate(nb.cells):
            cell.metadata["id"] = f"c{k:04d}colab"
            if cell.cell_type == "code":
                cell.metadata["colab"] = {"base_uri": "https://localhost:8080/", "height": 120}
                cell.metadata["outputId"] = f"{k:08x}-0000-4000-8000-000000000000"
        last_code = [c for c in nb.cells if c.cell_type == "code"
                     and not c.metadata.get("nbgrader", {}).get("grade")][-1]
        last_code.outputs = [nbformat.v4.new_output(
            "display_data",
            data={"application/vnd.jupyter.widget-view+json":
                  {"model_id": model, "version_major": 2, "version_minor": 0},
                  "text/plain": "VideoPlayer(frames=16)"},
            metadata={"application/vnd.jupyter.widget-view+json":
                      {"colab": {"custom_widget_manager": {"url": COLAB_WIDGET_URL}}}})]
        last_code.execution_count = 42
        nb.metadata = {
            "colab": {"provenance": [], "toc_visible": True, "gpuType": "T4"},
            "kernelspec": {"name": "python3", "display_name": "Python 3"},
            "language_info": {"name": "python"},
            "accelerator": "GPU",
            "widgets": {"application/vnd.jupyter.widget-state+json": {model: {
                "model_module": "anywidget", "model_name": "AnyModel",
                "model_module_version": "~0.9.*",
                "state": {"_view_name": "AnyView", "frames": 16}}}},
        }
        nbformat.write(nb, path)
        return path


def output_flood():
    # Gigabytes, bounded: 2000 x 1 MB lines; the per-cell timeout and output cap stop it first.
    return Builder().solve().add_after("MyLinear", "for _ in range(2000):\n    print('x' * 1_000_000)")


def memory_hog():
    # Fills the kernel's memory cap and keeps it: the MemoryError leaves a live kernel that can
    # no longer import anything (what a flood does when ipykernel buffers it on a busy machine).
    return Builder().solve().add_after("MyLinear", "hog = []\nwhile True:\n"
                                       "    hog.append(bytearray(2**20))")


SUBMISSIONS = {
    **TYPICAL,
    "infiniteloop": (infinite_loop, ALL - {"test_lstm_forward"}),
    "osexit": (os_exit, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "segfault": (segfault, ALL - {"test_lstm_inithidden"}),
    "memorybomb": (memory_bomb, ALL - {"test_linear_forward", "test_lstm_forward"}),
    "deletedtests": (deleted_tests, ALL),
    "editedtests": (edited_tests, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "patchchecks": (monkeypatch_checks, set()),
    "patchtorch": (monkeypatch_torch, set()),
    "importsref": (imports_reference, set()),
    "warnings": (warnings_on_stderr, ALL),
    "flood": (output_flood, ALL),
    "memoryhog": (memory_hog, ALL),
    "stderrprint": (stderr_debug_print, ALL),
    "logging": (logging_calls, ALL),
    "tqdm": (tqdm_bar, ALL),
    "colabsaved": (ColabSaved, ALL),
}
# Not notebooks, or not where they should be: graded 0 with a status saying why.
BROKEN = {"invalidjson": "invalid", "missing": "missing"}
MISNAMED = "misnamed"   # the reference, uploaded as "MoCoGAN final (1).ipynb": full marks


def expected_scores(student: str) -> dict[str, float]:
    passing = SUBMISSIONS[student][1] if student in SUBMISSIONS else (
        ALL if student == MISNAMED else set())
    return {t: (10.0 if t in passing else 0.0) for t in TESTS}


def expected_status(student: str) -> str:
    return BROKEN.get(student, "graded")


def write_corpus(folder: Path, names: list[str] | None = None) -> Path:
    """The corpus as an LMS download folder: Canvas-named files, plus one student folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, name in enumerate(names or SUBMISSIONS):
        SUBMISSIONS[name][0]().write(folder / canvas_name(name, k))
    if names is None:
        (folder / canvas_name("invalidjson", 90)).write_text('{"cells": [{"cell_type": "code", ')
        (folder / "missing").mkdir(exist_ok=True)
        (folder / "missing" / "notes.txt").write_text("I forgot to attach my notebook\n")
        reference().write(folder / canvas_name(MISNAMED, 91, "MoCoGAN final (1).ipynb"))
    return folder


def write_zip(folder: Path, zip_path: Path) -> Path:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return zip_path


if __name__ == "__main__":
    import sys
    out = write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus"))
    print(json.dumps({s: expected_scores(s) for s in [*SUBMISSIONS, *BROKEN, MISNAMED]}, indent=1))
    print(f"wrote {out}")
