#!/usr/bin/env bash
# The README's two commands: `./quickstart.sh demo` and `./quickstart.sh test`.
# Each sets up what it needs on a fresh machine (Python 3.11 + pip), then runs.
#   demo  : a virtual environment in .venv with the kit and its instructor extra (and
#           Debian's bubblewrap when root), then `course-kit demo`; extra arguments go to it
#   test  : the same plus the test extra (and Debian's chromium for the browser
#           tests), then the whole pytest suite; extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")"
what="${1:-}"; shift || true
VENV="${COURSE_KIT_VENV:-.venv}"
PY="${PYTHON:-python3}"

setup() {  # $1: pip extras ("[instructor]" or "[instructor,test]")
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  local stamp="$VENV/.course-kit-installed$1"
  local want; want="$(cat pyproject.toml | sha256sum | cut -c1-16)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    # This exact spelling takes the local CPU wheel; anything else pulls CUDA builds.
    "$VENV/bin/python" -c "import torch" 2>/dev/null || "$VENV/bin/pip" install -q torch==2.13.0
    "$VENV/bin/pip" install -q -e ".$1"
    echo "$want" > "$stamp"
  fi
}

browser() {  # Debian's chromium for the real-browser tests; never Playwright's own download
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null) \
        || echo "quickstart: could not install chromium; browser tests will be skipped" >&2
    else
      echo "quickstart: chromium missing (sudo apt-get install chromium); browser tests will be skipped" >&2
    fi
  fi
}

sandbox() {  # Debian's bubblewrap: autograding runs every submission inside it (README: Sandboxed grading)
  local without="$1"  # what happens without it
  if ! command -v bwrap >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      (apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null) \
        || echo "quickstart: could not install bubblewrap; $without" >&2
    else
      echo "quickstart: bwrap missing (sudo apt-get install bubblewrap); $without" >&2
    fi
  fi
}

case "$what" in
  demo) setup "[instructor]"; sandbox "the demo grades its own example submissions unsandboxed"
        exec "$VENV/bin/course-kit" demo "$@" ;;
  test) setup "[instructor,test]"; browser; sandbox "sandbox tests will be skipped"
        exec "$VENV/bin/python" -m pytest "$@" ;;
  *) echo "usage: $0 demo|test [args...]" >&2; exit 2 ;;
esac
