"""Tidying what pmbot keeps only for a while: the requests it already handled (kept so that a platform's
retry gets the same reply; platforms retry within minutes) and cached LLM answers (kept so that asking the
same again costs nothing). Records of projects are never deleted."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.later import Services
from storage import llm, requests

KEEP_REQUESTS = timedelta(days=7)
KEEP_SUMMARIES = timedelta(days=90)


@dataclass(frozen=True)
class Forgotten:
    requests: int
    summaries: int


def forget_old(services: Services, now: datetime) -> Forgotten:
    with services.database.session(write=True) as db:
        return Forgotten(
            requests=requests.forget_before(db, before=now - KEEP_REQUESTS),
            summaries=llm.forget_cached_before(db, before=now - KEEP_SUMMARIES),
        )
