"""Checks of a submission before nbgrader runs it: are the expected notebooks there, readable, and intact?

Some problems make grading impossible (no notebook under the expected name, a file that is not a valid
notebook): such a submission is not run, and scores zero. Others nbgrader repairs (a deleted or edited test
cell is restored from the gradebook) but the instructor should still know about them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import ClearHiddenTests

from .records import Problem


@dataclass(frozen=True)
class TestCell:
    """A locked cell of the instructor's version, as the gradebook knows it."""

    name: str
    checksums: frozenset[str]  # of the cell as written, and as released (without its hidden tests)
    is_test: bool  # an autograded test (a grade cell that is not a student's answer)


def locked_cells(gradebook: Gradebook, assignment: str, notebook: str) -> list[TestCell]:
    """The locked cells of one notebook of `assignment`, as recorded when the assignment was generated.

    The gradebook keeps a test cell with its hidden tests, and its checksum; a student's copy is the
    released one, without them. Both versions count as unchanged.
    """
    nb = gradebook.find_notebook(notebook, assignment)
    points = {cell.name: cell.max_score for cell in nb.grade_cells}
    answers = {cell.name for cell in nb.solution_cells}
    hide = ClearHiddenTests()
    cells = []
    for source in nb.source_cells:
        if not source.locked:
            continue
        released = nbformat.from_dict({
            "cell_type": source.cell_type, "source": source.source, "metadata": {"nbgrader": {
                "grade": source.name in points, "solution": source.name in answers, "locked": True,
                "grade_id": source.name, "points": points.get(source.name, 0)}}})
        hide._remove_hidden_test_region(released)
        cells.append(TestCell(source.name, frozenset({source.checksum, utils.compute_checksum(released)}),
                              source.name in points and source.name not in answers))
    return cells


def _recorded_ids(gradebook: Gradebook, assignment: str, notebook: str) -> set[str]:
    """Every grade id the gradebook knows in the notebook (answers, tests, locked and task cells)."""
    recorded = gradebook.find_notebook(notebook, assignment)
    return {cell.name for cell in recorded.source_cells}


def check_submission(folder: Path, expected: list[str], gradebook: Gradebook,
                     assignment: str) -> tuple[list[Problem], bool]:
    """The problems of the submission in `folder`, and whether they make it ungradable.

    Parameters
    ----------
    folder : pathlib.Path
        ``submitted/<student>/<assignment>``.
    expected : list of str
        The notebook names (without ``.ipynb``) the assignment consists of.
    gradebook : nbgrader.api.Gradebook
        An open gradebook that knows the assignment.
    assignment : str
        The assignment's name.

    Returns
    -------
    problems : list of Problem
    fatal : bool
        True when nbgrader cannot grade the submission at all.
    """
    present = {p.stem for p in folder.glob("*.ipynb")}
    missing = [name for name in expected if name not in present]
    unknown = sorted(present - set(expected))
    problems: list[Problem] = []
    if missing and unknown:
        found = ", ".join(f"{name}.ipynb" for name in unknown)
        problems += [Problem("renamed", f"expected {name}.ipynb but found {found}; rename it and grade again")
                     for name in missing]
    else:
        problems += [Problem("missing notebook", f"{name}.ipynb was not submitted") for name in missing]

    problems += [Problem("ignored file", f"{path.relative_to(folder)} was submitted beside the notebook; the "
                                         "notebook ran without it")
                 for path in sorted(folder.rglob("*")) if path.is_file() and path.suffix != ".ipynb"
                 and ".ipynb_checkpoints" not in path.parts]
    readable = 0
    for name in expected:
        if name in missing:
            continue
        path = folder / f"{name}.ipynb"
        try:
            # Only what nbgrader cannot read either: nbformat.read merely logs a notebook that breaks the
            # schema in some detail (as other editors' notebooks may), and nbgrader grades it.
            nb = nbformat.read(path, as_version=4)
        except Exception as error:  # any unreadable file is the same problem to the instructor
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            problems.append(Problem("invalid", f"{name}.ipynb cannot be read as a notebook: {first_line}"))
            continue
        readable += 1
        problems += _test_cell_problems(nb, name, gradebook, assignment)

    # nbgrader stops at the first unreadable notebook, and cannot grade without a single notebook.
    fatal = readable == 0 or any(p.kind == "invalid" for p in problems)
    return problems, fatal


def _test_cell_problems(nb, notebook: str, gradebook: Gradebook, assignment: str) -> list[Problem]:
    try:
        cells = locked_cells(gradebook, assignment, notebook)
    except MissingEntry:
        return []
    submitted, copies = {}, {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None:
            submitted[grade_id] = cell  # nbgrader keeps the last of several cells with one grade id
            copies[grade_id] = copies.get(grade_id, 0) + 1
    problems = [Problem("copied cell", f"{notebook}: cell {grade_id} appears {count} times; only the last "
                                       "was graded")
                for grade_id, count in copies.items() if count > 1]
    known = _recorded_ids(gradebook, assignment, notebook)
    problems += [Problem("unknown cell", f"{notebook}: a cell claims to be nbgrader's {grade_id!r}, which this "
                                         "assignment does not have; it was run as the student's own code")
                 for grade_id in submitted if grade_id not in known]
    for source in cells:
        kind = "test cell" if source.is_test else "locked cell"
        if source.name not in submitted:
            if source.is_test:
                problems.append(Problem("deleted test", f"{notebook}: {kind} {source.name} was deleted; "
                                                        "it was put back from the gradebook"))
            continue
        cell = submitted[source.name]
        try:
            checksum = utils.compute_checksum(cell)
        except (KeyError, ValueError, TypeError):
            checksum = None  # its nbgrader metadata was damaged, so it cannot be the original
        if checksum not in source.checksums:
            problems.append(Problem("edited test", f"{notebook}: {kind} {source.name} was edited; "
                                                   "it was graded with the original"))
    return problems
