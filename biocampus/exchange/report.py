"""What an import did or would do, row by row: the counts, the problems, the probable duplicates.

A report is plain data (it is stored as JSON on the import run and shown by the page and the command),
so everything in it is a string or a number.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    INVALID = "invalid"
    DUPLICATE = "duplicate"  # probably an existing organisation: waits for a decision


@dataclass
class Problem:
    line: int | None  # None: the file as a whole
    column: str  # "" when the problem is the row's, not one cell's
    message: str


@dataclass
class Candidate:
    public_id: str
    name: str
    score: float
    reason: str


@dataclass
class Duplicate:
    """A row that probably is an existing organisation."""

    line: int
    name: str
    candidates: list[Candidate]


@dataclass
class Note:
    """Something worth knowing that is not wrong, such as a match found through an alias."""

    line: int
    message: str


@dataclass
class Report:
    file_name: str
    kind: str
    dry_run: bool = False
    skip_invalid: bool = False
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {outcome.value: 0 for outcome in Outcome})
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0
    bulk: bool = False  # written by the bulk path (bulk.py): all or nothing, no --skip-invalid
    stopped_at: int = 0  # the bulk path stops reading after MAX_PROBLEMS problems: the row it stopped at

    # --- building

    def refuse(self, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(line, "", message))

    def count(self, outcome: Outcome) -> None:
        self.counts[outcome.value] += 1

    # --- reading

    @property
    def refused(self) -> bool:
        """The file as a whole could not be imported (unreadable, wrong columns)."""
        return any(problem.line is None for problem in self.problems) or (bool(self.problems) and self.rows == 0)

    @property
    def blocked(self) -> int:
        """Rows that are invalid or wait for a duplicate decision."""
        return self.counts[Outcome.INVALID] + self.counts[Outcome.DUPLICATE]

    @property
    def ok(self) -> bool:
        """Nothing is wrong, or what is wrong was skipped on purpose."""
        if self.refused:
            return False
        return self.blocked == 0 or self.skip_invalid

    def summary(self) -> str:
        values = {"file": self.file_name, "rows": self.rows, **self.counts}
        if self.written or (not self.dry_run and not self.blocked and not self.refused):
            text = _(
                "%(file)s: %(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(invalid)s invalid, %(duplicate)s probable duplicates."
            )
        else:
            text = _(
                "%(file)s: %(rows)s rows: %(created)s to create, %(updated)s to update, %(unchanged)s unchanged, "
                "%(invalid)s invalid, %(duplicate)s probable duplicates."
            )
        return text % values

    def verdict(self) -> str:
        if self.refused:
            return _("Nothing was imported: the file was refused.")
        if self.dry_run:
            if self.blocked and not self.skip_invalid:
                return _("Dry run: nothing was written. As it stands, this file would be refused.")
            return _("Dry run: nothing was written.")
        if self.written:
            if self.blocked:
                return _("Imported; %(n)s rows were skipped.") % {"n": self.blocked}
            return _("Imported.")
        if not self.blocked:
            return _("Nothing needed writing: the records are as the file says.")
        if self.bulk:
            text = _("Nothing was written: correct the rows below (a bulk import is all or nothing).")
            if self.stopped_at:
                text += " " + _("Reading stopped at row %(n)s, after the first %(max)s problems.") % {
                    "n": self.stopped_at,
                    "max": len(self.problems),
                }
            return text
        steps = []
        if self.counts[Outcome.INVALID]:
            steps.append(_("correct the rows below"))
        if self.counts[Outcome.DUPLICATE]:
            steps.append(_("decide on the probable duplicates (a match column, or --create-new)"))
        steps.append(_("or import the other rows only (--skip-invalid)"))
        return _("Nothing was written: %(steps)s.") % {"steps": ", ".join(steps)}

    def as_text(self) -> str:
        """The report as the command prints it: one line per problem, `file:line column: message`."""
        lines = [self.summary(), self.verdict()]
        for problem in self.problems:
            where = self.file_name if problem.line is None else f"{self.file_name}:{problem.line}"
            column = f" {problem.column}" if problem.column else ""
            lines.append(f"{where}{column}: {problem.message}")
        for duplicate in self.duplicates:
            best = "; ".join(f"“{c.name}” [{c.public_id}] ({c.score:.2f}, {c.reason})" for c in duplicate.candidates)
            lines.append(
                f"{self.file_name}:{duplicate.line}: "
                + _(
                    "“%(name)s” is probably %(candidates)s. Not created: set the match column to a public id to "
                    "update that organisation, or to “new” (or use --create-new) to create it anyway."
                )
                % {"name": duplicate.name, "candidates": best}
            )
        for note in self.notes:
            lines.append(f"{self.file_name}:{note.line}: {note.message}")
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        data = dict(data)
        data["problems"] = [Problem(**p) for p in data.get("problems", [])]
        data["duplicates"] = [
            Duplicate(d["line"], d["name"], [Candidate(**c) for c in d["candidates"]])
            for d in data.get("duplicates", [])
        ]
        data["notes"] = [Note(**n) for n in data.get("notes", [])]
        return cls(**data)
