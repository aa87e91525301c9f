"""The class report: one self-contained HTML page an instructor reads after grading.

It shows each assignment's score distribution, the pass rate of every autograded test (by grade id), the
scores of every student, and the submissions that need a person: ones that scored zero because they could
not be graded (and why), test cells that were deleted or edited, cells that hit the time limit, and answers
still to be graded by hand. The figures are PNGs embedded in the page, so it works offline and as one file.
"""
from __future__ import annotations

import base64
import html
import io
import math
import statistics
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the report is drawn to files, never to a screen

import matplotlib.pyplot as plt  # noqa: E402 -- after choosing the backend
from relu_reference import plotting  # noqa: E402

from .course import Course  # noqa: E402
from .gradebook import CellGrade, cell_grades  # noqa: E402
from .records import KINDS, Outcome, Problem, read_log  # noqa: E402

GRADED, ZERO = plotting.PALETTE[0], plotting.PALETTE[3]
PASSED = plotting.PALETTE[2]


def write_report(course: Course, path: str | Path | None = None) -> Path:
    """Write the class report of `course` (default ``grading_report.html`` in it) and return its path."""
    path = Path(path) if path is not None else course.report_file
    outcomes, settings = [], {}
    for log in course.log_files():  # one per shard when machines shared the class
        more, settings = read_log(log)
        outcomes += more
    if not outcomes:
        raise FileNotFoundError(f"no grading log at {course.log_file}: run the autograde step first")
    grades, max_scores, students = cell_grades(course)
    path.write_text(render(outcomes, grades, max_scores, students, settings, course.root))
    return path


def render(outcomes: list[Outcome], grades: list[CellGrade], max_scores: dict[str, float],
           students: list[str], settings: dict, root: Path) -> str:
    """The report's HTML from the grading log and the gradebook's grades."""
    assignments = sorted({o.assignment for o in outcomes})
    totals = _totals(grades)
    status = {(o.student, o.assignment): o.status for o in outcomes}
    attention = needs_attention(outcomes, grades)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    parts = [
        f"<h1>Class report</h1><p>Course {_e(root)}, {len(students)} students, {len(assignments)} "
        f"assignments; report written {when}. Each cell could run for at most "
        f"{_e(settings.get('timeout', '?'))} s.</p>",
        "<h2>Summary</h2>", _summary_table(assignments, outcomes, totals, max_scores),
        "<h2>Score distribution</h2>",
        _figure(_score_figure(assignments, outcomes, totals, max_scores),
                "Histogram of total scores, one panel per assignment",
                "Total score of each submission. Blue: graded by nbgrader; vermilion: a score of zero "
                "recorded because the submission was missing or could not be graded (see below)."),
        "<h2>Pass rate of every test</h2>",
        _figure(_pass_figure(assignments, grades, status),
                "Bar chart of the share of graded submissions that pass each test",
                "Share of the graded submissions that get full points on each autograded test cell, by "
                "grade id, in notebook order. Submissions scored zero without running are left out."),
        f"<h2>Needs attention ({len(attention)})</h2>", _attention_table(attention),
        "<h2>Scores</h2>", _scores_table(students, assignments, totals, max_scores, status),
    ]
    return _PAGE.format(body="\n".join(parts))


def needs_attention(outcomes: list[Outcome], grades: list[CellGrade]) -> list[tuple[str, str, Problem]]:
    """Every (student, assignment, problem) a person should look at, the manual grading still to do
    included, sorted by student then assignment."""
    manual = defaultdict(list)
    for grade in grades:
        if grade.needs_manual_grade:
            manual[grade.student, grade.assignment].append(f"{grade.notebook}: {grade.grade_id}")
    rows = [(o.student, o.assignment, p) for o in outcomes for p in o.problems]
    rows += [(student, assignment, Problem("manual", "still to grade: " + ", ".join(cells)))
             for (student, assignment), cells in manual.items()]
    return sorted(rows, key=lambda row: (row[0], row[1]))


def _totals(grades: list[CellGrade]) -> dict[tuple[str, str], float]:
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for grade in grades:
        totals[grade.student, grade.assignment] += grade.score
    return totals


def _score_figure(assignments, outcomes, totals, max_scores):
    ncols = min(3, len(assignments))
    nrows = math.ceil(len(assignments) / ncols)
    # new_figure's width and height are those of one panel.
    fig, axes = plotting.new_figure(ncols, nrows, width=3.4, height=2.8, squeeze=False)
    for ax, assignment in zip(axes.flat, assignments):
        top = max_scores.get(assignment, 0.0) or 1.0
        graded = [totals.get((o.student, o.assignment), 0.0) for o in outcomes
                  if o.assignment == assignment and o.status == "graded"]
        zeros = [0.0 for o in outcomes if o.assignment == assignment and o.status != "graded"]
        bins = _bins(top)
        ax.hist([graded, zeros], bins=bins, stacked=True, color=[GRADED, ZERO],
                label=["graded", "zero: missing or not gradable"], edgecolor="white")
        ax.set_xlim(bins[0], bins[-1])
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.yaxis.get_major_locator().set_params(integer=True)
        plotting.label_axes(ax, f"score (of {top:g})", "submissions", assignment)
    for ax in list(axes.flat)[len(assignments):]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="upper center", fontsize="small")
    return fig


def _bins(top: float) -> list[float]:
    # One bin per point up to 20 points, then 20 equal bins: every score is visible, none shares a bar by
    # rounding.
    count = int(top) if float(top).is_integer() and top <= 20 else 20
    width = top / count
    return [-width / 2 + i * width for i in range(count + 2)]


def _pass_figure(assignments, grades, status):
    by_test: dict[str, dict[str, list[bool]]] = {a: defaultdict(list) for a in assignments}
    for grade in grades:
        if grade.is_test and status.get((grade.student, grade.assignment)) == "graded":
            by_test[grade.assignment][grade.grade_id].append(grade.score >= grade.max_score > 0)
    heights = [max(1, len(by_test[a])) for a in assignments]
    total_height = 0.3 * sum(heights) + 1.0 * len(assignments)  # a bar's row, and each panel's labels
    fig, axes = plotting.new_figure(1, len(assignments), width=7.0, height=total_height / len(assignments),
                                    squeeze=False, gridspec_kw={"height_ratios": heights})
    for ax, assignment in zip(axes[:, 0], assignments):
        tests = list(by_test[assignment])
        rates = [100 * sum(results) / len(results) for results in by_test[assignment].values()]
        ax.barh(range(len(tests)), rates, color=PASSED)
        ax.set_yticks(range(len(tests)), tests, fontsize="small")
        ax.invert_yaxis()  # notebook order, top to bottom
        ax.set_xlim(0, 100)
        for y, (rate, results) in enumerate(zip(rates, by_test[assignment].values())):
            inside = rate > 75  # a long bar carries its label inside, in white
            ax.text(rate - 1 if inside else rate + 1, y, f"{rate:.0f}% of {len(results)}", va="center",
                    ha="right" if inside else "left", color="white" if inside else "black",
                    fontsize="small")
        if not tests:
            ax.text(50, 0, "no graded submission", ha="center", va="center")
            ax.set_yticks([])
        plotting.label_axes(ax, "passed (%)", "", assignment)
    return fig


def _figure(fig, alt: str, caption: str) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_e(alt)}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def _summary_table(assignments, outcomes, totals, max_scores) -> str:
    rows = []
    for assignment in assignments:
        mine = [o for o in outcomes if o.assignment == assignment]
        scores = [totals.get((o.student, assignment), 0.0) for o in mine]
        count = {s: sum(o.status == s for o in mine) for s in ("graded", "zero", "missing")}
        rows.append([assignment, f"{max_scores.get(assignment, 0):g}", count["graded"], count["zero"],
                     count["missing"], f"{statistics.mean(scores):.1f}" if scores else "",
                     f"{statistics.median(scores):g}" if scores else ""])
    return _table(["assignment", "max", "graded", "zero recorded", "not submitted", "mean", "median"], rows)


def _attention_table(attention) -> str:
    if not attention:
        return "<p>Nothing: every submission was graded without a problem.</p>"
    rows = [[student, assignment, f"<strong>{_e(problem.kind)}</strong>: {_e(KINDS[problem.kind])}",
             _e(problem.detail)] for student, assignment, problem in attention]
    return _table(["student", "assignment", "problem", "detail"], rows, escape=False,
                  attrs=' id="attention"')


def _scores_table(students, assignments, totals, max_scores, status) -> str:
    rows = []
    for student in students:
        row = [student]
        for assignment in assignments:
            state = status.get((student, assignment), "missing")
            score = totals.get((student, assignment), 0.0)
            row.append(f"{score:g}" + ("" if state == "graded" else f" ({state})"))
        rows.append(row)
    header = ["student"] + [f"{a} (of {max_scores.get(a, 0):g})" for a in assignments]
    return _table(header, rows)


def _table(header, rows, *, escape=True, attrs="") -> str:
    cell = _e if escape else str
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _e(value) -> str:
    return html.escape(str(value))


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Class report</title>
<style>
body {{ font-family: sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }}
th {{ background: #f2f2f2; }}
img {{ max-width: 100%; }}
figcaption {{ font-size: 0.9rem; color: #555; }}
</style></head><body>
{body}
</body></html>
"""
