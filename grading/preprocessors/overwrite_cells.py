"""nbgrader's ``OverwriteCells``, trusting no nbgrader metadata of a submission, and repaired.

nbgrader 0.9.6 crashes on a notebook in which a student copied a graded cell (Jupyter copies its metadata,
so the grade id appears twice) when deleted test cells are to be put back (``add_missing_cells``):
``DeduplicateIds`` empties the copy's nbgrader metadata, and ``OverwriteCells.add_missing_task_cells``
then looks up a grade id the copy no longer has (``KeyError: 'grade_id'``), failing the whole submission.
It also fails to put back a deleted test cell that follows a locked cell which is neither graded nor an
answer (``KeyError``), and it believes the points, kinds and schema version a submission's metadata claims.
"""
from __future__ import annotations

from nbgrader.api import Gradebook
from nbgrader.preprocessors import OverwriteCells as _NbgraderOverwriteCells


class OverwriteCells(_NbgraderOverwriteCells):
    """nbgrader's ``OverwriteCells``, which trusts no nbgrader metadata of the submission and also grades a
    notebook holding a copied graded cell.

    Configured as ``OverwriteCells`` like the original. Before nbgrader's own work, every cell's nbgrader
    metadata is replaced by what the gradebook recorded for its grade id (points, kind, lock, schema
    version), and dropped from a cell whose id the gradebook does not know: forged points, a "graded" cell
    the student made up, or a broken schema version change nothing and fail nothing. A cell whose metadata
    lost its grade id (a duplicate) is not an nbgrader cell any more for nbgrader either; its leftover
    metadata is dropped before the missing cells are put back.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    >>> nb.cells[0].metadata["nbgrader"] = {}
    >>> _drop_idless_metadata(nb)
    >>> "nbgrader" in nb.cells[0].metadata
    False
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            _restore_metadata(nb, gb.find_notebook(info["notebook"], info["assignment"]))
        return super().preprocess(nb, resources)

    def add_missing_grade_cells(self, nb, resources):
        """Put back every deleted graded cell after the nearest cell that precedes it in the instructor's
        notebook and is still there (nbgrader looks only at graded and answer cells before it, and fails
        when the one before is a locked setup or demonstration cell)."""
        recorded = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in recorded.source_cells]
        grade_cells = {cell.name: cell for cell in recorded.grade_cells}
        answers = {cell.name for cell in recorded.solution_cells}
        sources = {cell.name: cell for cell in recorded.source_cells}

        def present():
            return {cell.metadata["nbgrader"]["grade_id"]: index for index, cell in enumerate(nb.cells)
                    if "grade_id" in cell.metadata.get("nbgrader", {})}

        for position, name in enumerate(order):
            if name not in grade_cells or name in present():
                continue
            self.log.warning(f"Missing grade cell {name} encountered, adding to notebook")
            cell = self.missing_cell_transform(sources[name], grade_cells[name].max_score,
                                               is_solution=name in answers)
            where = present()
            before = [where[earlier] for earlier in order[:position] if earlier in where]
            nb.cells.insert(max(before) + 1 if before else 0, cell)
        return nb, resources

    def add_missing_task_cells(self, nb, resources):
        _drop_idless_metadata(nb)
        return super().add_missing_task_cells(nb, resources)


def _restore_metadata(nb, recorded) -> None:
    """Give each cell the nbgrader metadata the gradebook recorded for its grade id, or none."""
    sources = {cell.name: cell for cell in recorded.source_cells}
    points = {cell.name: cell.max_score for cell in recorded.grade_cells}
    answers = {cell.name for cell in recorded.solution_cells}
    tasks = {cell.name for cell in recorded.task_cells}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id") if isinstance(
            cell.metadata.get("nbgrader"), dict) else None
        if grade_id not in sources:
            cell.metadata.pop("nbgrader", None)
            continue
        source = sources[grade_id]
        meta = {"grade": grade_id in points, "grade_id": grade_id, "locked": bool(source.locked),
                "schema_version": 3, "solution": grade_id in answers, "task": grade_id in tasks}
        if grade_id in points:
            meta["points"] = points[grade_id]
        if source.locked:
            meta["checksum"] = source.checksum
            _retype(cell, source.cell_type)  # a test cell turned into markdown is code again
        cell.metadata["nbgrader"] = meta


def _retype(cell, cell_type: str) -> None:
    if cell.cell_type == cell_type:
        return
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _drop_idless_metadata(nb) -> None:
    for cell in nb.cells:
        if "nbgrader" in cell.metadata and "grade_id" not in cell.metadata["nbgrader"]:
            del cell.metadata["nbgrader"]
