"""Grading a class with several processes at once: the work is shared out by student.

Each grading process is started fresh (``spawn``), takes a slot of its own (and so a sandbox user of its
own, see `grading.isolation.sandbox`), and dies with the coordinator if that is killed, taking its
sandboxes with it. The coordinator alone prints progress (a line per submission with the time left, and a
bar on a terminal) and records results as they come.
"""
from __future__ import annotations

import concurrent.futures
import ctypes
import multiprocessing
import queue
import signal
import sys
import time

from tqdm import tqdm

from .course import Course, quiet_warnings


def grade_in_parallel(course: Course, todo: dict[str, list[tuple[str, str]]], jobs: int, grade_student,
                      out=sys.stdout):
    """Yield (outcome, fingerprint) of each submission as it is graded, `jobs` students at a time.

    Parameters
    ----------
    course : Course
    todo : dict
        student -> [(assignment, fingerprint), ...] to grade, in order.
    jobs : int
        Grading processes (at most one per student).
    grade_student : callable
        ``grade_student(course, student, work, events)``, run in a grading process, puts ``(outcome,
        fingerprint, line)`` on `events` for each submission it grades.
    out : file
        Where the progress lines go (the bar goes to standard error, on a terminal only).
    """
    total = sum(map(len, todo.values()))
    if not total:
        return
    jobs = max(1, min(jobs, len(todo)))
    context = multiprocessing.get_context("spawn")
    events = context.Manager().Queue()
    slots = context.Manager().Queue()
    for slot in range(jobs):
        slots.put(slot)
    start = time.monotonic()
    bar = tqdm(total=total, unit="notebook", desc="grading", file=sys.stderr, disable=None, leave=False)
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_grader,
                                                initargs=(str(course.root), _overrides(course), slots)) as pool:
        # The largest shares first, so that no long student is left for last on one core.
        pending = {pool.submit(_run_in_grader, grade_student, student, work, events): student
                   for student, work in sorted(todo.items(), key=lambda item: -len(item[1]))}
        done = 0
        while done < total:
            try:
                outcome, digest, line = events.get(timeout=1)
            except queue.Empty:
                _raise_failures(pending)
                continue
            yield outcome, digest  # the caller records it before the line says it is graded
            done += 1
            elapsed = time.monotonic() - start
            left = elapsed / done * (total - done)
            bar.update(1)
            bar.write(f"[{done}/{total}] {line}" + (f"  (about {_duration(left)} left)" if done < total else ""),
                      file=out)
        _raise_failures(pending)
    bar.close()


def _raise_failures(pending: dict) -> None:
    for future, student in pending.items():
        if future.done() and future.exception() is not None:
            raise RuntimeError(f"the grading process of {student} failed: {future.exception()}")


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def _overrides(course: Course) -> dict:
    """The settings given on the command line, for the grading processes to apply alike."""
    return {"shard": None if course.shard is None else "/".join(map(str, course.shard)),
            "timeout": course.config.Execute.get("timeout"),
            "notebook_timeout": course.config.Sandbox.get("notebook_timeout"),
            "unsandboxed": bool(course.config.Sandbox.get("unsandboxed", False))}


_course: Course | None = None


def _start_grader(root: str, overrides: dict, slots) -> None:
    """Set up one grading process: its course, its sandbox user (slot), and death with the coordinator."""
    global _course
    _die_with_parent()
    quiet_warnings()
    course = Course.open(root, timeout=overrides["timeout"], notebook_timeout=overrides["notebook_timeout"],
                         unsandboxed=overrides["unsandboxed"], shard=overrides["shard"])
    # Shards graded on one machine must not share sandbox users either (a process limit is per user).
    shard_offset = 0 if course.shard is None else 100 * (course.shard[0] - 1)
    course.config.Sandbox.slot = shard_offset + slots.get()
    _course = course


def _die_with_parent() -> None:
    """If the coordinator is killed, this grading process (and so its sandboxes) ends with it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _run_in_grader(grade_student, student, work, events):
    grade_student(_course, student, work, events)
