"""A project taken out of pmbot: its RAID log as CSV files in a zip (which `pmbot import` reads back,
handlers/imports.py), the whole project as one Markdown document, or everything as JSON.

CSV files are UTF-8 (with a byte-order mark, so that Excel reads accents right) with a header row;
people are their user ids, dates ISO (2026-12-01), times ISO in UTC. A cell that a spreadsheet would
take for a formula (it starts with =, +, -, @, a tab or a carriage return) is prefixed with `'`, as
OWASP advises against CSV injection; the import takes the prefix off again.
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers import lifecycle, lifecycle_warnings, show
from handlers.markdown import markdown
from handlers.reply import Field, Line, Reply, Section, line
from handlers.report import steering_report
from storage import decisions, deliverables, kpis, risks, statuses
from storage.models import Decision, Deliverable, Project, Risk
from storage.vocab import DecisionStatus

# The columns of each CSV file, in order; the README's "Exports and imports" lists them too.
RISK_COLUMNS = (
    "ref",
    "title",
    "probability",
    "impact",
    "score",
    "category",
    "owner",
    "mitigation",
    "status",
    "review_by",
    "closed_reason",
    "created_at",
)
DELIVERABLE_COLUMNS = (
    "ref",
    "title",
    "owner",
    "owner_party",
    "due_date",
    "status",
    "snoozed_until",
    "done_at",
    "created_at",
)
DECISION_COLUMNS = (
    "ref",
    "title",
    "rationale",
    "alternatives",
    "decided_by",
    "decided_at",
    "status",
    "supersedes",
    "gate",
    "source_link",
)
COLUMNS = {
    "risks.csv": RISK_COLUMNS,
    "deliverables.csv": DELIVERABLE_COLUMNS,
    "decisions.csv": DECISION_COLUMNS,
}

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # before anything pmbot has recorded
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "md", "json")
_TYPES = {"csv": "application/zip", "md": "text/markdown; charset=utf-8", "json": "application/json"}
_NAMES = {"csv": "{key}-raid-{day}.zip", "md": "{key}-{day}.md", "json": "{key}-{day}.json"}


def guard(value: str) -> str:
    """A cell no spreadsheet runs as a formula: `'` before one that starts like a formula, and before
    one that starts with `'` followed by such a start (so that `unguard` gives back any value exactly)."""
    return "'" + value if value.lstrip("'").startswith(FORMULA_START) else value


def unguard(value: str) -> str:
    """The value `guard` was given."""
    return value[1:] if value.startswith("'") and value[1:].lstrip("'").startswith(FORMULA_START) else value


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return guard(str(value))


def _csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _risk_row(risk: Risk) -> tuple[object, ...]:
    return (
        risk.ref,
        risk.title,
        risk.probability,
        risk.impact,
        risk.score,
        risk.category,
        risk.owner_id,
        risk.mitigation,
        risk.status,
        risk.review_by,
        risk.closed_reason,
        risk.created_at,
    )


def _deliverable_row(item: Deliverable) -> tuple[object, ...]:
    return (
        item.ref,
        item.title,
        item.owner_user_id,
        item.owner_party,
        item.due_date,
        item.status,
        item.snoozed_until,
        item.done_at,
        item.created_at,
    )


def _decision_row(decision: Decision) -> tuple[object, ...]:
    return (
        decision.ref,
        decision.title,
        decision.rationale,
        decision.alternatives,
        decision.decided_by,
        decision.decided_at,
        decision.status,
        f"D-{decision.supersedes}" if decision.supersedes else None,
        decision.gate,
        decision.source_link,
    )


@dataclass(frozen=True)
class Register:
    """Everything in a project's RAID log, by number."""

    risks: Sequence[Risk]
    deliverables: Sequence[Deliverable]
    decisions: Sequence[Decision]


def register(db: Session, project: Project) -> Register:
    # Numbers run from 1 to the project's counter: asking for all of them is asking for every record.
    return Register(
        risks=risks.all_of(db, project=project),
        deliverables=deliverables.by_numbers(
            db, project=project, numbers=range(1, project.deliverable_seq + 1)
        ),
        decisions=decisions.by_numbers(db, project=project, numbers=range(1, project.decision_seq + 1)),
    )


def counts(found: Register) -> str:
    """`3 risks, 1 deliverable, 0 decisions`."""
    sizes = (
        ("risk", len(found.risks)),
        ("deliverable", len(found.deliverables)),
        ("decision", len(found.decisions)),
    )
    return ", ".join(f"{n} {what}{'s' if n != 1 else ''}" for what, n in sizes)


def csv_zip(db: Session, project: Project, tz: ZoneInfo, *, now: datetime | None = None) -> bytes:
    """risks.csv, deliverables.csv and decisions.csv in a zip; its files are dated `now` in `tz`."""
    found = register(db, project)
    files = {
        "risks.csv": _csv(RISK_COLUMNS, map(_risk_row, found.risks)),
        "deliverables.csv": _csv(DELIVERABLE_COLUMNS, map(_deliverable_row, found.deliverables)),
        "decisions.csv": _csv(DECISION_COLUMNS, map(_decision_row, found.decisions)),
    }
    stamp = (now or datetime(1980, 1, 1, tzinfo=tz)).astimezone(tz).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _risk_item(risk: Risk) -> Line:
    details = [f"category {risk.category}"] if risk.category else []
    details.append(f"mitigation: {risk.mitigation}" if risk.mitigation else "no mitigation yet")
    if risk.review_by:
        details.append(f"review by {show.day(risk.review_by)}")
    if risk.closed_reason:
        details.append(f"closed because {risk.closed_reason}")
    return line(*show.risk_line(risk), " — ", "; ".join(details))


def _decision_item(decision: Decision, replaced_by: dict[int, str], tz: ZoneInfo) -> Line:
    extra = f"; alternatives considered: {decision.alternatives}" if decision.alternatives else ""
    status = (
        f" · superseded by {replaced_by.get(decision.number, '?')}"
        if decision.status == DecisionStatus.SUPERSEDED
        else ""
    )
    return line(
        f"{decision.ref} · {decision.title} · ",
        show.who(decision.decided_by),
        f" · {show.day(decision.decided_at.astimezone(tz).date())}",
        f" · supersedes D-{decision.supersedes}" if decision.supersedes else "",
        f" · gate: {decision.gate}" if decision.gate else "",
        status,
        f" — because {decision.rationale}{extra}",
        f" (source: {decision.source_link})" if decision.source_link else "",
    )


def project_reply(db: Session, project: Project, *, now: datetime, tz: ZoneInfo) -> Reply:
    """The whole project as one reply: the card's facts, KPIs, every risk, decision and deliverable,
    the warnings and the status history."""
    today = now.astimezone(tz).date()
    card = steering_report(db, project, now=now, tz=tz, since=project.created_at)
    facts = lifecycle.load(db, project, now=now)
    found = register(db, project)
    values = kpis.latest_values(db, project=project)
    kpi_lines = tuple(
        line(show.kpi_progress(k, values.get(k.id or 0))) for k in kpis.all_of(db, project=project)
    )
    replaced_by = {d.supersedes: d.ref for d in found.decisions if d.supersedes}
    history = list(reversed(statuses.since(db, project=project, start=EPOCH)))
    fields = [
        Field("Key", line(project.key)),
        Field("Owner", line(show.who(project.owner_id))),
        *card.fields,
        Field("Created", line(show.day(project.created_at.astimezone(tz).date()))),
    ]
    sections = [
        Section("Success KPIs", kpi_lines or (line("None defined."),)),
        Section("Risks", tuple(_risk_item(r) for r in found.risks) or (line("None recorded."),)),
        Section(
            "Decisions",
            tuple(_decision_item(d, replaced_by, tz) for d in found.decisions) or (line("None recorded."),),
        ),
        Section(
            "Deliverables",
            tuple(show.deliverable_line(d, today) for d in found.deliverables) or (line("None recorded."),),
        ),
        *lifecycle_warnings.section(lifecycle_warnings.warnings(facts), project.key),
        Section(
            "Status history, newest first",
            tuple(
                line(
                    f"{show.day(u.created_at.astimezone(tz).date())} · {show.health(u.health)} · ",
                    show.who(u.author_id),
                    f" · {u.text}",
                )
                for u in history
            )
            or (line("No status has been posted yet."),),
        ),
    ]
    return Reply(
        headline=line(f"{project.name} ({project.key})"),
        fields=tuple(fields),
        sections=tuple(sections),
        notes=(line(f"Exported by pmbot on {show.day(today)}."),),
    )


def markdown_document(db: Session, project: Project, now: datetime, tz: ZoneInfo) -> str:
    """The whole project as one Markdown document (see `project_reply`)."""
    return markdown(project_reply(db, project, now=now, tz=tz))


def _record(row: Risk | Deliverable | Decision) -> dict[str, Any]:
    return {"ref": row.ref, **row.model_dump(mode="json", exclude={"id", "tenant_id", "project_id"})}


def json_document(db: Session, project: Project, now: datetime) -> dict[str, Any]:
    """Everything pmbot keeps about the project's work, as JSON: the project, KPIs with their
    measurements, risks, decisions (gate snapshots included), deliverables and status updates."""
    found = register(db, project)
    exclude = {"id", "tenant_id", "project_id", "risk_seq", "decision_seq", "deliverable_seq"}
    return {
        "exported_at": now.isoformat(),
        "project": project.model_dump(mode="json", exclude=exclude),
        "kpis": [
            {
                **kpi.model_dump(mode="json", exclude={"id", "tenant_id", "project_id"}),
                "measurements": [
                    m.model_dump(mode="json", exclude={"id", "tenant_id", "kpi_id"})
                    for m in kpis.history(db, kpi=kpi)
                ],
            }
            for kpi in kpis.all_of(db, project=project)
        ],
        "risks": [_record(r) for r in found.risks],
        "decisions": [_record(d) for d in found.decisions],
        "deliverables": [_record(d) for d in found.deliverables],
        "status_updates": [
            u.model_dump(mode="json", exclude={"id", "tenant_id", "project_id", "request_id"})
            for u in statuses.since(db, project=project, start=EPOCH)
        ],
    }


@dataclass(frozen=True)
class ExportFile:
    filename: str
    data: bytes
    content_type: str


def export_file(db: Session, project: Project, fmt: str, *, now: datetime, tz: ZoneInfo) -> ExportFile:
    """The project exported in `fmt` (csv, md or json), named after it and the day."""
    assert fmt in FORMATS, fmt
    if fmt == "csv":
        data = csv_zip(db, project, tz, now=now)
    elif fmt == "md":
        data = markdown_document(db, project, now, tz).encode()
    else:
        data = (json.dumps(json_document(db, project, now), indent=2, ensure_ascii=False) + "\n").encode()
    filename = _NAMES[fmt].format(key=project.key, day=now.astimezone(tz).date().isoformat())
    return ExportFile(filename, data, _TYPES[fmt])
