"""The notebook's payoff helper skips cleanly while grading and when the model is missing."""

import course_kit
from course_kit.assignments.mocogan import layers
from course_kit import student


def test_skips_while_grading(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert student.mocogan_with_student_lstm(layers.LSTM) is None
    out = capsys.readouterr()
    assert "Skipped while grading" in out.out and out.err == ""


def test_skips_when_the_model_is_not_installed(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    def missing(name, device=None):
        raise FileNotFoundError(f"no weights for {name}")
    monkeypatch.setattr(course_kit, "load_pretrained", missing)
    assert student.mocogan_with_student_lstm(layers.LSTM) is None
    out = capsys.readouterr()
    assert "not available" in out.out and out.err == ""


def test_unfinished_student_lstm_gets_a_hint(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    class Model:
        motion = layers.LSTM(10, 20)

        def with_motion(self, lstm):
            raise NotImplementedError()
    monkeypatch.setattr(course_kit, "load_pretrained", lambda name, device=None: Model())

    class Unfinished(layers.LSTM):
        pass
    assert student.mocogan_with_student_lstm(Unfinished) is None
    assert "Finish parts 2, 3 and 5" in capsys.readouterr().out


def test_student_lstm_drives_a_real_mocogan(monkeypatch, capsys):
    """The payoff against the real MoCoGAN API (a small untrained model stands in for the weights)."""
    import torch
    from course_kit.mocogan.model import MoCoGAN, MoCoGANConfig
    from test_assignment import SOURCE, solution_namespace
    import nbformat

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    torch.manual_seed(0)
    model = MoCoGAN(MoCoGANConfig(image_size=64, d_content=4, d_motion=3, motion_hidden=5,
                                  action_names=["walk", "wave"], ngf=4, ndf=4)).eval()
    monkeypatch.setattr(course_kit, "load_pretrained", lambda name, device=None: model)
    ns = solution_namespace(nbformat.read(SOURCE, as_version=4))
    mine = student.mocogan_with_student_lstm(ns["LSTM"], ns["MyLinear"], ns["MyLSTMCell"])
    assert type(mine.motion).__name__ == "LSTM" and mine.motion is not model.motion
    videos = mine.sample(2, n_frames=4, seed=0)
    assert videos.shape == (2, 4, 64, 64, 3) and videos.dtype == torch.uint8
    # The student's network gives the very videos the kit's own R_M gives.
    assert torch.equal(videos, model.sample(2, n_frames=4, seed=0))
    assert mine.generate([0, 0], [1, 2], action="wave", n_frames=4).shape == (2, 4, 64, 64, 3)
    assert "your LSTM" in capsys.readouterr().out
