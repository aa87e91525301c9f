"""``python -m grading COMMAND``: the instructor's workflow; ``python -m grading --help`` lists it."""
from __future__ import annotations

import argparse
import sys

from .course import Course, quiet_warnings

COMMANDS = {
    "assignments": "generate the student versions into exercises/ (nbgrader generate_assignment --force)",
    "autograde": "grade every submission in submitted/, in sandboxes, several students at once (nbgrader "
                 "autograde, then the grader's own check of every test)",
    "feedback": "write feedback pages into feedback/ (nbgrader generate_feedback)",
    "grades": "export every student's score on every assignment to a CSV file (nbgrader export)",
    "report": "write the class report: score distributions, test pass rates, who needs attention",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__.splitlines()[0])
    parser.add_argument("--course-dir", metavar="DIR",
                        help="the course directory (default: this repository)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands = {name: sub.add_parser(name, help=text, description=text) for name, text in COMMANDS.items()}
    autograde = commands["autograde"]
    autograde.add_argument("--timeout", type=int, metavar="SECONDS",
                           help="time limit of each cell (default: Execute.timeout in nbgrader_config.py)")
    autograde.add_argument("--notebook-timeout", type=int, metavar="SECONDS",
                           help="time limit of a whole notebook (default: Sandbox.notebook_timeout)")
    autograde.add_argument("--jobs", type=int, metavar="N",
                           help="students graded at once (default: one per core)")
    autograde.add_argument("--regrade", action="store_true",
                           help="grade every submission again, also those graded since they last changed")
    autograde.add_argument("--shard", metavar="K/N",
                           help="grade only the K-th of N shares of the students: N machines grading one "
                                "class into one gradebook (see the README)")
    autograde.add_argument("--unsandboxed", action="store_true",
                           help="where the sandbox is unavailable, grade without it: students' code then "
                                "runs as you, and can read and change anything you can")
    for name in ("grades", "report"):
        commands[name].add_argument("--output", metavar="FILE", help="where to write it (default: "
                                    f"{'grades.csv' if name == 'grades' else 'grading_report.html'} "
                                    "in the course directory)")
    args = parser.parse_args(argv)

    quiet_warnings()
    try:
        course = Course.open(args.course_dir, timeout=getattr(args, "timeout", None),
                             notebook_timeout=getattr(args, "notebook_timeout", None),
                             unsandboxed=getattr(args, "unsandboxed", False),
                             shard=getattr(args, "shard", None))
        return _run(args, course)
    except (FileNotFoundError, ValueError, RuntimeError) as error:  # SandboxUnavailableError too
        print(f"grading {args.command}: {error}", file=sys.stderr)
        return 1


def _run(args, course: Course) -> int:
    # Imported here: each step pulls in a different part of nbgrader, nbconvert or matplotlib.
    if args.command == "assignments":
        from .steps import generate_assignments
        return 1 if generate_assignments(course) else 0
    if args.command == "autograde":
        from .autograde import autograde_class
        autograde_class(course, jobs=args.jobs, regrade=args.regrade)
        return 0
    if args.command == "feedback":
        from .steps import generate_feedback
        return 1 if generate_feedback(course) else 0
    if args.command == "grades":
        from .steps import export_grades
        print(f"grades written to {export_grades(course, args.output)}")
        return 0
    from .report import write_report
    print(f"report written to {write_report(course, args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
