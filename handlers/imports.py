"""A register kept elsewhere brought into a project (`pmbot import`): the zip `pmbot export --format csv`
writes, or risks.csv, deliverables.csv and decisions.csv on their own (columns: handlers/exports.py).

Every row is read with the rules and value readers the commands use (handlers/values.py). Every bad
cell is reported by file and line, and then nothing is imported; otherwise every row is, in one
transaction, numbered after the project's own records, each with its audit event.
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.command import Command, Context
from handlers.errors import CommandError
from handlers.exports import COLUMNS, unguard
from handlers.values import (
    any_date,
    choice,
    person,
    ref,
    text_for,
    web_link,
    whole_number,
)
from storage import imports, projects
from storage.models import Decision, Deliverable, Project, Risk
from storage.vocab import DecisionStatus, DeliverableStatus, Gate, RiskCategory, RiskStatus, Role

FILES = tuple(COLUMNS)  # risks.csv, deliverables.csv, decisions.csv
REQUIRED = {
    "risks.csv": ("title", "probability", "impact"),
    "deliverables.csv": ("title", "due_date"),
    "decisions.csv": ("title", "rationale"),
}
MAX_BYTES = 20_000_000  # of all the CSV text read from one zip


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: `deliverables.csv line 7: due_date: “32/13” is not a date; …`."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class RegisterError(Exception):
    """Nothing was imported; `problems` says why, every one of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Imported:
    risks: tuple[str, ...]  # the new refs, in the order of the file
    deliverables: tuple[str, ...]
    decisions: tuple[str, ...]

    def summary(self) -> str:
        """`3 risks (R-4 to R-6), 1 deliverable (A-2), 0 decisions`."""
        parts = []
        for what, refs in (
            ("risk", self.risks),
            ("deliverable", self.deliverables),
            ("decision", self.decisions),
        ):
            span = f" ({refs[0]})" if len(refs) == 1 else f" ({refs[0]} to {refs[-1]})" if refs else ""
            parts.append(f"{len(refs)} {what}{'s' if len(refs) != 1 else ''}{span}")
        return ", ".join(parts)


# -- the files


def files_of(name: str, data: bytes) -> dict[str, bytes]:
    """The CSV files in what was given: the members of a zip, or one CSV file, by file name."""
    if not (name.lower().endswith(".zip") or data.startswith(b"PK\x03\x04")):
        return {PurePosixPath(name).name: data}
    found: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                m
                for m in archive.infolist()
                if not m.is_dir() and not PurePosixPath(m.filename).name.startswith(".")
                if not m.filename.startswith("__MACOSX/")
            ]
            if sum(m.file_size for m in members) > MAX_BYTES:
                raise RegisterError([Problem(name, None, "is too large to import.")])
            for member in members:
                inner = PurePosixPath(member.filename).name
                if inner in found:
                    raise RegisterError([Problem(name, None, f"holds {inner} twice; keep one.")])
                found[inner] = archive.read(member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as problem:
        raise RegisterError([Problem(name, None, f"cannot be read as a zip ({problem}).")]) from None
    return found


def _kind(name: str, header: Sequence[str]) -> str | None:
    """Which register a file holds: by its name, else by the columns only that register has."""
    if name.lower() in FILES:
        return name.lower()
    for kind, marker in (
        ("risks.csv", "probability"),
        ("deliverables.csv", "due_date"),
        ("decisions.csv", "rationale"),
    ):
        if marker in header:
            return kind
    return None


def _column(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


@dataclass
class _Table:
    kind: str
    file: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line, column → cell)


def _table(name: str, data: bytes, problems: list[Problem]) -> _Table | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(name, None, "is not UTF-8 text: save it as “CSV UTF-8” and try again."))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_column(h) for h in next(reader, [])]
        kind = _kind(name, header)
        if kind is None:
            problems.append(
                Problem(
                    name,
                    None,
                    "is not a register I know: name it risks.csv, deliverables.csv or decisions.csv.",
                )
            )
            return None
        table = _Table(kind, name)
        known = set(COLUMNS[kind])
        unknown = [h for h in header if h and h not in known]  # a column with no name is left out
        missing = [c for c in REQUIRED[kind] if c not in header]
        if unknown:
            problems.append(
                Problem(
                    name,
                    1,
                    f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(f'“{u}”' for u in unknown)}; "
                    f"the columns are {', '.join(COLUMNS[kind])}.",
                )
            )
        if missing:
            problems.append(
                Problem(
                    name,
                    1,
                    f"the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} must be there.",
                )
            )
        doubled = sorted({h for h in header if h and header.count(h) > 1})
        if doubled:
            problems.append(Problem(name, 1, f"the column {', '.join(doubled)} is there twice."))
        if unknown or missing or doubled:
            return None
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(cells) > len(header):
                    problems.append(
                        Problem(
                            name, start, f"has {len(cells)} cells but the header has {len(header)} columns."
                        )
                    )
                elif any(c.strip() for h, c in zip(header, cells, strict=False) if not h):
                    problems.append(
                        Problem(name, start, "has a value in a column with no name in the header.")
                    )
                else:
                    values = {h: unguard(c).strip() for h, c in zip(header, cells, strict=False) if h}
                    table.rows.append((start, values))
            start = reader.line_num + 1
    except csv.Error as problem:
        problems.append(Problem(name, reader.line_num, f"is not valid CSV ({problem})."))
        return None
    return table


# -- the values


def _date(raw: str, ctx: Context) -> date:
    try:
        return any_date(raw, ctx)
    except CommandError:
        raise CommandError(f"“{raw}” is not a date; write it as 2026-12-01.") from None


def _moment(raw: str, ctx: Context) -> datetime:
    """A date and time as exported (ISO, with its offset); without an offset it is the importer's
    time, and a date alone is its start."""
    try:
        found = datetime.fromisoformat(raw)
    except ValueError:
        try:
            found = datetime.combine(any_date(raw, ctx), time.min)
        except CommandError:
            raise CommandError(
                f"“{raw}” is not a date and time; write it as 2026-12-01T14:30:00+00:00."
            ) from None
    return found if found.tzinfo else found.replace(tzinfo=ctx.tz)


def _person(raw: str, ctx: Context) -> str:
    """A user id as exported (U024BE7LH, or a name in the console), or a mention."""
    try:
        return person(raw if raw.startswith(("@", "<@")) else f"@{raw}", ctx)
    except CommandError:
        raise CommandError(
            f"“{raw}” is not a user id; write the id pmbot exported (such as U024BE7LH)."
        ) from None


Reader = Callable[[str, Context], object]


class _Row:
    """One row being read: each cell through its reader, every problem noted with the file and line."""

    def __init__(
        self, table: _Table, line: int, cells: Mapping[str, str], ctx: Context, problems: list[Problem]
    ):
        self.table, self.line, self.cells, self.ctx, self.problems = table, line, cells, ctx, problems

    def problem(self, message: str) -> None:
        self.problems.append(Problem(self.table.file, self.line, message))

    def get(self, column: str, read: Reader, *, required: bool = False) -> Any:
        """The cell read, or None when it is empty or bad (a bad one is noted: nothing will be kept)."""
        raw = self.cells.get(column, "")
        if not raw:
            if required:
                self.problem(f"{column} is empty; it must be given.")
            return None
        try:
            return read(raw, self.ctx)
        except CommandError as problem:
            said = problem.message
            self.problem(said if said.startswith(f"{column} ") else f"{column}: {said}")
            return None


RISK_TITLE, DELIVERABLE_TITLE, DECISION_TITLE = (text_for(m, "title") for m in (Risk, Deliverable, Decision))


def _risk(row: _Row) -> Risk:
    # Cells are read in the order of the columns, so that problems are listed in that order.
    title = row.get("title", RISK_TITLE, required=True)
    probability = row.get("probability", whole_number(1, 5, "probability"), required=True)
    impact = row.get("impact", whole_number(1, 5, "impact"), required=True)
    category = row.get("category", choice(RiskCategory, "risk category"))
    owner = row.get("owner", _person)
    mitigation = row.get("mitigation", text_for(Risk, "mitigation"))
    status = row.get("status", choice(RiskStatus, "risk status")) or RiskStatus.OPEN
    review_by = row.get("review_by", _date)
    closed_reason = row.get("closed_reason", text_for(Risk, "closed_reason"))
    created = row.get("created_at", _moment) or row.ctx.now
    return Risk(
        tenant_id="",
        project_id=0,
        number=0,
        title=title,
        probability=probability,
        impact=impact,
        category=category,
        owner_id=owner,
        mitigation=mitigation,
        status=status,
        review_by=review_by,
        closed_reason=closed_reason,
        created_at=created,
        updated_at=row.ctx.now,
    )


def _deliverable(row: _Row) -> Deliverable:
    now = row.ctx.now
    title = row.get("title", DELIVERABLE_TITLE, required=True)
    owner = row.get("owner", _person)
    party = row.get("owner_party", text_for(Deliverable, "owner_party"))
    if not row.cells.get("owner") and not row.cells.get("owner_party"):
        row.problem(
            "owner: give an owner (a user id) or an owner_party (an outside party such as IT data team)."
        )
    elif owner and party:
        row.problem("owner_party: give an owner or an owner_party, not both.")
    due = row.get("due_date", _date, required=True)
    status = row.get("status", choice(DeliverableStatus, "deliverable status")) or DeliverableStatus.OPEN
    snoozed = row.get("snoozed_until", _date)
    done_at = row.get("done_at", _moment)
    created = row.get("created_at", _moment) or now
    return Deliverable(
        tenant_id="",
        project_id=0,
        number=0,
        title=title,
        owner_user_id=owner,
        owner_party=party,
        due_date=due,
        status=status,
        done_at=(done_at or now) if status == DeliverableStatus.DONE else None,
        snoozed_until=snoozed,
        created_at=created,
        updated_at=now,
    )


def _decision(row: _Row) -> Decision:
    title = row.get("title", DECISION_TITLE, required=True)
    rationale = row.get("rationale", text_for(Decision, "rationale"), required=True)
    alternatives = row.get("alternatives", text_for(Decision, "alternatives"))
    decided_by = row.get("decided_by", _person) or row.ctx.actor
    decided_at = row.get("decided_at", _moment) or row.ctx.now
    status = row.get("status", choice(DecisionStatus, "decision status")) or DecisionStatus.ACCEPTED
    gate = row.get("gate", choice(Gate, "gate decision"))
    source_link = row.get("source_link", web_link)
    return Decision(
        tenant_id="",
        project_id=0,
        number=0,
        title=title,
        rationale=rationale,
        alternatives=alternatives,
        decided_by=decided_by,
        decided_at=decided_at,
        status=status,
        gate=gate,
        source_link=source_link,
    )


_BUILD: dict[str, Callable[[_Row], Risk | Deliverable | Decision]] = {
    "risks.csv": _risk,
    "deliverables.csv": _deliverable,
    "decisions.csv": _decision,
}
_LETTERS = {"risks.csv": "R", "deliverables.csv": "A", "decisions.csv": "D"}


@dataclass
class _Read:
    """The records read from one register, in the order of its file, with the refs the file gave them."""

    records: list[Risk | Deliverable | Decision] = field(default_factory=list)
    refs: list[int | None] = field(default_factory=list)
    supersedes: list[tuple[int, int, _Row]] = field(default_factory=list)  # (index, file's D-n, row)


def _read(table: _Table, ctx: Context, problems: list[Problem]) -> _Read:
    read = _Read()
    seen: dict[int, int] = {}  # the file's numbers, and the line each is on
    letter = _LETTERS[table.kind]
    for line, cells in table.rows:
        row = _Row(table, line, cells, ctx, problems)
        number = row.get("ref", ref(letter))
        if isinstance(number, int) and number in seen:
            row.problem(f"ref: {letter}-{number} is already on line {seen[number]}.")
        elif isinstance(number, int):
            seen[number] = line
        record = _BUILD[table.kind](row)
        superseded = row.get("supersedes", ref("D")) if table.kind == "decisions.csv" else None
        if isinstance(superseded, int):
            read.supersedes.append((len(read.records), superseded, row))
        read.records.append(record)
        read.refs.append(number if isinstance(number, int) else None)
    for _index, superseded, row in read.supersedes:
        if superseded not in seen:
            row.problem(
                f"supersedes: D-{superseded} is not in {table.file}; give the ref of a decision in it."
            )
    return read


def _in_order(problems: list[Problem]) -> list[Problem]:
    """By file (in the order they were given) and line; a line's problems in the order of its columns."""
    files = list(dict.fromkeys(p.file for p in problems))
    return sorted(problems, key=lambda p: (files.index(p.file), p.line or 0))


def import_register(
    db: Session,
    project: Project,
    files: Mapping[str, bytes],
    *,
    actor_id: str,
    now: datetime,
    tz: ZoneInfo,
) -> Imported:
    """Import the risks, deliverables and decisions in `files` (file name → content) into `project`,
    all of them or, when any row is bad, none (RegisterError lists every problem)."""
    problems: list[Problem] = []
    tables: dict[str, _Table] = {}
    for name, data in files.items():
        table = _table(name, data, problems)
        if table is not None and table.kind in tables:
            problems.append(
                Problem(
                    name, None, f"holds {table.kind[:-4]} like {tables[table.kind].file}; give one of each."
                )
            )
        elif table is not None:
            tables[table.kind] = table
    if not files:
        problems.append(
            Problem(
                "(nothing)",
                None,
                "give risks.csv, deliverables.csv or decisions.csv, or the zip of pmbot export.",
            )
        )
    command = Command(
        tenant_id=project.tenant_id, user_id=actor_id, channel_id="", text="import", request_id=""
    )
    ctx = Context(command, db, now, tz, project)
    read = {
        kind: _read(table, ctx, problems)
        for kind, table in sorted(tables.items(), key=lambda t: FILES.index(t[0]))
    }
    if problems:
        raise RegisterError(_in_order(problems))
    done: dict[str, tuple[str, ...]] = {}
    for kind, found in read.items():
        imports.number(db, project=project, records=found.records)
        if kind == "decisions.csv":
            renumbered = {old: new.number for old, new in zip(found.refs, found.records, strict=True) if old}
            for index, superseded, _row in found.supersedes:
                decision = found.records[index]
                assert isinstance(decision, Decision)
                decision.supersedes = renumbered[superseded]
        imports.keep(db, project=project, records=found.records, actor_id=actor_id, now=now)
        done[kind] = tuple(r.ref for r in found.records)
        for record in found.records:
            if isinstance(record, Deliverable) and record.owner_user_id:
                projects.add_member(
                    db,
                    project=project,
                    user_id=record.owner_user_id,
                    role=Role.MEMBER,
                    actor_id=actor_id,
                    now=now,
                )
    return Imported(
        risks=done.get("risks.csv", ()),
        deliverables=done.get("deliverables.csv", ()),
        decisions=done.get("decisions.csv", ()),
    )
