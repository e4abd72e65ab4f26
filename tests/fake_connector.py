"""A loopback fake of the Bot Framework's side of Teams, for the real botbuilder code.

It plays the Bot Connector service in both directions: it delivers Teams-shaped activities to pmbot's
`POST /api/messages` (`deliver`), with their `serviceUrl` pointing back at itself, and records what the
bot posts there — `POST /v3/conversations/{id}/activities` (a new message), `…/activities/{activityId}`
(a reply), `PUT …/activities/{activityId}` (an update), `POST /v3/conversations` (a new 1:1
conversation) — answering as the connector does; `GET …/members/{id}` answers from `members`.

Tests script faults on the next activities the bot sends (`fail_next`: an HTTP 429 with Retry-After or a
5xx; `drop_next`: the connection closed unanswered); refused ones are counted in `refused`, not posted.

It also plays the Bot Framework's OpenID metadata and signing keys (`openid_url`, for
BOT_OPENID_METADATA), so that tests sign the tokens Teams would send (`token`) with a key of their own.
"""

import copy
import itertools
import json
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.loopback import JsonHandler, Loopback, serve

DATA = Path(__file__).parent / "data" / "teams"
BOT_ID = "28:00000000-0000-0000-0000-00000000b0b0"
TENANT = "11111111-1111-4111-8111-111111111111"
ISSUER = "https://api.botframework.com"  # the issuer of the tokens the Bot Framework sends bots
KEY_ID = "pmbot-test-key"
_ids = itertools.count(1)


def activity(name: str, **changes: Any) -> dict[str, Any]:
    """A Teams-shaped activity from tests/data/teams/<name>.json, with `changes` on top level keys."""
    data: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text())
    return data | changes


@dataclass
class Posted:
    """What the bot sent the connector."""

    method: str  # POST or PUT
    conversation_id: str
    activity_id: str | None  # the activity replied to (POST) or updated (PUT); None for a new message
    body: dict[str, Any]
    token: str  # from "Authorization: Bearer …", "" without

    @property
    def card(self) -> dict[str, Any]:
        """The Adaptive Card it carries."""
        cards = [a["content"] for a in self.body.get("attachments", []) if "adaptive" in a["contentType"]]
        assert len(cards) == 1, f"expected one Adaptive Card, got {self.body}"
        return dict(cards[0])

    @property
    def text(self) -> str:
        """Every text of its card, in order, joined by newlines: what a person reads."""
        return "\n".join(_texts(self.card.get("body", [])))


def _texts(elements: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for element in elements:
        if element.get("type") == "TextBlock":
            out.append(element["text"])
        elif element.get("type") == "FactSet":
            out += [f"{fact['title']}: {fact['value']}" for fact in element["facts"]]
        elif element.get("type") == "Container":
            out += _texts(element["items"])
    return out


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button of a card, in order."""

    def walk(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for element in elements:
            if element.get("type") == "ActionSet":
                found += element["actions"]
            found += walk(element.get("items", []))
        return found

    return walk(card.get("body", [])) + list(card.get("actions", []))


@dataclass(frozen=True)
class Fault:
    """What the next activity the bot sends gets instead of being posted."""

    status: int = 0  # 0: the connection is closed without an answer
    retry_after: int | None = None


@dataclass
class FakeConnector(Loopback):
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # Teams id (29:…) → member
    posted: list[Posted] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)  # POST /v3/conversations bodies
    # Entra object ids of people who have not installed pmbot: a new 1:1 with them is refused (403)
    not_installed: set[str] = field(default_factory=set)
    faults: deque[Fault] = field(default_factory=deque)  # for the next activities sent, in order
    refused: int = 0  # activities answered with a fault

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # botframework caches OpenID metadata by address for a day: each fake has addresses of its own
        self.secret_path = uuid.uuid4().hex

    # -- running

    def start(self) -> "FakeConnector":
        fake = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:
                self.send_json(*fake._get(urlsplit(self.path).path))

            def do_POST(self) -> None:
                self._change("POST")

            def do_PUT(self) -> None:
                self._change("PUT")

            def _change(self, method: str) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
                body = json.loads(raw) if raw else {}
                path = urlsplit(self.path).path
                fault = fake._fault(path)
                if fault is None:
                    self.send_json(*fake._change(method, path, body, token))
                elif fault.status:
                    error = {"error": {"code": "ServiceError", "message": f"HTTP {fault.status}"}}
                    wait = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                    self.send_json(fault.status, error, wait)
                else:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)

        self.server = serve(Handler)
        return self

    @property
    def service_url(self) -> str:
        return f"{self.root}/teams/"

    @property
    def openid_url(self) -> str:
        return f"{self.root}/openid/{self.secret_path}"

    # -- playing Teams

    def token(
        self,
        app_id: str,
        *,
        service_url: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        issuer: str = ISSUER,
        expires_in: int = 3600,
    ) -> str:
        """A Bot Framework token for an activity to the bot `app_id`, signed with this fake's key (or
        `key`), as the Bot Framework signs what it sends."""
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": app_id,
            "serviceurl": service_url or self.service_url,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": now + expires_in,
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def shape(self, data: dict[str, Any]) -> dict[str, Any]:
        """`data` (an activity) answering to this fake, with an id of its own unless it has one."""
        shaped = copy.deepcopy(data) | {"serviceUrl": self.service_url}
        shaped.setdefault("id", f"17950{next(_ids):08d}")
        return shaped

    def deliver(
        self, url: str, data: dict[str, Any], *, token: str | None = None
    ) -> tuple[int, dict[str, Any] | None]:
        """POST the activity to the bot's messaging endpoint as the connector does: (status, JSON body)."""
        import urllib.error
        import urllib.request

        headers = {"Content-Type": "application/json; charset=utf-8"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(url, data=json.dumps(data).encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as problem:
            return problem.code, None

    # -- scripting faults

    def fail_next(self, status: int = 429, *, retry_after: int | None = None) -> None:
        """Answer the next activity the bot sends with HTTP `status` (429: with Retry-After if given)."""
        with self._lock:
            self.faults.append(Fault(status, retry_after))

    def drop_next(self) -> None:
        """Close the connection of the next activity the bot sends without answering."""
        with self._lock:
            self.faults.append(Fault())

    def _fault(self, path: str) -> Fault | None:
        if "/activities" not in path:
            return None
        with self._lock:
            if not self.faults:
                return None
            self.refused += 1
            return self.faults.popleft()

    # -- inspecting

    def wait_for(self, count: int = 1, timeout: float = 10) -> list[Posted]:
        """Block until the bot posted `count` activities (woken by each one, no polling)."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.posted) >= count, timeout=timeout):
                raise AssertionError(f"{len(self.posted)} activities posted, expected {count}")
            return list(self.posted)

    def in_conversation(self, conversation_id: str) -> list[Posted]:
        with self._lock:
            return [p for p in self.posted if p.conversation_id == conversation_id]

    # -- serving

    def _get(self, path: str) -> tuple[int, dict[str, Any]]:
        if path == f"/openid/{self.secret_path}":
            return 200, {
                "issuer": ISSUER,
                "authorization_endpoint": f"{self.root}/authorize",
                "jwks_uri": f"{self.root}/keys/{self.secret_path}",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        if path == f"/keys/{self.secret_path}":
            key = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
            key |= {"kid": KEY_ID, "use": "sig", "endorsements": ["msteams"]}
            return 200, {"keys": [key]}
        parts = [unquote(p) for p in path.split("/")]
        if len(parts) == 7 and parts[1:3] == ["teams", "v3"] and parts[5] == "members":
            member = self.members.get(parts[6])
            if member is None:
                return 404, {"error": {"code": "MemberNotFoundInConversation", "message": "not found"}}
            return 200, member
        return 404, {"error": {"code": "NotFound", "message": path}}

    def _change(self, method: str, path: str, body: dict[str, Any], token: str) -> tuple[int, dict[str, Any]]:
        parts = [unquote(p) for p in path.split("/")]
        if parts[1:4] != ["teams", "v3", "conversations"]:
            return 404, {"error": {"code": "NotFound", "message": path}}
        with self._lock:
            if len(parts) == 4 and method == "POST":  # a new conversation, such as a 1:1
                if any(member.get("id") in self.not_installed for member in body.get("members", [])):
                    message = "The bot is not installed in the user's personal scope"
                    return 403, {"error": {"code": "Forbidden", "message": message}}
                self.created.append(body)
                conversation = f"a:new-{len(self.created)}"
                self._lock.notify_all()
                return 201, {"id": conversation, "activityId": None, "serviceUrl": self.service_url}
            if len(parts) in (6, 7) and parts[5] == "activities":
                activity_id = parts[6] if len(parts) == 7 else None
                self.posted.append(Posted(method, parts[4], activity_id, body, token))
                self._lock.notify_all()
                return (200 if method == "PUT" else 201), {"id": activity_id or f"1:{len(self.posted)}"}
        return 404, {"error": {"code": "NotFound", "message": path}}
