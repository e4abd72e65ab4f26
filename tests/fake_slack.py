"""A loopback server that plays Slack's Web API (and response_url) for the real `slack_sdk` / `slack_bolt`.

Point `AsyncWebClient(base_url=fake.api_url)` (or SLACK_API_URL) at it. It records every call with its
arguments, whichever way the SDK sent them (query string, form body or JSON body), and the bot token
from the Authorization header, and answers as Slack does. Tests script faults per method: an HTTP 429
with Retry-After, an HTTP 5xx, a 200 `{"ok": false, "error": ...}`, a connection closed without an
answer (`drop_next`), or a call held until the test sets an event (never by sleeping).

OAuth installs: `installs` maps an authorization code to the `Workspace` that installing with it
installs; oauth.v2.access exchanges the code (once) for that workspace's bot token, and auth.test then
answers with the workspace of the token it is called with.
"""

import base64
import binascii
import json
import math
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.loopback import JsonHandler, Loopback, serve

TEAM_ID = "T0TEST"
TEAM_DOMAIN = "pmbot-test"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
APP_ID = "A0PMBOT"
WORKSPACE_URL = f"https://{TEAM_DOMAIN}.slack.com/"

# Methods that authenticate the app by its client id and secret rather than by a token.
CLIENT_AUTH_METHODS = {"oauth.v2.access"}
# Methods whose answer depends on the token they were called with.
TOKEN_AWARE_METHODS = {"auth.test"}

# Arguments Slack takes as JSON text when a call is form-encoded; recorded decoded.
JSON_FIELDS = {"blocks", "attachments", "view", "metadata", "unfurls", "user_auth_blocks", "chunks"}


@dataclass
class Call:
    method: str  # e.g. "chat.postMessage"
    args: dict[str, Any]  # query string and body merged, JSON-in-form fields decoded
    token: str  # from "Authorization: Bearer ...", else a `token` argument
    encoding: str = ""  # how the SDK sent the arguments: "json", "form" or "query"
    # from "Authorization: Basic ..." (client id, client secret), as slack_sdk sends oauth.v2.access's
    basic_auth: tuple[str, str] | None = None


@dataclass
class Workspace:
    """A workspace that installs pmbot through OAuth: what Slack issues to it."""

    team_id: str
    name: str
    token: str  # the bot token oauth.v2.access hands out, xoxb-…
    installer: str = "U0INSTALLER"
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID
    scope: str = "commands,chat:write,users:read,files:write"  # what pmbot asks for

    @property
    def url(self) -> str:
        return f"https://{self.name.lower().replace(' ', '-')}.slack.com/"


@dataclass
class Behaviour:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    hold: threading.Event | None = None  # answer only once the test sets it
    drop: bool = False  # close the connection without answering


DROPPED = 0  # the status _api gives for a call whose connection is closed unanswered


@dataclass
class FakeSlack(Loopback):
    users: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {BOT_USER_ID: {"name": "pmbot", "real_name": "pmbot", "is_bot": True}}
    )
    calls: list[Call] = field(default_factory=list)
    script: dict[str, deque[Behaviour]] = field(default_factory=lambda: defaultdict(deque))
    posted: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    expired: set[str] = field(default_factory=set)
    uploaded: dict[str, bytes] = field(default_factory=dict)  # file id → the bytes uploaded
    files: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # file id → name and announced length  # response_url names that answer 404, as after 30 min
    # OAuth: authorization code → the workspace installing with it installs
    installs: dict[str, Workspace] = field(default_factory=dict)
    # Messages per second chat.postMessage accepts in one channel; more get HTTP 429 with Retry-After
    # (benchmarks: Slack's own limit of about one message per second per channel). None: no limit.
    channel_rate: float | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        self._ts = 0
        self._ids = 0
        self._dms: dict[str, str] = {}
        self._holds: list[threading.Event] = []
        self._exchanged: set[str] = set()  # codes oauth.v2.access has used up
        self._installed: dict[str, Workspace] = {}  # bot token → its workspace
        self._last_post: dict[str, float] = {}  # channel → when it last accepted a message
        self.rate_limited = 0  # chat.postMessage calls answered 429 by `channel_rate`

    # -- running

    def start(self) -> "FakeSlack":
        fake = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if parts.path.startswith("/api/"):
                    status, payload, headers = fake._api(
                        parts.path[len("/api/") :], parts.query, self.headers, raw
                    )
                elif parts.path.startswith("/upload/"):  # files_upload_v2's second step
                    status, payload, headers = fake._upload(parts.path[len("/upload/") :], raw)
                elif parts.path.startswith("/response/"):
                    status, payload, headers = fake._response_url(parts.path[len("/response/") :], raw)
                else:
                    status, payload, headers = 404, {"ok": False, "error": "not_found"}, {}
                if status == DROPPED:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_json(status, payload, headers)

        self.server = serve(Handler)
        return self

    def stop(self) -> None:
        for event in self._holds:  # release anything still held, so no handler thread lingers
            event.set()
        super().stop()

    @property
    def api_url(self) -> str:
        return f"{self.root}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.root}/response/{name}"

    # -- scripting

    def fail_next(
        self, method: str, *, status: int | None = None, retry_after: int = 1, error: str | None = None
    ) -> None:
        """Fail the next call to `method`: HTTP 429 with Retry-After by default, any other HTTP status,
        or, given only `error`, HTTP 200 {"ok": false, "error": error}."""
        if status is None:
            status = 200 if error is not None else 429
        behaviour = Behaviour(status=status, error=error, retry_after=retry_after if status == 429 else None)
        with self._lock:
            self.script[method].append(behaviour)

    def drop_next(self, method: str) -> None:
        """Close the connection of the next call to `method` (recorded, not carried out) unanswered."""
        with self._lock:
            self.script[method].append(Behaviour(drop=True))

    def hold_next(self, method: str) -> threading.Event:
        """Hold the next call to `method` (recorded on arrival) until the test sets the event."""
        event = threading.Event()
        self._holds.append(event)
        with self._lock:
            self.script[method].append(Behaviour(hold=event))
        return event

    # -- inspecting

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def responses(self, name: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.posted.get(name, []))

    def wait_for_response(self, name: str, count: int = 1, timeout: float = 10) -> bool:
        """Block until `count` posts reached response_url `name` (woken by each post, no polling)."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self.posted.get(name, ())) >= count, timeout=timeout)

    def wait_for(self, method: str, count: int = 1, timeout: float = 5) -> list[Call]:
        """Block until `count` calls to `method` arrived (woken by each arrival, no polling)."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.calls_to(method)) >= count, timeout=timeout):
                raise AssertionError(f"{method}: {len(self.calls_to(method))} calls, expected {count}")
            return self.calls_to(method)

    # -- serving

    def _api(
        self, method: str, query: str, headers: Any, raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        args = {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        encoding = "query"
        if raw and content_type == "application/json":
            args.update(json.loads(raw))
            encoding = "json"
        elif raw and content_type == "application/x-www-form-urlencoded":
            form = parse_qs(raw.decode(), keep_blank_values=True)
            args.update({key: values[-1] for key, values in form.items()})
            encoding = "form"
        for key in JSON_FIELDS & args.keys():
            if isinstance(args[key], str) and args[key][:1] in ("[", "{"):
                args[key] = json.loads(args[key])
        authorization = headers.get("Authorization") or ""
        basic_auth = _basic_auth(authorization)
        token = (
            "" if basic_auth else authorization.removeprefix("Bearer ").strip() or str(args.pop("token", ""))
        )
        with self._lock:
            self.calls.append(
                Call(method=method, args=args, token=token, encoding=encoding, basic_auth=basic_auth)
            )
            script = self.script.get(method)
            behaviour = script.popleft() if script else Behaviour()
            if behaviour == Behaviour() and method == "chat.postMessage" and self._too_fast(args):
                behaviour = Behaviour(status=429, retry_after=max(1, math.ceil(1 / (self.channel_rate or 1))))
            self._lock.notify_all()
        if behaviour.hold is not None:
            behaviour.hold.wait(timeout=30)
        if behaviour.drop:
            return DROPPED, {}, {}
        if behaviour.status == 429:
            retry = {"Retry-After": str(behaviour.retry_after)}
            return 429, {"ok": False, "error": behaviour.error or "ratelimited"}, retry
        if behaviour.status != 200:
            return behaviour.status, {"ok": False, "error": behaviour.error or "fatal_error"}, {}
        if behaviour.error is not None:
            return 200, {"ok": False, "error": behaviour.error}, {}
        if method in CLIENT_AUTH_METHODS:
            client_id, client_secret = basic_auth or (args.get("client_id"), args.get("client_secret"))
            if not client_id:
                return 200, {"ok": False, "error": "invalid_client_id"}, {}
            if not client_secret:
                return 200, {"ok": False, "error": "bad_client_secret"}, {}
        elif not token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        answer = getattr(self, "_on_" + method.replace(".", "_"), None)
        if answer is None:
            return 200, {"ok": False, "error": "unknown_method", "req_method": method}, {}
        with self._lock:
            return 200, answer(args, token) if method in TOKEN_AWARE_METHODS else answer(args), {}

    def _too_fast(self, args: dict[str, Any]) -> bool:
        """Whether a post to this channel comes sooner than `channel_rate` allows (called locked)."""
        if self.channel_rate is None:
            return False
        channel, now = str(args.get("channel", "")), time.monotonic()
        last = self._last_post.get(channel)
        if last is not None and now - last < 1 / self.channel_rate:
            self.rate_limited += 1
            return True
        self._last_post[channel] = now
        return False

    def _response_url(self, name: str, raw: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
        if name in self.expired:
            return 404, {"ok": False, "error": "expired_url"}, {}
        with self._lock:
            self.posted[name].append(json.loads(raw) if raw else {})
            self._lock.notify_all()
        return 200, {"ok": True}, {}

    def _upload(self, file_id: str, raw: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            self.uploaded[file_id] = raw
        return 200, {"ok": True}, {}

    def _next_ts(self) -> str:
        self._ts += 1
        return f"1790000000.{self._ts:06d}"

    def _next_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids:08d}"

    def _message(self, args: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "text": args.get("text", ""),
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if key in args:
                message[key] = args[key]
        return message

    # -- methods: `_on_` + the Web API method with "." → "_"

    def _on_auth_test(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        workspace = self._installed.get(token)
        if workspace is not None:
            return {
                "ok": True,
                "url": workspace.url,
                "team": workspace.name,
                "user": "pmbot",
                "team_id": workspace.team_id,
                "user_id": workspace.bot_user_id,
                "bot_id": workspace.bot_id,
                "is_enterprise_install": False,
            }
        return {
            "ok": True,
            "url": WORKSPACE_URL,
            "team": "Pmbot Test",
            "user": "pmbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _on_oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        """A bot-scope install of the workspace the code belongs to; a code works once."""
        code = str(args.get("code", ""))
        workspace = self.installs.get(code)
        if workspace is None or code in self._exchanged:
            return {"ok": False, "error": "invalid_code"}
        self._exchanged.add(code)
        self._installed[workspace.token] = workspace
        return {
            "ok": True,
            "app_id": APP_ID,
            "authed_user": {"id": workspace.installer},
            "scope": workspace.scope,
            "token_type": "bot",
            "access_token": workspace.token,
            "bot_user_id": workspace.bot_user_id,
            "team": {"id": workspace.team_id, "name": workspace.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _on_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        ts, channel = self._next_ts(), str(args.get("channel", ""))
        if channel[:1] in ("U", "W"):  # a person: Slack posts in their conversation with the app
            channel = self._dms.setdefault(channel, f"D{len(self._dms) + 1:08d}")
        return {"ok": True, "channel": channel, "ts": ts, "message": self._message(args, ts)}

    def _on_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _on_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = args.get("ts", "")
        message = self._message(args, ts)
        del message["ts"]
        return {
            "ok": True,
            "channel": args.get("channel"),
            "ts": ts,
            "text": message["text"],
            "message": message,
        }

    def _on_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = args.get("channel", ""), str(args.get("message_ts", ""))
        permalink = f"{WORKSPACE_URL}archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": permalink}

    def _view(self, args: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        given = args.get("view") or {}
        view_id = view_id or self._next_id("V")
        return {
            "ok": True,
            "view": {
                "id": view_id,
                "team_id": TEAM_ID,
                "type": given.get("type", "modal"),
                "title": given.get("title"),
                "submit": given.get("submit"),
                "close": given.get("close"),
                "blocks": given.get("blocks", []),
                "private_metadata": given.get("private_metadata", ""),
                "callback_id": given.get("callback_id", ""),
                "external_id": given.get("external_id", ""),
                "state": {"values": {}},
                "hash": f"{self._next_ts()}.hash",
                "clear_on_close": given.get("clear_on_close", False),
                "notify_on_close": given.get("notify_on_close", False),
                "root_view_id": view_id,
                "previous_view_id": None,
                "app_id": APP_ID,
                "bot_id": BOT_ID,
            },
        }

    def _on_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args)

    def _on_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args, args.get("view_id"))

    def _on_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args)

    def _on_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = args.get("user", "")
        if user_id not in self.users:
            return {"ok": False, "error": "user_not_found"}
        given = self.users[user_id]
        name = given.get("name", user_id.lower())
        real_name = given.get("real_name", name)
        tz = given.get("tz", "UTC")
        user = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            "tz": tz,
            "tz_label": "Coordinated Universal Time" if tz == "UTC" else tz,
            "tz_offset": 0,
            "is_admin": False,
            "is_owner": False,
            "is_bot": False,
            "is_app_user": False,
            "updated": 1_790_000_000,
            "profile": {
                "real_name": real_name,
                "display_name": given.get("display_name", name),
                "team": TEAM_ID,
            },
        }
        user.update({key: value for key, value in given.items() if key != "display_name"})
        return {"ok": True, "user": user}

    def _on_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"ok": True, "channel": {"id": args["channel"]}}
        users = ",".join(sorted(str(args.get("users", "")).split(",")))
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        channel = self._dms.setdefault(users, f"D{len(self._dms) + 1:08d}")
        return {"ok": True, "no_op": False, "already_open": False, "channel": {"id": channel}}

    def _on_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = self._next_id("F")
        self.files[file_id] = {"name": args.get("filename"), "length": int(args.get("length", 0))}
        return {"ok": True, "upload_url": f"{self.root}/upload/{file_id}", "file_id": file_id}

    def _on_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        listed = args.get("files")
        listed = json.loads(listed) if isinstance(listed, str) else listed or []
        done = []
        for item in listed:
            known = self.files.get(item["id"])
            if known is None or item["id"] not in self.uploaded:
                return {"ok": False, "error": "file_not_found"}
            done.append(
                {
                    "id": item["id"],
                    "name": known["name"],
                    "title": item.get("title"),
                    "channels": [args.get("channel_id")],
                }
            )
        return {"ok": True, "files": done}


def _basic_auth(authorization: str) -> tuple[str, str] | None:
    """(client id, client secret) from an "Authorization: Basic ..." header, else None."""
    if not authorization.startswith("Basic "):
        return None
    try:
        client_id, _, client_secret = base64.b64decode(authorization[len("Basic ") :]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, client_secret
