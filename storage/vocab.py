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
