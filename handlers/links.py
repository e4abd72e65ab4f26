"""Signed links to pmbot's own web pages (the dashboard, a chart image): what the link opens is written
in the link itself with an expiry time and an HMAC-SHA256 signature, so the server keeps no state for
it, a changed character makes it worthless, and it cannot outlive its expiry.

A link is scoped by what it carries: a tenant id, and what to show. Whoever holds it sees that, and
only that, until it expires; so links are sent by direct message and do not last long.
"""

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


class LinkError(Exception):
    """A link that opens nothing; the message says why, in words for the person who clicked it."""


class ExpiredLinkError(LinkError):
    pass


class InvalidLinkError(LinkError):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Links:
    """Makes and reads signed links under `base_url` (where people reach pmbot's web server)."""

    secret: bytes
    base_url: str = "http://localhost:3000"
    ttl: timedelta = timedelta(days=7)  # how long a link lasts unless asked otherwise (PMBOT_LINK_DAYS)

    @classmethod
    def ephemeral(cls, base_url: str = "http://localhost:3000") -> "Links":
        """Links signed with a secret of this process only: they stop working when it stops."""
        return cls(secrets.token_bytes(32), base_url)

    def token(self, payload: dict[str, Any], *, expires: datetime) -> str:
        body = _b64(json.dumps({**payload, "exp": int(expires.timestamp())}, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def url(self, path: str, payload: dict[str, Any], *, now: datetime, ttl: timedelta | None = None) -> str:
        """The address of `path` (such as "/dashboard") carrying `payload` until `now + ttl` (by default
        the links' own `ttl`)."""
        expires = now + (ttl if ttl is not None else self.ttl)
        return f"{self.base_url.rstrip('/')}{path}/{self.token(payload, expires=expires)}"

    def read(self, token: str, *, now: datetime) -> dict[str, Any]:
        """What a token carries; raises InvalidLinkError if it was altered, ExpiredLinkError if it is too old."""
        body, _, signature = token.partition(".")
        if not body or not hmac.compare_digest(signature, self._sign(body)):
            raise InvalidLinkError("This link is not valid: it may have been cut or changed.")
        try:
            payload = json.loads(_unb64(body))
            expires = int(payload.pop("exp"))
        except (ValueError, KeyError, TypeError) as problem:
            raise InvalidLinkError("This link is not valid: it may have been cut or changed.") from problem
        if now.timestamp() >= expires:
            raise ExpiredLinkError("This link has expired. Ask pmbot for a new one in your chat.")
        return dict(payload)

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self.secret, body.encode("ascii"), hashlib.sha256).digest())
