"""The portfolio backlog as replies show it: use cases ranked by priority (handlers/priority.py), each
line with its axes' means and spread; and its part of the portfolio digest (new proposals, and the
best-ranked use cases nobody has qualified yet)."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from handlers import priority, show
from handlers.priority import Scoring
from handlers.reply import Line, Section, line
from storage import usecases
from storage.models import UseCase
from storage.vocab import UseCaseStatus

OPEN = (UseCaseStatus.PROPOSED, UseCaseStatus.QUALIFIED)
TOP_UNQUALIFIED = 3


def scorings(db: Session, found: Sequence[UseCase]) -> dict[int, Scoring]:
    """Each use case's scoring, by id: one query for them all."""
    ids = [u.id for u in found if u.id is not None]
    return {i: priority.scoring(s) for i, s in usecases.scores_of(db, usecase_ids=ids).items()}


def ranked(
    found: Sequence[UseCase], scores: dict[int, Scoring], statuses: Sequence[str] = OPEN
) -> list[tuple[UseCase, Scoring]]:
    """The use cases with these statuses, highest priority first (unscored last), then oldest first."""
    pairs = [(u, scores[u.id or 0]) for u in found if u.status in statuses]
    return sorted(pairs, key=lambda p: (-(p[1].priority if p[1].priority is not None else -1.0), p[0].number))


def backlog_line(usecase: UseCase, scoring: Scoring) -> Line:
    """`U-1 · title · priority 42 · proposed · value 4.3 (4–5) · … · 3 scores · proposed by @alice`."""
    return line(
        f"{usecase.ref} · {usecase.title} · {scoring.shown()} · {usecase.status} · {scoring.describe()} · "
        "proposed by ",
        show.who(usecase.proposer_id),
    )


def portfolio_sections(db: Session, *, tenant_id: str, start: datetime, end: datetime) -> tuple[Section, ...]:
    """The portfolio digest's part: use cases proposed in the week, and the top-ranked ones still
    waiting to be qualified (proposed), with the formula they are ranked by."""
    found = usecases.all_of(db, tenant_id=tenant_id)
    if not found:
        return ()
    scores = scorings(db, found)
    sections = []
    new = [u for u in found if start < u.created_at <= end]
    if new:
        sections.append(
            Section(
                "Use cases proposed this week",
                tuple(backlog_line(u, scores[u.id or 0]) for u in new),
            )
        )
    waiting = ranked(found, scores, (UseCaseStatus.PROPOSED,))[:TOP_UNQUALIFIED]
    if waiting:
        sections.append(
            Section(
                "Top use cases not qualified yet",
                (
                    *(backlog_line(u, s) for u, s in waiting),
                    line(f"Ranked by {priority.FORMULA}; `usecases` shows the backlog."),
                ),
            )
        )
    return tuple(sections)
