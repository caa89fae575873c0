"""The one execute preprocessor of grading: nbgrader's Execute, made to survive a submission.

``nbgrader_config.py`` puts :class:`ResilientExecute` in autograde's
preprocessors, and :func:`course_kit.grading.config.configure` puts it in place
of nbgrader's plain ``Execute`` in any other course (``SandboxedExecute`` is its
other name), with the sandboxed kernel manager. nbgrader stops grading a
notebook when its kernel dies (``os._exit``, a segfault, the memory cap) and
keeps every byte a cell prints. Here instead:

- a cell that kills the kernel, runs past the timeout or ends in a
  MemoryError keeps an error output (so its test scores 0), a fresh kernel is
  started, the notebook's earlier non-test code cells are replayed silently to
  restore its definitions, and grading goes on with the next cell;
- a cell's output is capped at ``max_output_chars`` while it arrives, and the
  notebook's at ``Sandbox.max_output_mb`` (later outputs are dropped with one
  notice), so gigabytes of prints never reach memory or the feedback. The
  caps live here, in the grader's process, because anything inside the kernel
  is the student's to undo; errors are never dropped (nbgrader scores a test
  cell by them);
- until one notebook in this process has run its instructor cells cleanly, a
  kernel that cannot start, or an instructor cell failing on an import before
  any student code ran, is the set-up's fault: it raises
  :class:`~course_kit.grading.setup_error.GradingSetupError`, which stops the run
  and removes the submission it was grading from the gradebook, instead of
  giving the student 0 (and every later student too).
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.client import NotebookClient
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, Execute, LimitOutput
from nbgrader import utils
from traitlets import Integer, Type

from .kernel import GradingKernelManager, SubmissionRejected, submitted_modules
from .limits import MiB, Sandbox
from .preflight import PREFLIGHT_RESOURCE, GradingSetupError
from .scoring import SaveAutoGradesByAssertions

TIMEOUT_ENAME = "CellTimeoutError"
DIED_ENAME = "KernelDied"
NOTICE = "[course-kit sandbox: output over {mb:g} MiB per notebook dropped]\n"


def payload_bytes(msg: dict) -> int:
    """Roughly how many bytes an output message adds to the notebook."""
    content = msg.get("content", {})
    if msg.get("msg_type") == "stream":
        return len(content.get("text", ""))
    return len(json.dumps(content.get("data", content), default=str))


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


# A MemoryError leaves the kernel alive but often still full (the hog is still referenced,
# or ipykernel still buffers a flood of output), so every later cell would fail too: such a
# cell, like a timed-out one, ends its kernel.
KERNEL_ENDING_ENAMES = (TIMEOUT_ENAME, "MemoryError")


def _ended_with(cell, enames) -> bool:
    return any(o.get("output_type") == "error" and o.get("ename") in enames
               for o in cell.get("outputs", []))


IMPORT_ENAMES = ("ModuleNotFoundError", "ImportError")


def _is_instructor_cell(cell) -> bool:
    """A locked cell that is neither a test nor an answer: the instructor's set-up code."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("locked")) and not meta.get("grade") \
        and not meta.get("solution")


def setup_import_failure(nb) -> tuple[int, str] | None:
    """(index, error) of an instructor cell that failed on an import before any student code ran."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if not cell.get("metadata", {}).get("nbgrader", {}).get("locked"):
            return None   # student code ran from here on: a later failure may be theirs
        if _is_instructor_cell(cell):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out.get("ename") in IMPORT_ENAMES:
                    return index, f"{out['ename']}: {out.get('evalue', '')}"
    return None


def instructor_cells_ran_cleanly(nb) -> bool:
    return not any(_is_instructor_cell(c) and any(o.get("output_type") == "error"
                                                   for o in c.get("outputs", []))
                   for c in nb.cells)


class ResilientExecute(Execute):
    max_output_chars = Integer(200_000, help="characters of output kept per cell").tag(config=True)
    max_restarts = Integer(8, help="fresh kernels started per notebook before the rest "
                           "of it is marked not run").tag(config=True)
    grading_kernel_manager = Type(GradingKernelManager,
                                  klass="jupyter_client.manager.AsyncKernelManager",
                                  help="kernel manager of grading kernels").tag(config=True)

    #: Becomes True in this process once a notebook ran its instructor cells without error.
    setup_proven = False

    setup_timeout = Integer(180, help="seconds allowed to locked, ungraded cells (the setup "
                            "cell imports torch: slow on a busy machine, and not student code)"
                            ).tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sandbox = Sandbox(parent=self)
        self._chars_used: dict[int, int] = {}
        self._output_bytes = 0

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        meta = (cell or {}).get("metadata", {}).get("nbgrader", {})
        if timeout and meta.get("locked") and not meta.get("grade") and not meta.get("solution"):
            return max(timeout, self.setup_timeout)
        return timeout

    # --- output caps: per cell, then per notebook ------------------------------------
    def output(self, outs, msg, display_id, cell_index):
        msg = self._cell_capped(outs, msg, cell_index)
        if msg is None:
            return None
        return self._notebook_capped(outs, msg, display_id, cell_index)

    def _cell_capped(self, outs, msg, cell_index):
        """``msg`` within the cell's ``max_output_chars`` (cut, with a note), or None if dropped."""
        used = self._chars_used.get(cell_index, 0)
        content = msg.get("content", {})
        size = len(content.get("text", "")) if msg["msg_type"] == "stream" \
            else sum(len(str(v)) for v in content.get("data", {}).values())
        if used >= self.max_output_chars:
            return None
        if used + size > self.max_output_chars:
            self._chars_used[cell_index] = self.max_output_chars
            note = (f"\n... output truncated: more than {self.max_output_chars} characters "
                    f"(course_kit grading limit) ...\n")
            if msg["msg_type"] == "stream":
                msg = copy.copy(msg)
                msg["content"] = dict(content, text=content["text"][:self.max_output_chars - used]
                                      + note)
                return msg
            outs.append(NotebookNode(output_type="stream", name="stdout", text=note))
            return None
        self._chars_used[cell_index] = used + size
        return msg

    def _notebook_capped(self, outs, msg, display_id, cell_index):
        """Keep ``msg`` within the notebook's ``Sandbox.max_output_mb``; errors always pass."""
        size = payload_bytes(msg)
        if msg["msg_type"] == "error" or self._output_bytes + size <= int(self.sandbox.max_output_mb * MiB):
            self._output_bytes += size
            return super().output(outs, msg, display_id, cell_index)
        name = msg["content"].get("name", "stdout") if msg["msg_type"] == "stream" else "stdout"
        notice = NOTICE.format(mb=self.sandbox.max_output_mb)
        last = outs[-1] if outs else None
        if not (last and last.get("output_type") == "stream" and last.get("name") == name
                and last.get("text") == notice):
            outs.append(new_output("stream", name=name, text=notice))
        return None

    # --- survive dead and stuck kernels -----------------------------------------
    def preprocess(self, nb, resources=None, km=None):
        # The widget state a submission was saved with is not this run's: drop it, so the graded
        # notebook holds only what nbclient records now. (Colab saves it without a `state` key,
        # and nbconvert's HTML export of the feedback then fails on any display output.)
        nb.metadata.pop("widgets", None)
        NotebookClient.__init__(self, nb, km)
        self.kernel_manager_class = self.grading_kernel_manager
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._chars_used, self._output_bytes = {}, 0
        replay: list[int] = []
        start, sessions = 0, 0
        while start < len(self.nb.cells):
            if sessions > self.max_restarts:
                for cell in self.nb.cells[start:]:
                    if cell.cell_type == "code":
                        cell.outputs = [_error(DIED_ENAME, "not run: the kernel was restarted "
                                               f"{self.max_restarts} times already")]
                break
            start = self._run_session(start, replay, resources)
            sessions += 1
        self._check_setup(resources)
        self.set_widgets_metadata()
        return self.nb, self.resources

    # --- a broken set-up stops the run ----------------------------------------------
    def _check_setup(self, resources) -> None:
        if ResilientExecute.setup_proven or _is_preflight(resources):
            return
        failure = setup_import_failure(self.nb)
        path = (resources or {}).get("metadata", {}).get("path", "")
        if failure is not None and not submitted_modules(path):   # else a student file may shadow it
            index, error = failure
            self._setup_failed(resources, f"the instructor's cell {index} "
                               f"({self.nb.cells[index].metadata['nbgrader'].get('grade_id', '')}) "
                               f"failed before any student code ran: {error}")
        if instructor_cells_ran_cleanly(self.nb):
            ResilientExecute.setup_proven = True

    def _setup_failed(self, resources, what: str):
        """Forget the submission being graded (nbgrader already created it) and stop the run.

        Its autograded folder goes too, as nbgrader's own failure handling would remove it:
        a GradingSetupError is a BaseException, which that handling never sees.
        """
        info = (resources or {}).get("nbgrader", {})
        if info.get("db_url") and info.get("student"):
            from nbgrader.api import Gradebook, MissingEntry
            with Gradebook(info["db_url"]) as gb:
                try:
                    gb.remove_submission(info["assignment"], info["student"])
                except MissingEntry:
                    pass
            folder = Path((resources or {}).get("metadata", {}).get("path", ""))
            if folder.parts[-3:] == ("autograded", info["student"], info.get("assignment")):
                shutil.rmtree(folder, ignore_errors=True)
        raise GradingSetupError(
            f"grading set-up failure while grading {info.get('student', 'a submission')}: {what}. "
            "Nothing a student wrote can cause this, so the run stopped and no grade was written "
            "for this submission (README: Troubleshooting).")

    def _run_session(self, start: int, replay: list[int], resources) -> int:
        """Run cells from ``start`` in one kernel; returns where the next kernel starts."""
        self._session_started = False
        try:
            return self._run_kernel_session(start, replay, resources)
        except Exception as e:
            if self._session_started or ResilientExecute.setup_proven \
                    or isinstance(e, SubmissionRejected) or _is_preflight(resources):
                raise
            self._setup_failed(resources, f"the grading kernel could not start "
                               f"({type(e).__name__}: {str(e)[:600]})")

    def _run_kernel_session(self, start: int, replay: list[int], resources) -> int:
        with self.setup_kernel():
            self._session_started = True
            info = self.wait_for_reply(self.kc.kernel_info())
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            for index in list(replay):
                probe = copy.deepcopy(self.nb.cells[index])
                try:
                    self.execute_cell(probe, index, store_history=False)
                except (DeadKernelError, CellTimeoutError):
                    replay.remove(index)
                    return start
                if _ended_with(probe, (TIMEOUT_ENAME,)):
                    replay.remove(index)
                    return start
            for index in range(start, len(self.nb.cells)):
                cell = self.nb.cells[index]
                try:
                    self.preprocess_cell(cell, resources, index)
                except DeadKernelError:
                    cell.outputs = list(cell.get("outputs", [])) + [_error(
                        DIED_ENAME, "the kernel died while running this cell (os._exit, a crash "
                        "or the memory limit); grading went on in a fresh kernel")]
                    return index + 1
                except CellTimeoutError:  # its output never finished arriving
                    cell.outputs = list(cell.get("outputs", [])) + [_error(
                        TIMEOUT_ENAME, "this cell's output did not finish in time; grading went "
                        "on in a fresh kernel")]
                    return index + 1
                if _ended_with(cell, KERNEL_ENDING_ENAMES):
                    return index + 1
                if cell.cell_type == "code" and not utils.is_grade(cell):
                    replay.append(index)
        return len(self.nb.cells)


def _is_preflight(resources) -> bool:
    """The set-up check itself is running (it reports failures in its own words)."""
    return bool((resources or {}).get(PREFLIGHT_RESOURCE))


def grading_preprocessors() -> list:
    """nbgrader's autograde preprocessors, with Execute replaced by ResilientExecute and
    SaveAutoGrades by SaveAutoGradesByAssertions (stderr never costs a test its points)."""
    return [ResilientExecute, ClearMetadataPreprocessor, LimitOutput,
            SaveAutoGradesByAssertions, AssignLatePenalties, CheckCellMetadata]


#: The name :func:`course_kit.grading.config.configure` gives nbgrader's plain Execute's replacement.
SandboxedExecute = ResilientExecute
