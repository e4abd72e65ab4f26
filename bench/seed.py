"""Seed data for the benchmarks, written with bulk inserts (SQLAlchemy core, many rows per statement),
never through the command path: a tenant's projects and their history in seconds.

`fresh_database` gives an empty database at the newest schema: a SQLite file in a work directory, or
a scratch schema of its own in the PostgreSQL database the benchmark was given.
"""

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Engine, Table, func, select, text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.db import create_db_engine
from storage.models import AuditEvent, Decision, Deliverable, Member, Project, Risk, StatusUpdate
from storage.vocab import DeliverableStatus, Health, Phase, RiskStatus

CHUNK = 5_000  # rows per executemany; SQLAlchemy sends them as multi-row INSERTs
HEALTH = (Health.ON_TRACK, Health.ON_TRACK, Health.AT_RISK, Health.ON_TRACK, Health.OFF_TRACK)
ACTIONS = ("status.add", "risk.add", "risk.update", "deliverable.add", "deliverable.done", "kpi.set")


def fresh_database(kind: str, workdir: Path, name: str, postgres_url: str | None) -> str:
    """The address of an empty database at the newest schema: a new SQLite file, or `postgres_url`, a
    scratch database already migrated (tests/throwaway_postgres.scratch_database)."""
    if kind != "sqlite":
        assert postgres_url is not None
        return postgres_url
    path = workdir / f"{name}.db"
    for leftover in workdir.glob(f"{name}.db*"):
        leftover.unlink()
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def kind_of(url: str) -> str:
    return "sqlite" if make_url(url).get_backend_name() == "sqlite" else "postgresql"


@dataclass(frozen=True)
class History:
    """What each project of a tenant holds; the history is spread evenly over `days` before `now`."""

    projects: int
    days: int
    updates: int
    risks: int
    open_risks: int
    deliverables: int
    open_deliverables: int
    overdue: int  # of the open deliverables, due in the days before now
    decisions: int
    audit: int  # audit events beyond those of the records above

    def scaled(self, share: float) -> "History":
        """The same tenant with `share` of the history (the same projects and open items)."""

        def part(n: int, least: int = 0) -> int:
            return max(least, round(n * share))

        return History(
            projects=self.projects,
            days=part(self.days, 1),
            updates=part(self.updates, 1),
            risks=part(self.risks, self.open_risks),
            open_risks=self.open_risks,
            deliverables=part(self.deliverables, self.open_deliverables),
            open_deliverables=self.open_deliverables,
            overdue=self.overdue,
            decisions=part(self.decisions, 1),
            audit=part(self.audit),
        )


class _Ids:
    """Row ids handed out here, after the largest one already in the table."""

    def __init__(self, engine: Engine, table: Table) -> None:
        with engine.connect() as connection:
            top = connection.execute(select(func.max(table.c.id))).scalar() or 0
        self._next = itertools.count(top + 1)

    def __call__(self) -> int:
        return next(self._next)


def _bulk(engine: Engine, table: Table, rows: Iterator[dict[str, Any]]) -> int:
    """Write the rows through the driver itself: executemany on SQLite, COPY on PostgreSQL, with each
    value converted as SQLAlchemy would (timestamps in UTC, JSON)."""
    first = next(rows, None)
    if first is None:
        return 0
    # Columns the rows leave out (added since this was written) get their default, or NULL.
    missing = {
        c.name: (c.default.arg if c.default is not None and c.default.is_scalar else None)
        for c in table.c
        if c.name not in first and not (c.primary_key and c.autoincrement)
    }
    if missing:
        rows = (row | missing for row in itertools.chain([first], rows))
        first = next(rows)
    names = list(first)
    columns = [table.c[name] for name in names]
    dialect = engine.dialect
    postgres = dialect.name == "postgresql"
    convert: list[Any] = []
    for column in columns:
        if postgres and isinstance(column.type, JSON):
            convert.append(lambda v: None if v is None else json.dumps(v))
        else:
            convert.append(column.type.bind_processor(dialect))
    pairs = list(zip(names, convert, strict=True))

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[n] if f is None else f(row[n]) for n, f in pairs)

    written = 0
    listed = ", ".join(f'"{n}"' for n in names)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if postgres:
            with cursor.copy(f'COPY "{table.name}" ({listed}) FROM STDIN') as copy:  # type: ignore[attr-defined]
                for row in itertools.chain([first], rows):
                    copy.write_row(values(row))
                    written += 1
        else:
            cursor.execute("BEGIN")
            marks = ", ".join("?" for _ in names)
            sql = f'INSERT INTO "{table.name}" ({listed}) VALUES ({marks})'
            chained = itertools.chain([first], rows)
            while chunk := [values(r) for r in itertools.islice(chained, CHUNK)]:
                cursor.executemany(sql, chunk)
                written += len(chunk)
        raw.commit()
    finally:
        raw.close()
    return written


def _after_explicit_ids(engine: Engine, *tables: Table) -> None:
    """PostgreSQL's sequences do not see ids written by hand: move them past the largest one."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in tables:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
                )
            )


def tenant(
    engine: Engine, *, tenant_id: str, history: History, now: datetime, owners: int = 50
) -> dict[str, int]:
    """Write a tenant's projects with their history; returns rows written per table."""
    t_project, t_member = Project.__table__, Member.__table__  # type: ignore[attr-defined]
    t_status, t_risk = StatusUpdate.__table__, Risk.__table__  # type: ignore[attr-defined]
    t_item, t_decision = Deliverable.__table__, Decision.__table__  # type: ignore[attr-defined]
    t_audit = AuditEvent.__table__  # type: ignore[attr-defined]
    start = now - timedelta(days=history.days)
    span = now - start
    project_id = _Ids(engine, t_project)
    ids = [project_id() for _ in range(history.projects)]
    today = now.date()

    def at(n: int, of: int) -> datetime:
        """The n-th of `of` moments spread over the history, the last one shortly before now."""
        return start + span * ((n + 1) / (of + 1))

    def projects() -> Iterator[dict[str, Any]]:
        for n, pid in enumerate(ids):
            yield {
                "id": pid,
                "tenant_id": tenant_id,
                "key": f"p{n:04d}",
                "name": f"Project {n:04d}",
                "home_channel": f"C{tenant_id}{n:04d}",
                "phase": Phase.POC,
                "owner_id": f"U{n % owners:03d}",
                "sponsor_id": None,
                "timezone": "UTC",
                "review_cadence": "weekly thu 15:00",
                "digest_schedule": "fri 16:00",
                "ai_act_class": "minimal",
                "phase_started_at": None,
                "timebox_until": None,
                "risk_seq": history.risks,
                "decision_seq": history.decisions,
                "deliverable_seq": history.deliverables,
                "created_at": start,
                "updated_at": start,
            }

    def members() -> Iterator[dict[str, Any]]:
        for n, pid in enumerate(ids):
            yield {
                "tenant_id": tenant_id,
                "project_id": pid,
                "user_id": f"U{n % owners:03d}",
                "role": "owner",
                "display_name": None,
                "timezone": None,
            }

    def updates() -> Iterator[dict[str, Any]]:
        for n, pid in enumerate(ids):
            for u in range(history.updates):
                yield {
                    "tenant_id": tenant_id,
                    "project_id": pid,
                    "author_id": f"U{(n + u) % owners:03d}",
                    "health": HEALTH[u % len(HEALTH)],
                    "text": f"Week {u}: retrained the model on batch {u}; F1 at 0.{70 + u % 20} on the holdout set.",
                    "summary": None,
                    "summary_source": None,
                    "created_at": at(u, history.updates),
                    "request_id": None,
                }

    def risks() -> Iterator[dict[str, Any]]:
        closed = history.risks - history.open_risks
        for pid in ids:
            for r in range(history.risks):
                is_open = r >= closed
                raised = at(r, history.risks)
                yield {
                    "tenant_id": tenant_id,
                    "project_id": pid,
                    "number": r + 1,
                    "title": f"Risk {r + 1}: labelled data may arrive late",
                    "category": "data",
                    "probability": 1 + r % 5,
                    "impact": 1 + (r * 3) % 5,
                    "owner_id": None,
                    "mitigation": None,
                    "status": RiskStatus.OPEN if is_open else RiskStatus.CLOSED,
                    "review_by": today + timedelta(days=7 + r % 20)
                    if is_open
                    else (raised + timedelta(days=14)).date(),
                    "closed_reason": None if is_open else "no longer relevant",
                    "created_at": raised,
                    "updated_at": raised,
                }

    def deliverables() -> Iterator[dict[str, Any]]:
        done = history.deliverables - history.open_deliverables
        for pid in ids:
            for d in range(history.deliverables):
                made = at(d, history.deliverables)
                is_open = d >= done
                late = d - done  # 0, 1, … among the open ones
                due = (
                    today - timedelta(days=1 + late)
                    if is_open and late < history.overdue
                    else today + timedelta(days=3 + late)
                )
                yield {
                    "tenant_id": tenant_id,
                    "project_id": pid,
                    "number": d + 1,
                    "title": f"Deliverable {d + 1}: evaluation report",
                    "owner_user_id": None,
                    "owner_party": None,
                    "due_date": due if is_open else (made + timedelta(days=10)).date(),
                    "status": DeliverableStatus.OPEN if is_open else DeliverableStatus.DONE,
                    "done_at": None if is_open else made + timedelta(days=9),
                    "snoozed_until": None,
                    "created_at": made,
                    "updated_at": made,
                }

    def decisions() -> Iterator[dict[str, Any]]:
        for pid in ids:
            for d in range(history.decisions):
                yield {
                    "tenant_id": tenant_id,
                    "project_id": pid,
                    "number": d + 1,
                    "title": f"Decision {d + 1}: keep the rules engine as a fallback",
                    "rationale": "The model misses rare cases that the rules catch.",
                    "alternatives": None,
                    "decided_by": "U000",
                    "decided_at": at(d, history.decisions),
                    "status": "accepted",
                    "supersedes": None,
                    "source_link": None,
                    "gate": None,
                    "snapshot": None,
                }

    def events() -> Iterator[dict[str, Any]]:
        for pid in ids:
            for e in range(history.audit):
                yield {
                    "tenant_id": tenant_id,
                    "project_id": pid,
                    "actor_id": f"U{e % owners:03d}",
                    "at": at(e, history.audit),
                    "action": ACTIONS[e % len(ACTIONS)],
                    "ref": None,
                    "before": None,
                    "after": {"number": 1 + e % 50},
                }

    written = {
        "project": _bulk(engine, t_project, projects()),
        "member": _bulk(engine, t_member, members()),
        "statusupdate": _bulk(engine, t_status, updates()),
        "risk": _bulk(engine, t_risk, risks()),
        "deliverable": _bulk(engine, t_item, deliverables()),
        "decision": _bulk(engine, t_decision, decisions()),
        "auditevent": _bulk(engine, t_audit, events()),
    }
    _after_explicit_ids(engine, t_project)
    return written


def week(engine: Engine, *, tenant_id: str, now: datetime, updates: int, risks: int, decisions: int) -> int:
    """A week of work in every project of the tenant, with the audit events a digest reads: `updates`
    status updates, `risks` new risks and `decisions` decisions each. Returns the rows written."""
    t_status, t_risk = StatusUpdate.__table__, Risk.__table__  # type: ignore[attr-defined]
    t_decision, t_audit = Decision.__table__, AuditEvent.__table__  # type: ignore[attr-defined]
    t_project = Project.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        found = connection.execute(
            select(t_project.c.id, t_project.c.owner_id).where(t_project.c.tenant_id == tenant_id)
        ).all()
    start = now - timedelta(days=7)

    def at(n: int, of: int) -> datetime:
        return start + timedelta(days=7) * ((n + 1) / (of + 1))

    def rows(kind: str) -> Iterator[dict[str, Any]]:
        for pid, owner in found:
            if kind == "status":
                for u in range(updates):
                    yield {
                        "tenant_id": tenant_id,
                        "project_id": pid,
                        "author_id": owner,
                        "health": HEALTH[u % len(HEALTH)],
                        "text": f"Day {u}: the vendor delivered batch {u}; precision is 0.{80 + u % 15} on the pilot.",
                        "summary": None,
                        "summary_source": None,
                        "created_at": at(u, updates),
                        "request_id": None,
                    }
            elif kind == "risk":
                for r in range(risks):
                    yield {
                        "tenant_id": tenant_id,
                        "project_id": pid,
                        "number": r + 1,
                        "title": f"Risk {r + 1}: the pilot users may not adopt the tool",
                        "category": "adoption",
                        "probability": 1 + r % 5,
                        "impact": 2 + r % 4,
                        "owner_id": owner,
                        "mitigation": None,
                        "status": RiskStatus.OPEN,
                        "review_by": None,
                        "closed_reason": None,
                        "created_at": at(r, risks),
                        "updated_at": at(r, risks),
                    }
            elif kind == "decision":
                for d in range(decisions):
                    yield {
                        "tenant_id": tenant_id,
                        "project_id": pid,
                        "number": d + 1,
                        "title": f"Decision {d + 1}: run the pilot in two stores",
                        "rationale": "Two stores give enough traffic to measure the uplift.",
                        "alternatives": None,
                        "decided_by": owner,
                        "decided_at": at(d, decisions),
                        "status": "accepted",
                        "supersedes": None,
                        "source_link": None,
                        "gate": None,
                        "snapshot": None,
                    }
            else:
                made = [("status.add", None, u, updates) for u in range(updates)]
                made += [("risk.add", f"R-{r + 1}", r, risks) for r in range(risks)]
                made += [("decision.add", f"D-{d + 1}", d, decisions) for d in range(decisions)]
                for action, ref, n, of in made:
                    yield {
                        "tenant_id": tenant_id,
                        "project_id": pid,
                        "actor_id": owner,
                        "at": at(n, of),
                        "action": action,
                        "ref": ref,
                        "before": None,
                        "after": {"number": n + 1} if ref else None,
                    }

    written = _bulk(engine, t_status, rows("status"))
    written += _bulk(engine, t_risk, rows("risk"))
    written += _bulk(engine, t_decision, rows("decision"))
    written += _bulk(engine, t_audit, rows("audit"))
    with engine.begin() as connection:
        connection.execute(
            t_project.update()
            .where(t_project.c.tenant_id == tenant_id)
            .values(risk_seq=risks, decision_seq=decisions)
        )
    return written
