"""Charts by signed link: what a chart link carries (its tenant, which chart, of what), and the chart
drawn again from the database when the link is opened, so that an image in a Teams card shows the
project as it stands. The link says only ids; whoever opens it before it expires sees that chart.

Also the weekly digest's image: the trends of the KPIs measured in the week and the risk heat map when a
risk was added, changed or closed, in one PNG (a reply carries one attachment), and none in a week
without such a change.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from handlers import charts
from handlers.clock import first_zone
from handlers.links import Links
from handlers.reply import Attachment
from storage import kpis
from storage.models import AuditEvent, Kpi, Project

PATH = "/charts"  # links last PMBOT_LINK_DAYS (the links' own ttl); a card's image goes blank after that
DIGEST_KPIS = 3  # KPI trends in a digest's image at most, first defined first; the heat map comes after
RISK_CHANGES = ("risk.add", "risk.update", "risk.close")


def url(links: Links | None, payload: dict[str, Any], *, now: datetime) -> str | None:
    """The address of the chart `payload` describes, or None without a link maker (hand-built contexts)."""
    return links.url(PATH, payload, now=now) if links is not None else None


def kpi(tenant_id: str, project: Project, kpi: Kpi) -> dict[str, Any]:
    return {"tenant": tenant_id, "chart": "kpi", "project": project.id, "kpi": kpi.id}


def risks(tenant_id: str, project: Project) -> dict[str, Any]:
    return {"tenant": tenant_id, "chart": "risks", "project": project.id}


def health(tenant_id: str, project: Project, tz_name: str) -> dict[str, Any]:
    return {"tenant": tenant_id, "chart": "health", "project": project.id, "tz": tz_name}


def portfolio(tenant_id: str) -> dict[str, Any]:
    return {"tenant": tenant_id, "chart": "portfolio"}


def digest(tenant_id: str, project: Project, measured: list[Kpi], risks_changed: bool) -> dict[str, Any]:
    kpi_ids = [k.id for k in measured]
    return {
        "tenant": tenant_id,
        "chart": "digest",
        "project": project.id,
        "kpis": kpi_ids,
        "risks": risks_changed,
    }


def draw(db: Session, payload: dict[str, Any], *, now: datetime) -> bytes:
    """The chart a link's payload describes, drawn now; LookupError when it names nothing of its tenant
    (a record gone, or a payload of another shape)."""
    tenant_id, chart = str(payload.get("tenant", "")), payload.get("chart")
    if chart == "portfolio":
        return charts.portfolio(db, tenant_id, now=now)
    project_id = payload.get("project")
    project = db.get(Project, project_id) if isinstance(project_id, int) else None
    if project is None or project.tenant_id != tenant_id:
        raise LookupError("no such project")
    if chart == "risks":
        return charts.risk_heatmap(db, project)
    if chart == "health":
        return charts.health_timeline(db, project, first_zone(payload.get("tz"), project.timezone), now=now)
    if chart == "kpi":
        return charts.kpi_trend(db, project, _kpi(db, project, payload.get("kpi")))
    if chart == "digest":
        measured = [_kpi(db, project, kpi_id) for kpi_id in payload.get("kpis") or []]
        if not measured and not payload.get("risks"):
            raise LookupError("a digest chart of nothing")
        return charts.digest_charts(db, project, measured=measured, risks_changed=bool(payload.get("risks")))
    raise LookupError(f"no chart {chart!r}")


def _kpi(db: Session, project: Project, kpi_id: Any) -> Kpi:
    found = db.get(Kpi, kpi_id) if isinstance(kpi_id, int) else None
    if found is None or found.project_id != project.id:
        raise LookupError("no such KPI")
    return found


def digest_attachment(
    db: Session, project: Project, events: Sequence[AuditEvent], *, links: Links | None, now: datetime
) -> Attachment | None:
    """The digest's image for a week of `events`, or None when no KPI was measured and no risk changed."""
    measured_names = {e.ref.lower() for e in events if e.action == "kpi.set" and e.ref}
    measured = [k for k in kpis.all_of(db, project=project) if k.name.lower() in measured_names]
    measured = measured[:DIGEST_KPIS]
    risks_changed = any(e.action in RISK_CHANGES for e in events)
    if not measured and not risks_changed:
        return None
    image = charts.digest_charts(db, project, measured=measured, risks_changed=risks_changed)
    local = now.astimezone(first_zone(project.timezone)).date()
    payload = digest(project.tenant_id, project, measured, risks_changed)
    return Attachment(f"digest-{project.key}-{local}.png", image, url(links, payload, now=now))
