"""The fixed words of pmbot's data model: phases, health, categories and statuses."""

from enum import StrEnum


class Phase(StrEnum):
    FRAMING = "framing"
    POC = "poc"
    DEPLOYMENT = "deployment"
    MONITORING = "monitoring"
    CLOSED = "closed"


class Health(StrEnum):
    ON_TRACK = "on-track"
    AT_RISK = "at-risk"
    OFF_TRACK = "off-track"


class AiActClass(StrEnum):
    """EU AI Act risk classes."""

    MINIMAL = "minimal"
    LIMITED = "limited"
    HIGH = "high"
    UNACCEPTABLE = "unacceptable"
    UNASSESSED = "unassessed"


class Role(StrEnum):
    OWNER = "owner"
    MEMBER = "member"
    STAKEHOLDER = "stakeholder"


class RiskCategory(StrEnum):
    DATA = "data"
    MODEL = "model"
    BIAS = "bias"
    PRIVACY = "privacy"
    REGULATORY = "regulatory"
    VENDOR = "vendor"
    ADOPTION = "adoption"
    DELIVERY = "delivery"
    SECURITY = "security"
    COST = "cost"


class RiskStatus(StrEnum):
    OPEN = "open"
    MITIGATING = "mitigating"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class DecisionStatus(StrEnum):
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"


class DeliverableStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class OutboxStatus(StrEnum):
    PENDING = "pending"  # to send at next_attempt_at
    SENDING = "sending"  # leased by a process until lease_until
    SENT = "sent"
    FAILED = "failed"  # its retries ran out
    SKIPPED = "skipped"  # fell due longer ago than the grace window allows


class Gate(StrEnum):
    """What a phase gate decides: go on to the next phase, change course within it, or stop."""

    GO = "go"
    PIVOT = "pivot"
    STOP = "stop"


class LessonKind(StrEnum):
    """What a retrospective collects."""

    WELL = "well"  # went well
    BADLY = "badly"  # did not go well
    LESSON = "lesson"  # to reuse on the next project


class Dpia(StrEnum):
    """Whether a GDPR data protection impact assessment is needed, and whether it was carried out."""

    NOT_NEEDED = "not-needed"
    NEEDED = "needed"
    DONE = "done"


class LawfulBasis(StrEnum):
    """The GDPR's lawful bases for processing personal data (article 6)."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal-obligation"
    VITAL_INTERESTS = "vital-interests"
    PUBLIC_TASK = "public-task"
    LEGITIMATE_INTERESTS = "legitimate-interests"


class UseCaseStatus(StrEnum):
    """Where a proposed use case stands in the portfolio backlog."""

    PROPOSED = "proposed"
    QUALIFIED = "qualified"  # worth doing: waiting for a project
    REJECTED = "rejected"
    PROJECT = "project"  # promoted: a project carries it


class ExperimentOutcome(StrEnum):
    SUCCESS = "success"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
