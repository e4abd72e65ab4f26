"""pmbot's tables. Every row carries its tenant (a Slack workspace, a Teams tenant, `local` in the console).

Commands never delete rows: records change status and every change leaves an AuditEvent.
Numbers shown to people (R-n, D-n, A-n, E-n) come from per-project counters on Project, and use case
numbers (U-n) from per-tenant counters in TenantCounter (see numbering.py).
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, func
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime
from storage.vocab import (
    AiActClass,
    DecisionStatus,
    DeliverableStatus,
    OutboxStatus,
    Phase,
    RiskStatus,
    UseCaseStatus,
)


def _tenant() -> Any:
    return Field(max_length=64, index=True)


def _project_fk() -> Any:
    return Field(foreign_key="project.id", index=True)


def _at() -> Any:
    return Field(sa_type=UTCDateTime)


class Project(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("tenant_id", "key", name="uq_project_tenant_key"),
        UniqueConstraint("tenant_id", "home_channel", name="uq_project_tenant_channel"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    key: str = Field(max_length=20)
    name: str = Field(max_length=200)
    home_channel: str | None = Field(default=None, max_length=64)
    phase: str = Field(default=Phase.FRAMING, max_length=20)
    owner_id: str = Field(max_length=64)
    sponsor_id: str | None = Field(default=None, max_length=64)
    timezone: str = Field(default="UTC", max_length=64)
    review_cadence: str = Field(default="weekly thu 15:00", max_length=40)
    digest_schedule: str = Field(default="fri 16:00", max_length=40)
    ai_act_class: str = Field(default=AiActClass.UNASSESSED, max_length=20)
    phase_started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # None: since created_at
    timebox_until: date | None = None  # the current phase's timebox (a POC's end), if one was set
    risk_seq: int = 0
    decision_seq: int = 0
    deliverable_seq: int = 0
    experiment_seq: int = 0
    problem: str | None = Field(default=None, max_length=2000)  # the business problem it answers
    created_at: datetime = _at()
    updated_at: datetime = _at()


class Member(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "user_id", name="uq_member_project_user"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    project_id: int = _project_fk()
    user_id: str = Field(max_length=64)
    role: str = Field(max_length=20)
    display_name: str | None = Field(default=None, max_length=200)
    timezone: str | None = Field(default=None, max_length=64)


class StatusUpdate(SQLModel, table=True):
    # The latest update of a project, and a week's, without reading its whole history.
    __table_args__ = (Index("ix_statusupdate_project_created", "project_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    project_id: int = _project_fk()
    author_id: str = Field(max_length=64)
    health: str = Field(max_length=20)
    text: str = Field(max_length=4000)
    summary: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))  # see handlers/summaries
    summary_source: str | None = Field(default=None, max_length=20)  # llm or offline
    created_at: datetime = _at()
    request_id: str | None = Field(default=None, max_length=200)


class Risk(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("project_id", "number", name="uq_risk_project_number"),
        # Open risks of a project, and a tenant's risks due for review, among years of closed ones.
        Index("ix_risk_project_status", "project_id", "status"),
        Index("ix_risk_tenant_review", "tenant_id", "review_by"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    project_id: int = _project_fk()
    number: int
    title: str = Field(max_length=500)
    category: str | None = Field(default=None, max_length=20)
    probability: int
    impact: int
    owner_id: str | None = Field(default=None, max_length=64)
    mitigation: str | None = Field(default=None, max_length=2000)
    status: str = Field(default=RiskStatus.OPEN, max_length=20)
    review_by: date | None = None
    closed_reason: str | None = Field(default=None, max_length=2000)
    created_at: datetime = _at()
    updated_at: datetime = _at()

    @property
    def score(self) -> int:
        return self.probability * self.impact

    @property
    def ref(self) -> str:
        return f"R-{self.number}"


class Decision(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "number", name="uq_decision_project_number"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    project_id: int = _project_fk()
    number: int
    title: str = Field(max_length=500)
    rationale: str = Field(max_length=4000)
    alternatives: str | None = Field(default=None, max_length=4000)
    decided_by: str = Field(max_length=64)
    decided_at: datetime = _at()
    status: str = Field(default=DecisionStatus.ACCEPTED, max_length=20)
    supersedes: int | None = None
    source_link: str | None = Field(default=None, max_length=1000)
    gate: str | None = Field(default=None, max_length=20)  # go, pivot or stop: a phase gate's decision
    # At a gate: the phase, its checklist (with the gaps accepted) and the KPIs at that moment.
    snapshot: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))

    @property
    def ref(self) -> str:
        return f"D-{self.number}"


class Deliverable(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("project_id", "number", name="uq_deliverable_project_number"),
        # Open (and overdue) deliverables of a project or a tenant, among years of done ones.
        Index("ix_deliverable_project_status_due", "project_id", "status", "due_date"),
        Index("ix_deliverable_tenant_status_due", "tenant_id", "status", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    project_id: int = _project_fk()
    number: int
    title: str = Field(max_length=500)
    owner_user_id: str | None = Field(default=None, max_length=64)
    owner_party: str | None = Field(default=None, max_length=200)
    due_date: date
    status: str = Field(default=DeliverableStatus.OPEN, max_length=20)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    snoozed_until: date | None = None
    created_at: datetime = _at()
    updated_at: datetime = _at()

    @property
    def ref(self) -> str:
        return f"A-{self.number}"


class Kpi(SQLModel, table=True):
    __table_args__ = (Index("uq_kpi_project_name", "project_id", func.lower(Column("name")), unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    project_id: int = _project_fk()
    name: str = Field(max_length=200)
    unit: str | None = Field(default=None, max_length=40)
    baseline: float
    target: float
    lower_is_better: bool = False
    created_at: datetime = _at()


class KpiMeasurement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    kpi_id: int = Field(foreign_key="kpi.id", index=True)
    value: float
    measured_at: datetime = _at()
    measured_by: str = Field(max_length=64)
    note: str | None = Field(default=None, max_length=2000)


class AuditEvent(SQLModel, table=True):
    # A week of a project's (or a tenant's) events, among millions.
    __table_args__ = (
        Index("ix_auditevent_project_at", "project_id", "at"),
        Index("ix_auditevent_tenant_at", "tenant_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    actor_id: str = Field(max_length=64)
    at: datetime = _at()
    action: str = Field(max_length=60)
    ref: str | None = Field(default=None, max_length=60)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class HandledRequest(SQLModel, table=True):
    """A platform request already carried out, with the reply it got: a retry gets the same reply."""

    tenant_id: str = Field(primary_key=True, max_length=64)
    request_id: str = Field(primary_key=True, max_length=200)
    handled_at: datetime = _at()
    reply: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class GlossaryTerm(SQLModel, table=True):
    """A team's own jargon, explained; it overrides a built-in term of the same name."""

    __table_args__ = (
        Index("uq_glossaryterm_tenant_name", "tenant_id", func.lower(Column("name")), unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    name: str = Field(max_length=100)
    meaning: str = Field(max_length=500)
    added_by: str = Field(max_length=64)
    added_at: datetime = _at()


class TenantSettings(SQLModel, table=True):
    """What a workspace or tenant chose for itself; absent means the defaults."""

    tenant_id: str = Field(primary_key=True, max_length=64)
    llm_enabled: bool = True
    portfolio_channel: str | None = Field(default=None, max_length=64)  # the portfolio digest's channel
    # The tenant's own gate checklists, phase → items, replacing the shipped ones (handlers/data).
    gate_templates: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    updated_by: str = Field(max_length=64)
    updated_at: datetime = _at()


class SummaryCache(SQLModel, table=True):
    """LLM answers by (prompt version, model, input): asking the same again costs nothing."""

    key: str = Field(primary_key=True, max_length=64)
    tenant_id: str = _tenant()
    prompt_version: str = Field(max_length=40)
    model: str = Field(max_length=100)
    answer: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _at()


class LlmUsage(SQLModel, table=True):
    """Tokens spent on the LLM, per tenant and calendar month (UTC)."""

    tenant_id: str = Field(primary_key=True, max_length=64)
    month: str = Field(primary_key=True, max_length=7)  # 2026-11
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Person(SQLModel, table=True):
    """What pmbot knows of a person across a tenant's projects, for reminders: their timezone as the
    platform last gave it, and a pause they asked for (holidays)."""

    tenant_id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(primary_key=True, max_length=64)
    timezone: str | None = Field(default=None, max_length=64)
    reminders_paused_until: date | None = None
    updated_at: datetime = _at()


class OutboxMessage(SQLModel, table=True):
    """A message the scheduler sends. Its key (`digest:churn:2026-W47`) makes it once-only: it is
    claimed with a unique insert, leased while being sent, and never sent again once `sent`.
    What it says is built when it is sent, from `subject`; see storage/outbox.py and scheduler/."""

    __table_args__ = (
        UniqueConstraint("tenant_id", "key", name="uq_outbox_tenant_key"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(max_length=64)
    key: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    channel_id: str | None = Field(default=None, max_length=64)  # posted in this channel,
    user_id: str | None = Field(default=None, max_length=64)  # or sent to this person directly
    subject: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # ids to build it from
    due_at: datetime = _at()
    status: str = Field(default=OutboxStatus.PENDING, max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = _at()
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_ref: str | None = Field(default=None, max_length=200)  # the platform's id for the message
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _at()


class GateCheck(SQLModel, table=True):
    """An item of a phase's exit checklist ticked (or unticked) by hand, with who, when and evidence.
    Items that the project's own data proves tick themselves and need no row."""

    __table_args__ = (UniqueConstraint("project_id", "phase", "item", name="uq_gatecheck_project_item"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    project_id: int = _project_fk()
    phase: str = Field(max_length=20)
    item: str = Field(max_length=60)  # the item's key in the checklist
    checked: bool = True
    evidence: str | None = Field(default=None, max_length=1000)
    checked_by: str = Field(max_length=64)
    checked_at: datetime = _at()


class Governance(SQLModel, table=True):
    """A project's governance record beside its AI Act class (Project.ai_act_class): why that class,
    GDPR (personal data, lawful basis, DPIA, processors) and where the model is documented."""

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    tenant_id: str = _tenant()
    ai_act_reason: str | None = Field(default=None, max_length=1000)
    personal_data: bool | None = None  # None: not yet assessed
    data_categories: str | None = Field(default=None, max_length=500)
    lawful_basis: str | None = Field(default=None, max_length=100)
    dpia: str | None = Field(default=None, max_length=20)  # not-needed, needed or done
    processors: str | None = Field(default=None, max_length=1000)  # vendors processing the data
    model_doc_link: str | None = Field(default=None, max_length=1000)
    updated_by: str = Field(max_length=64)
    updated_at: datetime = _at()


class Lesson(SQLModel, table=True):
    """What a retrospective collected at a phase change: went well, did not, or a lesson to reuse."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    project_id: int = _project_fk()
    phase: str = Field(max_length=20)
    kind: str = Field(max_length=20)  # well, badly or lesson
    text: str = Field(max_length=2000)
    author_id: str = Field(max_length=64)
    created_at: datetime = _at()


class TeamsConversation(SQLModel, table=True):
    """A Teams conversation pmbot is in, kept so that it can post there unasked (reminders, digests): a
    channel, a group chat, or a person's personal chat with pmbot. `key` is the channel id commands see
    (`personal:<person>` for a personal chat); `reference` is the Bot Framework's conversation reference,
    as the Teams adapter wrote it (bot/teams/references.py)."""

    __table_args__ = (Index("ix_teamsconversation_tenant_user", "tenant_id", "user_id"),)

    tenant_id: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=20)  # personal, channel or groupChat
    user_id: str | None = Field(default=None, max_length=64)  # a personal chat's person
    name: str | None = Field(default=None, max_length=200)  # that person's display name
    reference: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _at()


class TenantCounter(SQLModel, table=True):
    """A tenant-wide number sequence (`usecase` for U-n): the last number given out."""

    tenant_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(primary_key=True, max_length=40)
    value: int = 0


class UseCase(SQLModel, table=True):
    """A proposed AI use case in the tenant's portfolio backlog, until it is rejected or becomes a project."""

    __table_args__ = (UniqueConstraint("tenant_id", "number", name="uq_usecase_tenant_number"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    number: int
    title: str = Field(max_length=500)
    problem: str = Field(max_length=2000)  # the business problem it would solve
    proposer_id: str = Field(max_length=64)
    owner_id: str | None = Field(default=None, max_length=64)  # who would lead it, if not the proposer
    status: str = Field(default=UseCaseStatus.PROPOSED, max_length=20)
    rejected_reason: str | None = Field(default=None, max_length=2000)
    project_id: int | None = Field(default=None, foreign_key="project.id")  # the project it became
    created_at: datetime = _at()
    updated_at: datetime = _at()

    @property
    def ref(self) -> str:
        return f"U-{self.number}"


class UseCaseScore(SQLModel, table=True):
    """One person's scores of a use case, 1 (poor) to 5 (good) on each axis; scoring again replaces them."""

    __table_args__ = (UniqueConstraint("usecase_id", "scorer_id", name="uq_usecasescore_usecase_scorer"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    usecase_id: int = Field(foreign_key="usecase.id", index=True)
    scorer_id: str = Field(max_length=64)
    value: int
    feasibility: int
    data: int  # data readiness
    risk: int | None = None  # 1 (low) to 5 (high); optional
    note: str | None = Field(default=None, max_length=2000)
    scored_at: datetime = _at()


class Experiment(SQLModel, table=True):
    """A hypothesis a project tests against a metric (often one of its KPIs), and what came of it."""

    __table_args__ = (UniqueConstraint("project_id", "number", name="uq_experiment_project_number"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = _tenant()
    project_id: int = _project_fk()
    number: int
    hypothesis: str = Field(max_length=1000)
    metric: str = Field(max_length=200)
    target: float | None = None
    until: date | None = None  # when a result is expected
    author_id: str = Field(max_length=64)
    value: float | None = None  # the result, once there is one
    outcome: str | None = Field(default=None, max_length=20)  # success, fail or inconclusive
    learned: str | None = Field(default=None, max_length=2000)
    result_by: str | None = Field(default=None, max_length=64)
    result_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    kpi_measurement_id: int | None = Field(default=None, foreign_key="kpimeasurement.id")
    decision_number: int | None = None  # D-n: what was decided after it (pivot, retry or stop)
    created_at: datetime = _at()
    updated_at: datetime = _at()

    @property
    def ref(self) -> str:
        return f"E-{self.number}"
