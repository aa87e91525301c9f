"""The grader's verdict on each test cell, recorded in nbgrader's gradebook where it differs from the
notebook's own result."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from ..isolation.sandbox import Sandbox
from ..verification import course_secret, make_plan, submission_seed, verify
from .sandboxed_execute import SandboxedExecute

SECRET_FILE = ".grading_secret"  # in the course directory, beside the gradebook


class ApplyVerification(NbGraderPreprocessor):
    """After nbgrader has saved the in-notebook results: verify every test cell (`grading.verification`)
    and, where the verdict differs, record it as the cell's manual score with an explanation in the cell.

    Runs last in ``Autograde.autograde_preprocessors``. Each notebook's verdicts are also kept in
    `ApplyVerification.results` for the grading log.
    """

    results: list = []  # (student, assignment, notebook, [Override]) of each notebook verified in this process

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        coursedir = CourseDirectory(config=self.config)
        source_path = Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"])) \
            / f"{info['notebook']}.ipynb"
        source = nbformat.read(source_path, as_version=4)
        sandbox = Sandbox(parent=self)
        secret = course_secret(Path(coursedir.root) / SECRET_FILE)
        seed = submission_seed(secret, info["student"], info["assignment"], info["notebook"])
        plan = make_plan(source, nb)
        timeout = SandboxedExecute(config=self.config).timeout or 30  # as configured, on the command line too
        verdicts, _ = verify(plan, sandbox, owner=info["student"], seed=seed, timeout=timeout,
                             notebook_timeout=sandbox.notebook_timeout)
        hidden = {label for label, text, is_test in plan.trusted if is_test and "BEGIN HIDDEN TESTS" in text}
        overrides = self._record(verdicts, info, hidden)
        for override in overrides:
            _explain(nb, override)
        ApplyVerification.results.append((info["student"], info["assignment"], info["notebook"], overrides))
        return nb, resources

    def _record(self, verdicts, info, hidden: set[str]) -> list:
        overrides = []
        with Gradebook(info["db_url"]) as gb:
            for verdict in verdicts:
                grade = gb.find_grade(verdict.grade_id, info["notebook"], info["assignment"], info["student"])
                verified = float(grade.max_score) if verdict.passed else 0.0
                in_notebook = float(grade.auto_score or 0.0)
                if verified != in_notebook:
                    grade.manual_score = verified
                    grade.needs_manual_grade = False
                    overrides.append(Override(info["notebook"], verdict.grade_id, in_notebook, verified,
                                              float(grade.max_score), verdict.detail,
                                              verdict.grade_id in hidden))
                else:
                    grade.manual_score = None  # an override of an earlier grading no longer applies
            gb.db.commit()
        return overrides


@dataclass(frozen=True)
class Override:
    """A test cell whose in-notebook result the grader's verification replaced."""

    notebook: str
    grade_id: str
    in_notebook: float
    verified: float
    max_score: float
    detail: str
    hidden: bool  # the test has hidden tests, which only the grader runs

    def sentence(self) -> str:
        if self.hidden and self.verified < self.in_notebook:
            return (f"{self.notebook}: test {self.grade_id} passed its visible part in the notebook but failed "
                    f"its hidden tests, which the grader runs ({self.detail or 'no reason given'}): "
                    f"{self.verified:g} of {self.max_score:g} points")
        if self.verified > self.in_notebook:
            return (f"{self.notebook}: test {self.grade_id} failed in the notebook but passed the grader's own "
                    f"check of your functions: {self.verified:g} of {self.max_score:g} points")
        return (f"{self.notebook}: test {self.grade_id} passed in the notebook but not the grader's own check "
                f"of your functions ({self.detail or 'no reason given'}): {self.verified:g} of "
                f"{self.max_score:g} points")


def _explain(nb, override: Override) -> None:
    """Show the verification's verdict under the test cell, for the instructor (formgrader) and the
    student (feedback)."""
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == override.grade_id:
            text = (f"Grader's verification: {override.sentence()}. The grader ran your functions on its own, "
                    "in isolation, with this whole test; its verdict replaces the notebook's.\n")
            cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=text))
            return
