"""The steering-committee report of a project, in business language: where the project stands in its
lifecycle and at its gate, its health and trend, its success KPIs against their targets, its top risks
with what is done about them, the decisions made since the last report, what pmbot sees going wrong,
and what the committee is asked for."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers import gates, governance, lifecycle, lifecycle_warnings, show
from handlers.digest import health_trend
from handlers.gate_decisions import following
from handlers.lifecycle import Facts
from handlers.reply import Field, Line, Reply, Section, line
from storage import decisions, risks
from storage.models import Decision, Project
from storage.vocab import Dpia, Phase

TOP_RISKS = 5
RATIONALE = 300  # characters of a decision's rationale shown


def steering_report(db: Session, project: Project, *, now: datetime, tz: ZoneInfo, since: datetime) -> Reply:
    """The report as of `now`, with the decisions made after `since`; dates in `tz`."""
    assert project.id is not None
    facts = lifecycle.load(db, project, now=now)
    found = gates.states(facts) if project.phase != Phase.CLOSED else []
    trend = [h for h in health_trend(db, project_id=project.id, now=now) if h is not None]
    made = decisions.since(db, project=project, start=since)
    top = risks.open_by_score(db, project=project, limit=TOP_RISKS)
    warned = lifecycle_warnings.warnings(facts)
    fields = [
        Field("Phase", line(_phase(facts, tz))),
        Field("Health", line(show.health(trend[-1] if trend else None))),
        Field("Sponsor", line(show.who(project.sponsor_id) if project.sponsor_id else "not named yet")),
        *governance.card_fields(project, facts.governance),
    ]
    if len(trend) > 1:
        fields.insert(
            2, Field(f"Health, last {len(trend)} weeks", line(" → ".join(show.health(h) for h in trend)))
        )
    if found:
        fields.insert(1, Field(f"Gate of {project.phase}", line(gates.tally(found))))
    status = facts.latest_status
    where = (
        line(
            f"{status.text} (",
            show.who(status.author_id),
            f", {show.day(status.created_at.astimezone(tz).date())})",
        )
        if status
        else line("No status has been posted yet.")
    )
    kpi_lines = tuple(line(show.kpi_progress(k, _latest(facts, k.id))) for k in facts.kpis)
    sections = [
        Section("Where it stands", (where,)),
        Section(
            "Success KPIs against their targets",
            kpi_lines or (line("No success KPI is defined yet, so success cannot be judged."),),
        ),
        Section(
            "Top risks and what is done about them",
            tuple(_risk(r.ref, r.title, r.score, r.mitigation, r.owner_id) for r in top)
            or (line("No open risks."),),
        ),
        Section(
            f"Decisions since {show.day(since.astimezone(tz).date())}",
            tuple(_decision(d) for d in made) or (line("None."),),
        ),
    ]
    if warned:
        sections.append(Section("Points needing attention", tuple(line(w.text) for w in warned)))
    asks = _asks(facts, found)
    if asks:
        sections.append(Section("Asks of the committee", asks))
    return Reply(
        headline=line(
            f"Steering committee report: {project.name} ({project.key}), {show.day(now.astimezone(tz).date())}"
        ),
        fields=tuple(fields),
        sections=tuple(sections),
    )


def _phase(facts: Facts, tz: ZoneInfo) -> str:
    project = facts.project
    started = show.day(facts.phase_started.astimezone(tz).date())
    timebox = f", timeboxed until {show.day(project.timebox_until)}" if project.timebox_until else ""
    return f"{project.phase} since {started}{timebox}"


def _latest(facts: Facts, kpi_id: int | None) -> float | None:
    measured = facts.measured.get(kpi_id or 0)
    return measured.value if measured else None


def _risk(ref: str, title: str, score: int, mitigation: str | None, owner: str | None) -> Line:
    done = f"mitigation: {mitigation}" if mitigation else "no mitigation yet"
    return line(f"{ref} · {title} (score {score}) — {done} · ", show.who(owner))


def _decision(decision: Decision) -> Line:
    rationale = decision.rationale
    if len(rationale) > RATIONALE:
        rationale = rationale[: RATIONALE - 1].rstrip() + "…"
    return line(f"{decision.ref} · {decision.title} — because {rationale}")


def _asks(facts: Facts, found: list[gates.State]) -> tuple[Line, ...]:
    """What the committee can do: decide at the gate, help close its gaps, name a sponsor, see to the DPIA."""
    project, asks = facts.project, []
    if found:
        missing = gates.gaps(found)
        after = following(project.phase)
        past = project.timebox_until is not None and facts.today > project.timebox_until
        if not missing or past:
            why = "its timebox has ended" if past else "its checklist is complete"
            asks.append(line(f"Decide at the gate, as {why}: go on to {after}, change course, or stop."))
        else:
            lacking = "; ".join(s.item.text for s in missing)
            asks.append(
                line(
                    f"Help close the {_items(len(missing))} of the {project.phase} checklist still open: {lacking}."
                )
            )
    if not project.sponsor_id:
        asks.append(line("Name a sponsor who owns the business outcome."))
    record = facts.governance
    if record is not None and record.dpia == Dpia.NEEDED:
        asks.append(line("See that the data protection impact assessment (DPIA) is carried out."))
    return tuple(asks)


def _items(count: int) -> str:
    return f"{count} item{'s' if count != 1 else ''}"
