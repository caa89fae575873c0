"""The student side: it never imports the instructor side, and no answer reaches students."""

import nbformat
import pytest

from course_kit.course import publish as pub

from student_repo import ROOT, build_wheel, released_copy, unpack


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("published")
    target = tmp / "student-repository"
    pub.publish(released_copy(tmp / "course", target.as_uri()), target)
    return target


@pytest.fixture(scope="module")
def wheel_tree(published, tmp_path_factory):
    wheel = build_wheel(published, tmp_path_factory.mktemp("wheel"))
    return unpack(wheel, tmp_path_factory.mktemp("unpacked"))


@pytest.fixture(scope="module")
def answers():
    return pub.answer_lines(ROOT)


def test_the_student_side_never_imports_the_instructor_side():
    assert pub.instructor_imports(pub.PACKAGE_DIR) == {}
    for module in pub.STUDENT_MODULES:
        assert pub.module_path(pub.PACKAGE_DIR, module).is_file(), f"{module} is listed but missing"
    for path in pub.colab_notebooks(ROOT):
        outside = {m for m in pub.notebook_imports(nbformat.read(path, as_version=4))
                   if pub.is_module(pub.PACKAGE_DIR, m) and m not in pub.STUDENT_MODULES}
        assert not outside, f"{path.relative_to(ROOT)} imports {outside}, which students do not get"


def test_the_import_graph_sees_every_kind_of_import(tmp_path):
    """Relative, absolute, lazy and by-name imports of the instructor side all count."""
    (tmp_path / "instructor").mkdir()
    (tmp_path / "instructor" / "layers.py").write_text("")
    (tmp_path / "__init__.py").write_text("")
    module = tmp_path / "model.py"
    for line in ("from .assignments.mocogan import layers", "import course_kit.assignments.mocogan.layers",
                 "def f():\n    from .assignments.mocogan.layers import LSTM",
                 "LOADERS = {'x': 'course_kit.assignments.mocogan.layers:load'}"):
        module.write_text(line + "\n")
        assert "course_kit.assignments.mocogan.layers" in pub.kit_imports(module, "course_kit.model"), line


def test_answers_cover_every_graded_function(answers):
    """The lines the leak checks look for include each graded function's substance."""
    for line in ("i, f, g, o = gates.chunk(4, dim=1)", "return inputs @ self.weight.T + self.bias",
                 "self.lstm = MyLSTMCell(input_size, hidden_size)", "bias[H:2 * H] = init_forget_bias",
                 "return mu + torch.exp(0.5 * logvar) * eps", "return 0.5 * per_dim.sum(dim=-1)",
                 "drops = 1 + (epoch - start_epoch) // decay_step"):
        assert line in answers, line
    hidden = [line for line in answers if "hidden test" in line]
    assert len(hidden) > 5, "the hidden tests' lines count as answers too"


def test_no_answer_in_the_published_tree(published, answers):
    assert pub.find_answers(published, answers) == {}


def test_no_answer_in_the_student_wheel(wheel_tree, answers):
    files = {p.relative_to(wheel_tree).as_posix() for p in wheel_tree.rglob("*") if p.is_file()}
    assert "course_kit/mocogan/motion.py" in files and "course_kit/widgets/player.js" in files
    assert not [f for f in files if f.startswith(("course_kit/assignments/mocogan", "course_kit/course/"))]
    assert pub.find_answers(wheel_tree, answers) == {}


def test_the_leak_check_finds_answers_where_they_would_be(published, answers, tmp_path):
    """It can fail: a reference file, or one solution line in a notebook output, is found."""
    import shutil
    tree = tmp_path / "tree"
    shutil.copytree(published, tree)
    shutil.copy(pub.PACKAGE_DIR / "assignments" / "mocogan" / "layers.py", tree / "course_kit" / "layers.py")
    path = tree / "release" / "svg" / "svg.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="    drops = 1 + (epoch - start_epoch) // decay_step\n")]
    nbformat.write(nb, path)
    found = pub.find_answers(tree, answers)
    assert set(found) == {"course_kit/layers.py", "release/svg/svg.ipynb"}
    assert found["release/svg/svg.ipynb"] == ["drops = 1 + (epoch - start_epoch) // decay_step"]
