"""nbgrader's configuration for the ReLU course, read by every `nbgrader` command run in this folder.

nbgrader's own layout, with two folders renamed to say what they hold, and the grading rules that let a
class be graded even when some submissions are broken. `python -m grading` (and so `make autograde`)
uses exactly these settings, also for a course directory elsewhere.
"""
import sys
from pathlib import Path

c = get_config()  # noqa: F821 -- nbgrader provides get_config() when it loads this file
HERE = Path(__file__).resolve().parent

# The course is this repository: nbgrader finds every folder below relative to it, wherever it is run from.
c.CourseDirectory.root = str(HERE)
# The instructor's notebooks, with solutions and hidden tests (nbgrader calls this "source").
c.CourseDirectory.source_directory = "solutions"
# The student versions that `nbgrader generate_assignment` writes (nbgrader calls this "release").
c.CourseDirectory.release_directory = "exercises"

# --- Autograding: a submission may loop forever, crash its kernel, or delete the tests ---------------
# Every cell gets at most this many seconds. A whole exercise notebook, hidden tests included, grades in a
# few seconds (`make bench`); the margin is for a busy machine. An endless loop costs this much per cell.
c.Execute.timeout = 30
# On timeout, interrupt the kernel (KeyboardInterrupt in the student's code), record a CellTimeoutError in
# that cell, and go on with the next cell, instead of abandoning the whole notebook.
c.Execute.interrupt_on_timeout = True
# A cell's result comes from the kernel's reply; its printed output may arrive a little later on a busy
# machine. Waiting at most 10 s for it and then going on (with a warning) never turns a slow machine into
# a failed submission; a failing test still fails, because nbgrader records the error from the reply.
c.Execute.iopub_timeout = 10
c.Execute.raise_on_iopub_timeout = False
# A kernel that takes longer than this to start counts as broken.
c.Execute.startup_timeout = 120
# The kernels' own warnings (one per notebook, about their local TCP transport) would bury the grading's
# progress lines; what a student's code prints still goes into the graded notebook.
c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]
# A test cell the student deleted is put back from the gradebook and graded, instead of scoring nothing
# unnoticed; an edited test cell is always replaced by the original (nbgrader does that for every locked
# cell). The grading log and the class report list both.
c.OverwriteCells.add_missing_cells = True
# ... with nbgrader's OverwriteCells repaired, and made to trust no nbgrader metadata of a submission
# (grading/preprocessors/overwrite_cells.py). The repository is put on the import path so that
# `nbgrader autograde` run directly finds it too.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "grading.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# --- Students' code never runs next to the gradebook (grading/isolation, grading/verification.py) -------
# The notebook runs in a sandbox (Linux namespaces, its own user, resource limits: c.Sandbox below)
# instead of in nbgrader's own process, without its hidden tests; then the grader runs the notebook's
# tests itself, hidden ones included, with the student's functions in a second sandbox, and its verdict
# replaces the in-notebook result where they differ (as a manual score, explained in the cell). Plain
# `nbgrader autograde` does all this too.
c.Autograde.autograde_preprocessors = [
    "grading.preprocessors.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    "grading.preprocessors.ApplyVerification",
]
# Feedback shows each test cell without its hidden tests: no student's code ever ran with them (the grader
# runs them itself), so they stay unknown to students and can be used again next year. A failed hidden test
# still explains itself in the feedback, in the grader's verdict under the cell.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# The sandbox's limits, per sandboxed process (see grading/isolation/sandbox.py). Where Linux namespaces are
# not available, grading refuses to start unless this is set to True (or `make autograde UNSANDBOXED=1`).
c.Sandbox.memory_mb = 2048
c.Sandbox.processes = 64
c.Sandbox.notebook_timeout = 300
c.Sandbox.unsandboxed = False
# nbgrader's defaults stay for the rest, e.g. LimitOutput keeps at most 1000 lines of a cell's output, so
# endless printing cannot fill the disk or the feedback page.
