"""How a project's governance record reads: its EU AI Act class with the reason, GDPR (personal data and
their categories, lawful basis, DPIA, processors) and its model documentation; on the card, in
`governance`, and in the digest when it changed."""

from collections.abc import Sequence
from typing import Any

from handlers.reply import Field, Inline, Line, Mention, line
from storage.models import AuditEvent, Governance, Project
from storage.vocab import AiActClass

LABELS = {
    "sponsor_id": "Sponsor",
    "ai_act_class": "EU AI Act class",
    "ai_act_reason": "why that class",
    "personal_data": "Personal data",
    "data_categories": "Categories of personal data",
    "lawful_basis": "Lawful basis",
    "dpia": "DPIA",
    "processors": "Data processors",
    "model_doc_link": "Model documentation",
}


def ai_act(project: Project, record: Governance | None) -> str:
    """`high — scores job applicants (Annex III)`."""
    reason = record.ai_act_reason if record else None
    if project.ai_act_class == AiActClass.UNASSESSED:
        return "unassessed"
    return project.ai_act_class + (f" — {reason}" if reason else "")


def personal_data(record: Governance | None) -> str:
    if record is None or record.personal_data is None:
        return "not assessed yet"
    if not record.personal_data:
        return "none"
    return "yes" + (f" — {record.data_categories}" if record.data_categories else "")


def gdpr(record: Governance | None) -> str:
    """The GDPR side on one line: `personal data yes — names · lawful basis contract · DPIA needed`."""
    parts = [f"personal data {personal_data(record)}"]
    if record is not None and record.lawful_basis:
        parts.append(f"lawful basis {record.lawful_basis}")
    if record is not None and record.dpia:
        parts.append(f"DPIA {record.dpia}")
    if record is not None and record.processors:
        parts.append(f"processors {record.processors}")
    return " · ".join(parts)


def card_fields(project: Project, record: Governance | None) -> tuple[Field, ...]:
    """The card's governance lines: the AI Act class, GDPR, and the model documentation once linked."""
    fields = [Field("EU AI Act class", line(ai_act(project, record))), Field("GDPR", line(gdpr(record)))]
    if record is not None and record.model_doc_link:
        fields.append(Field("Model documentation", line(record.model_doc_link)))
    return tuple(fields)


def all_fields(project: Project, record: Governance | None) -> tuple[Field, ...]:
    """Every field of the record, with what is not recorded yet said so."""
    missing = "not recorded"
    return (
        Field("Sponsor", line(Mention(project.sponsor_id) if project.sponsor_id else "not named yet")),
        Field("EU AI Act class", line(ai_act(project, record))),
        Field("Personal data", line(personal_data(record))),
        Field("Lawful basis", line((record.lawful_basis if record else None) or missing)),
        Field("DPIA", line((record.dpia if record else None) or "not assessed yet")),
        Field("Data processors", line((record.processors if record else None) or missing)),
        Field("Model documentation", line((record.model_doc_link if record else None) or missing)),
    )


def value_text(value: Any) -> str:
    if value is None or value == "":
        return "cleared"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def change_line(changes: dict[str, Any]) -> Line:
    """`EU AI Act class: high; why that class: scores applicants`, from an audit event's `after`."""
    parts: list[Inline] = []
    for name, value in changes.items():
        shown: Inline = Mention(value) if name == "sponsor_id" and value else value_text(value)
        parts += ["; " if parts else "", f"{LABELS.get(name, name)}: ", shown]
    return line(*parts)


def changes_of(events: Sequence[AuditEvent]) -> tuple[Line, ...]:
    """What the governance changes among `events` set, the latest value of each field, in the order set."""
    latest: dict[str, Any] = {}
    for event in events:
        if event.action == "governance.set":
            for name, value in (event.after or {}).items():
                latest.pop(name, None)
                latest[name] = value
    return (change_line(latest),) if latest else ()
