"""What the grading steps read from and write to nbgrader's gradebook, beyond what nbgrader does itself."""
from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning
from nbgrader.converters import GenerateAssignment
from nbgrader.utils import capture_log, temp_attrs

from .course import Course, quiet_logger


def ensure_assignments(course: Course, assignments: list[str]) -> list[str]:
    """Record in the gradebook every assignment it does not know yet; return those recorded.

    nbgrader learns an assignment's cells when it generates the student version. A new gradebook (a
    fresh clone, another course directory) learns them here from the source directory, into a temporary
    folder, so that the committed student versions are not rewritten as a side effect of grading.
    """
    with Gradebook(course.db_url) as gb:
        known = {a.name for a in gb.assignments}
    added = []
    for assignment in assignments:
        if assignment in known:
            continue
        coursedir = course.coursedir
        with tempfile.TemporaryDirectory() as release:
            with temp_attrs(coursedir, assignment_id=assignment, release_directory=release):
                app = GenerateAssignment(coursedir=coursedir, config=course.config, log=quiet_logger())
                app.force = True
                result = capture_log(app)
        if not result["success"] and assignment not in _known(course):  # not added meanwhile by another shard
            raise RuntimeError(f"nbgrader could not read the assignment {assignment} from "
                               f"{course.folder('source') / assignment}:\n{result.get('log', '')}"
                               f"{result.get('error', '')}")
        added.append(assignment)
    return added


def _known(course: Course) -> set[str]:
    with Gradebook(course.db_url) as gb:
        return {a.name for a in gb.assignments}


def add_students(course: Course, students: list[str]) -> None:
    """Put every student in the gradebook, so that nbgrader's export lists them even with no submission."""
    with Gradebook(course.db_url) as gb:
        for student in students:
            gb.update_or_create_student(student)


def graded_submissions(course: Course) -> set[tuple[str, str]]:
    """(student, assignment) of every submission the gradebook holds."""
    if not course.has_gradebook():
        return set()
    with Gradebook(course.db_url) as gb:
        return {(s.student.id, a.name) for a in gb.assignments for s in a.submissions}


def record_zero(course: Course, assignment: str, student: str) -> None:
    """Record a score of zero for every graded cell of a submission that could not be graded.

    Manual scores are cleared too: a zero means the submission as it is now could not be graded, whatever
    an earlier version of it was given.
    """
    with Gradebook(course.db_url) as gb, warnings.catch_warnings():
        # After a failed autograde nbgrader's own session warns that it could not yet link the new
        # submission it creates here; nbgrader adds it explicitly right after, so nothing is lost.
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0.0
                grade.manual_score = None
                grade.needs_manual_grade = False
        gb.db.commit()


@dataclass(frozen=True)
class CellGrade:
    """One graded cell of one submission."""

    student: str
    assignment: str
    notebook: str
    grade_id: str
    score: float
    max_score: float
    is_test: bool  # autograded test cell, as opposed to an answer graded by hand
    needs_manual_grade: bool


def cell_grades(course: Course) -> tuple[list[CellGrade], dict[str, float], list[str]]:
    """Every grade of every submission, the maximum score of each assignment, and every student.

    Returns
    -------
    grades : list of CellGrade
    max_scores : dict
        assignment name -> its maximum score.
    students : list of str
        Everyone in the gradebook, sorted.
    """
    grades = []
    with Gradebook(course.db_url) as gb:
        max_scores = {a.name: float(a.max_score) for a in gb.assignments}
        students = sorted(s.id for s in gb.students)
        for assignment in gb.assignments:
            answers = {nb.name: {c.name for c in nb.solution_cells} for nb in assignment.notebooks}
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        score = grade.score if grade.score is not None else 0.0
                        grades.append(CellGrade(
                            submission.student.id, assignment.name, notebook.name, grade.name,
                            float(score), float(grade.max_score),
                            grade.name not in answers.get(notebook.name, set()),
                            bool(grade.needs_manual_grade)))
    return grades, max_scores, students


def submission_score(course: Course, assignment: str, student: str) -> tuple[float, float, float]:
    """The score of one submission, the assignment's maximum, and the points still to be graded by hand."""
    with Gradebook(course.db_url) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return 0.0, float(gb.find_assignment(assignment).max_score), 0.0
        manual = sum(float(grade.max_score) for notebook in submission.notebooks
                     for grade in notebook.grades if grade.needs_manual_grade)
        return float(submission.score or 0.0), float(submission.max_score), manual
