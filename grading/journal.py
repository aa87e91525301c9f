"""The grading journal: one line per submission graded, written the moment its grades are in the gradebook.

An interrupted grading run leaves every finished submission in the journal (``grading_journal.jsonl`` in the
course directory); the next run skips those whose files, and whose assignment's sources, have not changed
since, and grades the rest again from the start. So interrupting and restarting loses nothing (an
unfinished submission is graded anew, replacing whatever half of it reached the gradebook) and duplicates
nothing (nbgrader keeps one submission per student and assignment, and the journal one outcome).

Examples
--------
>>> import tempfile
>>> from grading.records import Outcome
>>> journal = Journal(Path(tempfile.mkdtemp()) / "journal.jsonl")
>>> journal.record(Outcome("ada", "relu_basics", "graded", 3.2), "abc")
>>> journal.latest()[("ada", "relu_basics")][1].status
'graded'
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from .records import Outcome


class Journal:
    """An append-only file of ``{"fingerprint": ..., "outcome": ...}`` lines."""

    def __init__(self, path: Path):
        self.path = path

    def record(self, outcome: Outcome, fingerprint: str) -> None:
        """Append one finished submission, durably (a crash right after cannot lose it)."""
        line = json.dumps({"fingerprint": fingerprint, "outcome": asdict(outcome)}) + "\n"
        with open(self.path, "a") as file:
            file.write(line)
            file.flush()
            os.fsync(file.fileno())

    def latest(self) -> dict[tuple[str, str], tuple[str, Outcome]]:
        """(student, assignment) -> (fingerprint, outcome) of its last recorded grading.

        A line cut short by a crash is ignored: that submission is simply graded again.
        """
        entries = {}
        if not self.path.is_file():
            return entries
        for line in self.path.read_text().splitlines():
            try:
                data = json.loads(line)
                outcome = Outcome(**data["outcome"])
            except (ValueError, KeyError, TypeError):
                continue
            entries[outcome.student, outcome.assignment] = (data["fingerprint"], outcome)
        return entries

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def fingerprint(*folders: Path, extra: bytes = b"") -> str:
    """A digest of every file in `folders` (names and contents) and `extra`: what a grade depends on."""
    digest = hashlib.sha256(extra)
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
