"""Platform deliveries carried out once: a platform that retries (Slack's Events API does) may deliver
the same event twice, or two copies may arrive at the same moment.
"""

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from storage import requests
from storage.db import Database


def first_delivery(database: Database, *, tenant_id: str, request_id: str, now: datetime) -> bool:
    """Claim the delivery; False when it was claimed before, by an earlier copy or a twin.

    The claim is a unique insert, committed at once: a twin running at the same moment fails on it
    (PostgreSQL makes it wait for the first one's commit; SQLite takes the write lock up front).
    """
    try:
        with database.session(write=True) as db:
            return requests.claim(db, tenant_id=tenant_id, request_id=request_id, now=now) is None
    except IntegrityError:
        return False
