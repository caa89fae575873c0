"""One grading worker: ``python -m course_kit.course.worker COURSE_DIR ASSIGNMENT [--Class.trait=VALUE ...]``.

Reads commands on stdin, one JSON object a line, and answers each with one
JSON line on stdout: ``{"preflight": true}`` grades the source notebook with
this configuration (the set-up check), ``{"autograde": STUDENT}`` grades one
submission, ``{"feedback": true}`` writes feedback for every student graded
here. An answer with ``setup_error`` means the set-up, not the student, failed.
Starting nbgrader costs seconds of CPU (imports, config); a worker pays it
once for all the students it grades. Its course directory and gradebook are
its own, so workers never contend for SQLite. Options after the assignment
are nbgrader configuration and override ``nbgrader_config.py``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def _api(course_dir: str, config_args: list[str]):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.apps.baseapp import NbGrader
    from nbgrader.coursedir import CourseDirectory
    os.chdir(course_dir)
    app = NbGrader()
    app.initialize(config_args)  # reads nbgrader_config.py from the course directory
    coursedir = CourseDirectory(config=app.config)
    return NbGraderAPI(coursedir=coursedir, config=app.config)


def main(argv: list[str]) -> int:
    course_dir, assignment, *config_args = argv
    reply = sys.stdout
    sys.stdout = sys.stderr  # nbgrader's own prints must not corrupt the reply channel
    api = _api(course_dir, config_args)
    from ..grading import preflight
    for line in sys.stdin:
        command = json.loads(line)
        preflight.raised.clear()
        if "preflight" in command:
            try:
                preflight.check_assignment(api.config, Path(course_dir), assignment)
                result = {"success": True}
            except preflight.GradingSetupError as e:
                result = {"success": False, "error": str(e)}
        elif "autograde" in command:
            result = api.autograde(assignment, command["autograde"], force=True, create=True)
        elif "feedback" in command:
            result = api.generate_feedback(assignment, force=True)
        else:
            result = {"success": False, "error": f"unknown command {command}"}
        answer = {"success": bool(result.get("success")),
                  "log": (result.get("error") or "")[-3000:] + (result.get("log") or "")[-3000:]}
        if preflight.raised:
            answer["setup_error"] = str(preflight.raised[-1])
        reply.write(json.dumps(answer) + "\n")
        reply.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
