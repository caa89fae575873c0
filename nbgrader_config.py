# nbgrader settings for this course (the repository root is the course directory).
# `nbgrader ...` and `course-kit release/autograde` both read this file.
import os

c = get_config()  # noqa: F821 (injected by traitlets)

c.CourseDirectory.course_id = "course_kit"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# --- The instructor's settings for this kit --------------------------------
# Where students' Colab install cell and the "Open in Colab" badges point: YOUR public
# student repository (the one `course-kit publish DIR` fills; keep this one private).
# `course-kit release` and `publish` refuse this placeholder (or pass --repository-url).
c.CourseKit.repository_url = "https://github.com/ORG/course_kit"
c.CourseKit.branch = "main"
# Seed of the visible test vectors (release/<assignment>/solutions.json); use a new one each term.
c.CourseKit.vectors_seed = 2024
# Feedback HTML shows hidden-test source and messages to students only when True.
c.CourseKit.show_hidden_details = False

# --- Grading ------------------------------------------------------------------
# Seconds a cell may run before it is interrupted (an infinite loop costs its own test only).
c.Execute.timeout = int(os.environ.get("COURSE_KIT_CELL_TIMEOUT", "30"))
# On a busy machine a cell's last outputs can lag its reply by seconds: wait for them
# instead of failing the whole notebook (nbgrader's default is 4 s, then an exception).
c.Execute.iopub_timeout = 20
c.Execute.raise_on_iopub_timeout = False
# Kernel death, timeouts and floods of output are survived: see course_kit/grading/execute.py.
from course_kit.grading.execute import grading_preprocessors  # noqa: E402

c.Autograde.autograde_preprocessors = grading_preprocessors()
# Characters of output kept per cell (the rest is dropped while the cell runs).
c.ResilientExecute.max_output_chars = 200_000

# A test's score depends on its assertions only: stderr (prints, logging, tqdm, warnings)
# never costs points and stays visible in the graded notebook (course_kit/grading/scoring.py).
# Before the first student, the source notebook is graded with these very settings; unless it
# gets full marks the run stops with an instructor's message and writes no grade
# (course_kit/grading/preflight.py).
c.Autograde.pre_convert_hook = "course_kit.grading.preflight.before_autograde"

# Deleted test cells come back from the gradebook; edited ones are overwritten by checksum.
c.OverwriteCells.add_missing_cells = True

# Source notebooks are committed executed (nbval checks them): the release drops their
# outputs and the metadata executing adds (widget state, the kernel's Python version).
from course_kit.course.release import release_preprocessors  # noqa: E402

c.GenerateAssignment.preprocessors = release_preprocessors()
# Solution regions and their stubs are nbgrader's defaults (BEGIN/END SOLUTION, BEGIN/END
# HIDDEN TESTS, "# YOUR CODE HERE"): course_kit/grading/markers.py reads them from nbgrader.

# Feedback HTML: hidden-test source and tracebacks only when CourseKit.show_hidden_details
# allows it; course_kit.grading.config.configure (below) puts ScrubFeedback first.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor]
c.ScrubFeedback.show_hidden_tests = c.CourseKit.show_hidden_details

# --- Sandboxed grading (course_kit.grading; README "Sandboxed grading") ------
# Every autograding kernel (nbgrader autograde, the formgrader, course-kit autograde)
# runs in bubblewrap: it cannot see source/, gradebook.db, other students, your home
# or the network, and is capped as below (each cap is set here only: course_kit/grading/limits.py).
# Without bwrap, grading refuses to run unless you allow it: `nbgrader autograde ...
# --Sandbox.allow_unsandboxed=True` or COURSE_KIT_UNSANDBOXED=1 (student code then runs as
# you, with access to everything, still under the memory and CPU caps).
# Memory (RLIMIT_DATA) per kernel process, MiB: a memory bomb fails inside its own cell.
c.Sandbox.memory_mb = int(os.environ.get("COURSE_KIT_KERNEL_MEMORY_MB", "4096"))
c.Sandbox.cpu_seconds = 900          # CPU seconds per process
c.Sandbox.max_processes = 256        # processes and threads
c.Sandbox.max_file_mb = 256          # largest file a kernel may write, MiB
c.Sandbox.scratch_mb = 512           # each private tmpfs (working copy, /tmp, /dev/shm), MiB
c.Sandbox.max_output_mb = 8          # output kept per notebook (errors are always kept)
c.Sandbox.allow_unsandboxed = os.environ.get("COURSE_KIT_UNSANDBOXED") == "1"
from course_kit.grading.config import configure as sandbox_autograding  # noqa: E402

sandbox_autograding(c)
# --- end of sandboxed grading ---------------------------------------------------
