"""The portfolio digest: every open project of a tenant on one screen, for leadership. Each line gives
the project's phase and the biggest change of its week; projects are grouped by health, off track and
at risk first; then the use cases proposed in the week and the best-ranked ones not qualified yet
(handlers/backlog.py). A handful of queries, whatever the number of projects.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session

from handlers import backlog, show
from handlers.activity import is_activity, week_of
from handlers.clock import first_zone
from handlers.later import Services
from handlers.reply import Line, Reply, Section, line
from storage import audit, deliverables, projects, statuses
from storage.models import AuditEvent, Project
from storage.vocab import Health, Phase

# Worst first: a project with no status at all is a question for leadership too.
GROUPS: tuple[tuple[str | None, str, str], ...] = (  # health, section title, as counted in the headline
    (Health.OFF_TRACK, "🔴 Off track", "off track"),
    (Health.AT_RISK, "🟠 At risk", "at risk"),
    (None, "No status yet", "without a status"),
    (Health.ON_TRACK, "🟢 On track", "on track"),
)


def portfolio_digest(services: Services, *, tenant_id: str, now: datetime) -> Reply:
    """The tenant's open projects as of `now`, with what changed in the 7 days ending then."""
    start, end = week_of(now)
    with services.database.session(write=False) as db:
        open_projects = [p for p in projects.all_of(db, tenant_id=tenant_id) if p.phase != Phase.CLOSED]
        ids = [p.id for p in open_projects if p.id is not None]
        health_now = statuses.health_at(db, project_ids=ids, at=end)
        health_then = statuses.health_at(db, project_ids=ids, at=start)
        events: dict[int | None, list[AuditEvent]] = defaultdict(list)
        for event in audit.between(db, tenant_id=tenant_id, start=start, end=end):
            if is_activity(event):
                events[event.project_id].append(event)
        overdue = _overdue(db, open_projects, now)
        proposals = backlog.portfolio_sections(db, tenant_id=tenant_id, start=start, end=end)
    week_to = show.day(now.date())
    if not open_projects:
        return Reply(
            headline=line(f"Portfolio digest, week to {week_to}: no open projects."),
            sections=proposals,
            public=True,
        )
    grouped: dict[str | None, list[Line]] = defaultdict(list)
    for project in open_projects:
        pid = project.id or 0
        now_health = health_now.get(pid)
        change = _biggest_change(events[pid], health_then.get(pid), now_health)
        late = overdue.get(pid, 0)
        grouped[now_health].append(
            line(
                f"{project.key} · {project.name} · {project.phase} · {change}",
                f" · {late} overdue deliverable{'s' if late != 1 else ''}" if late else "",
            )
        )
    counts = ", ".join(f"{len(grouped[h])} {counted}" for h, _, counted in GROUPS if grouped[h])
    return Reply(
        headline=line(
            f"Portfolio digest, week to {week_to}: {len(open_projects)} open project"
            f"{'s' if len(open_projects) != 1 else ''} ({counts})"
        ),
        sections=(
            *(Section(title, tuple(grouped[h])) for h, title, _ in GROUPS if grouped[h]),
            *proposals,
        ),
        public=True,
    )


def _overdue(db: Session, open_projects: Sequence[Project], now: datetime) -> dict[int, int]:
    """Overdue deliverables per project, each on its own local date: one query per date."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for project in open_projects:
        if project.id is not None:
            by_day[now.astimezone(first_zone(project.timezone)).date()].append(project.id)
    counts: dict[int, int] = {}
    for day, ids in by_day.items():
        counts |= deliverables.overdue_counts(db, project_ids=ids, on=day)
    return counts


def _biggest_change(events: Sequence[AuditEvent], before: str | None, now: str | None) -> str:
    """The one change that matters most this week: health, then phase, risks, decisions, deliverables,
    KPIs, and last the status updates themselves."""
    if now is not None and before != now:
        if before is None:
            return f"first status: {show.health(now)}"
        return f"health moved from {show.health(before)} to {show.health(now)}"
    found = _phase(events) or _risk(events) or _decisions(events) or _measured(events)
    if found:
        return found
    updates = sum(e.action == "status.add" for e in events)
    if updates:
        return f"{updates} status update{'s' if updates != 1 else ''}, health unchanged"
    return "nothing recorded this week" if not events else "small changes only"


def _phase(events: Sequence[AuditEvent]) -> str | None:
    moves = [e for e in events if e.action == "project.phase"]
    if not moves:
        return None
    return f"moved from {(moves[0].before or {}).get('phase')} to {(moves[-1].after or {}).get('phase')}"


def _risk(events: Sequence[AuditEvent]) -> str | None:
    """The highest-scored risk that is new or scored higher this week."""
    found: list[tuple[int, str]] = []
    for e in events:
        after, before = e.after or {}, e.before or {}
        score = int(after.get("probability", 0)) * int(after.get("impact", 0))
        if e.action == "risk.add":
            found.append((score, f"new risk {e.ref} (score {score}): {after.get('title')}"))
        elif e.action == "risk.update" and before:
            was = int(before.get("probability", 0)) * int(before.get("impact", 0))
            if score > was:
                found.append((score, f"risk {e.ref} rose to score {score} from {was}: {after.get('title')}"))
    return max(found, key=lambda pair: pair[0])[1] if found else None


def _decisions(events: Sequence[AuditEvent]) -> str | None:
    made = [e for e in events if e.action == "decision.add"]
    if not made:
        return None
    more = f" and {len(made) - 1} more decision{'s' if len(made) > 2 else ''}" if len(made) > 1 else ""
    return f"decided {made[-1].ref}: {(made[-1].after or {}).get('title')}{more}"


def _measured(events: Sequence[AuditEvent]) -> str | None:
    done = sum(e.action == "deliverable.done" for e in events)
    if done:
        return f"{done} deliverable{'s' if done != 1 else ''} done"
    measured = [e for e in events if e.action == "kpi.set"]
    if measured:
        value = (measured[-1].after or {}).get("value")
        return f"{measured[-1].ref} measured at {show.number(float(value or 0))}"
    return None
