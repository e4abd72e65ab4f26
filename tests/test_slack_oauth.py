"""Slack OAuth distribution: pmbot installed in several workspaces through its own install pages.

The real server (tests/slack_server.py), the real slack_bolt OAuth flow and slack_sdk SQLAlchemy stores
on the test database, and the loopback Slack (tests/fake_slack.py), which exchanges each authorization
code for its own workspace's bot token. A browser is played by urllib, carrying the state cookie.
"""

import html
import io
import json
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from bot import logs
from bot.settings import (
    CoreSettings,
    LlmSettings,
    Settings,
    SettingsError,
    SlackSettings,
    StorageSettings,
    load_settings,
)
from bot.slack import BOT_SCOPES
from storage.db import Database
from storage.models import Project
from tests.fake_slack import FakeSlack, Workspace
from tests.slack_server import QUIET_SCHEDULER, SECRET, Server, answer, post, post_event, slash

ROOT = Path(__file__).resolve().parent.parent
EVENTS = Path(__file__).parent / "data" / "slack"
CLIENT_ID = "1234567890123.9876543210987"
CLIENT_SECRET = "3f1c0ffee5ec12e7c11e47a5ec12e7ab"
COOKIE = "slack-app-oauth-state"
ALPHA = Workspace(
    team_id="T0ALPHA", name="Alpha Labs", token="xoxb-1111111111-2222222222-AlphaAlphaAlpha0123456789"
)
BETA = Workspace(
    team_id="T0BETA", name="Beta Works", token="xoxb-3333333333-4444444444-BetaBetaBetaBeta0123456789"
)
CODES = {"code-alpha": ALPHA, "code-beta": BETA}
SLACK_TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")
REINSTALL = "your installation with this app is no longer available"  # Bolt's answer to an unknown workspace

# slack_sdk 3.47 builds oauth.v2.access's Basic auth with aiohttp's BasicAuth, which aiohttp deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(installs=dict(CODES)).start()
    yield fake
    fake.stop()


@pytest.fixture
def settings(database: Database, slack: FakeSlack) -> Settings:
    return Settings(
        core=CoreSettings.model_validate({}),
        storage=StorageSettings.model_validate(
            {"DATABASE_URL": database.engine.url.render_as_string(hide_password=False)}
        ),
        llm=LlmSettings.model_validate({}),
        scheduler=QUIET_SCHEDULER,
        slack=SlackSettings.model_validate(
            {
                "SLACK_CLIENT_ID": CLIENT_ID,
                "SLACK_CLIENT_SECRET": CLIENT_SECRET,
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": slack.api_url,
            }
        ),
    )


@pytest.fixture
def server(database: Database, settings: Settings) -> Iterator[Server]:
    with database.engine.begin() as connection:  # the PostgreSQL test schema is shared between tests
        for table in SLACK_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))
    running = Server(settings)
    yield running
    running.close()


# -- a browser


def get(server: Server, path: str, *, cookie: str | None = None) -> tuple[int, SimpleCookie, str]:
    """GET a page as a browser does: the status, the cookies it sets, the HTML."""
    request = urllib.request.Request(server.url(path), headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, headers, body = response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as problem:
        status, headers, body = problem.code, problem.headers, problem.read().decode()
    cookies: SimpleCookie = SimpleCookie()
    for set_cookie in headers.get_all("Set-Cookie") or []:
        cookies.load(set_cookie)
    return status, cookies, body


def open_install_page(server: Server) -> tuple[dict[str, str], str]:
    """The "Add to Slack" link's query and the state cookie the page sets."""
    status, cookies, body = get(server, "/slack/install")
    assert status == 200
    link = urlsplit(html.unescape(re.search(r'<a href="([^"]+)"', body)[1]))  # type: ignore[index]
    assert (link.scheme, link.netloc, link.path) == ("https", "slack.com", "/oauth/v2/authorize")
    query = {key: values[-1] for key, values in parse_qs(link.query, keep_blank_values=True).items()}
    return query, cookies[COOKIE].value


def install(server: Server, code: str) -> tuple[int, str]:
    """Open the install page, approve in Slack (which redirects back with `code`), follow the redirect."""
    query, state = open_install_page(server)
    status, _, body = get(
        server,
        "/slack/oauth_redirect?" + urlencode({"code": code, "state": query["state"]}),
        cookie=f"{COOKIE}={state}",
    )
    return status, body


def rows(database: Database, table: str) -> list[dict[str, Any]]:
    with database.engine.connect() as connection:
        return [dict(row) for row in connection.execute(text(f"SELECT * FROM {table}")).mappings()]


# -- Slack requests from a workspace


def pm(server: Server, slack: FakeSlack, workspace: Workspace | str, command: str) -> dict[str, Any]:
    """`/pm command` typed in a workspace; what pmbot answered through response_url, once everything the
    command set off (such as refreshing the person's Home tab) is done."""
    team = workspace if isinstance(workspace, str) else workspace.team_id
    form = slash(slack, command, team_id=team, team_domain=team.lower())
    assert post(server, form) == (200, "")
    reply = answer(slack, form)
    server.settle()
    return reply


def event(name: str, workspace: Workspace) -> dict[str, Any]:
    return json.loads((EVENTS / f"{name}.json").read_text().replace("T0TEST", workspace.team_id))


def tokens_used_since(slack: FakeSlack, mark: int) -> set[str]:
    return {call.token for call in slack.calls[mark:]}


# -- installing


def test_the_install_page_links_to_slacks_authorize_url_with_a_state_it_remembers(server, database):
    status, cookies, body = get(server, "/slack/install")
    assert status == 200
    assert "Add to Slack" in body
    query, state = open_install_page(server)
    assert query["client_id"] == CLIENT_ID
    assert query["scope"].split(",") == list(BOT_SCOPES)
    assert query["user_scope"] == ""
    assert query["state"] == state
    cookie = cookies[COOKIE]
    assert (cookie["path"], cookie["httponly"], cookie["secure"]) == ("/", True, True)
    assert int(cookie["max-age"]) == 600
    assert {row["state"] for row in rows(database, "slack_oauth_states")} == {cookie.value, state}


def test_the_redirect_with_its_state_stores_the_installation_and_says_so(server, slack, database):
    status, body = install(server, "code-alpha")
    assert status == 200
    assert "Thank you!" in body
    assert f"slack://app?team={ALPHA.team_id}" in body

    [exchange] = slack.calls_to("oauth.v2.access")
    assert exchange.basic_auth == (CLIENT_ID, CLIENT_SECRET)  # slack_sdk sends them as HTTP Basic auth
    assert exchange.args == {"code": "code-alpha"}
    assert [call.token for call in slack.calls_to("auth.test")] == [ALPHA.token]  # Bolt learns the bot id

    [installation] = rows(database, "slack_installations")
    assert installation | {"id": None, "installed_at": None} == {
        "id": None,
        "client_id": CLIENT_ID,
        "app_id": "A0PMBOT",
        "enterprise_id": None,
        "enterprise_name": None,
        "enterprise_url": None,
        "team_id": ALPHA.team_id,
        "team_name": ALPHA.name,
        "bot_token": ALPHA.token,
        "bot_id": ALPHA.bot_id,
        "bot_user_id": ALPHA.bot_user_id,
        "bot_scopes": ",".join(BOT_SCOPES),
        "bot_refresh_token": None,
        "bot_token_expires_at": None,
        "user_id": ALPHA.installer,
        "user_token": None,
        "user_scopes": None,
        "user_refresh_token": None,
        "user_token_expires_at": None,
        "incoming_webhook_url": None,
        "incoming_webhook_channel": None,
        "incoming_webhook_channel_id": None,
        "incoming_webhook_configuration_url": None,
        "is_enterprise_install": False,
        "token_type": "bot",
        "installed_at": None,
    }
    [bot] = rows(database, "slack_bots")
    assert (bot["team_id"], bot["bot_token"], bot["client_id"]) == (ALPHA.team_id, ALPHA.token, CLIENT_ID)
    assert rows(database, "slack_oauth_states") == []  # the state is used up


def test_a_state_works_once(server, slack, database):
    query, state = open_install_page(server)
    redirect = "/slack/oauth_redirect?" + urlencode({"code": "code-alpha", "state": query["state"]})
    assert get(server, redirect, cookie=f"{COOKIE}={state}")[0] == 200
    status, _, body = get(server, redirect, cookie=f"{COOKIE}={state}")
    assert status == 401
    assert "invalid_state" in body
    assert len(slack.calls_to("oauth.v2.access")) == 1
    assert len(rows(database, "slack_installations")) == 1


@pytest.mark.parametrize(
    ("case", "status", "reason"),
    [
        ("no cookie", 400, "invalid_browser"),
        ("another browser's cookie", 400, "invalid_browser"),
        ("no state", 400, "invalid_browser"),
        ("a state pmbot never issued", 401, "invalid_state"),
    ],
)
def test_a_bad_or_missing_state_is_refused_and_nothing_is_stored(
    server, slack, database, case, status, reason
):
    query, state = open_install_page(server)
    _, other_browser = open_install_page(server)
    parameters, cookie = {"code": "code-alpha", "state": query["state"]}, f"{COOKIE}={state}"
    if case == "no cookie":
        cookie = ""
    elif case == "another browser's cookie":
        cookie = f"{COOKIE}={other_browser}"
    elif case == "no state":
        del parameters["state"]
    else:  # the browser check passes, the store has no such state
        parameters["state"], cookie = "f0rged-state", f"{COOKIE}=f0rged-state"
    answered, _, body = get(server, "/slack/oauth_redirect?" + urlencode(parameters), cookie=cookie or None)
    assert answered == status
    assert f"reason: {reason}" in body
    assert slack.calls_to("oauth.v2.access") == []
    assert rows(database, "slack_installations") == []
    assert rows(database, "slack_bots") == []


def test_a_code_slack_refuses_stores_nothing(server, slack, database):
    status, body = install(server, "code-nobody-issued")
    assert status == 401
    assert "reason: invalid_code" in body
    assert rows(database, "slack_installations") == []


# -- several workspaces


def test_each_workspace_is_served_with_its_own_token_and_sees_only_its_own_projects(server, slack, count):
    assert install(server, "code-alpha")[0] == 200
    assert install(server, "code-beta")[0] == 200
    slack.users["U0ALICE"] = {"tz": "Europe/Paris"}

    mark = len(slack.calls)
    assert pm(server, slack, ALPHA, 'project new churn "Churn model"')["text"].startswith(
        "✅ Created project churn"
    )
    assert tokens_used_since(slack, mark) == {ALPHA.token}
    assert {call.method for call in slack.calls[mark:]} >= {"auth.test", "users.info"}

    mark = len(slack.calls)
    assert "churn" not in pm(server, slack, BETA, "projects")["text"]
    assert tokens_used_since(slack, mark) == {BETA.token}

    mark = len(slack.calls)
    pm(server, slack, ALPHA, "risk add Label noise in Q3 data p=4 i=3")
    assert pm(server, slack, BETA, 'project new churn "Churn at Beta"')["text"].startswith(
        "✅ Created project churn: Churn at Beta"
    )
    assert "Label noise" not in pm(server, slack, BETA, "risks")["text"]
    assert "Label noise" in pm(server, slack, ALPHA, "risks")["text"]
    by_token = {call.token for call in slack.calls[mark:] if call.method == "auth.test"}
    assert by_token == {ALPHA.token, BETA.token}
    assert count(Project, tenant_id=ALPHA.team_id) == 1  # pmbot's tenant is the workspace's team id
    assert count(Project, tenant_id=BETA.team_id) == 1


def test_a_workspace_that_never_installed_pmbot_gets_no_token_used(server, slack, count):
    assert install(server, "code-alpha")[0] == 200
    mark = len(slack.calls)
    reply = pm(server, slack, "T0STRANGER", 'project new churn "Churn model"')
    assert REINSTALL in reply["text"]
    assert slack.calls[mark:] == []  # not one Web API call, with anybody's token
    assert count(Project) == 0


def test_app_uninstalled_forgets_that_workspace_only(server, slack, database):
    assert install(server, "code-alpha")[0] == 200
    assert install(server, "code-beta")[0] == 200
    assert post_event(server, event("app_uninstalled", ALPHA)) == (200, "")
    server.settle()  # the listener runs after Bolt acknowledged the event
    assert {row["team_id"] for row in rows(database, "slack_installations")} == {BETA.team_id}
    assert {row["team_id"] for row in rows(database, "slack_bots")} == {BETA.team_id}

    mark = len(slack.calls)
    assert REINSTALL in pm(server, slack, ALPHA, "projects")["text"]
    assert slack.calls[mark:] == []
    assert pm(server, slack, BETA, "projects")["text"].startswith("No projects yet")
    assert tokens_used_since(slack, mark) == {BETA.token}


def test_a_revoked_bot_token_is_no_longer_used(server, slack, database):
    assert install(server, "code-alpha")[0] == 200
    assert post_event(server, event("tokens_revoked", ALPHA)) == (200, "")
    server.settle()
    assert rows(database, "slack_bots") == []
    mark = len(slack.calls)
    assert REINSTALL in pm(server, slack, ALPHA, "projects")["text"]
    assert slack.calls[mark:] == []


# -- logs


@pytest.fixture
def debug_log(settings: Settings) -> Iterator[io.StringIO]:
    """pmbot's own logging set up at DEBUG (bot.logs.configure, as `pmbot` does), written to a buffer."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    for handler in handlers:  # configure(), like basicConfig, only sets up a logger with no handlers
        root.removeHandler(handler)
    buffer = io.StringIO()
    logs.configure(
        settings.model_copy(update={"core": CoreSettings.model_validate({"PMBOT_LOG_LEVEL": "DEBUG"})}),
        stream=buffer,
    )
    yield buffer
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_no_token_or_secret_reaches_the_logs_even_at_debug(server, slack, debug_log):
    assert install(server, "code-alpha")[0] == 200
    assert install(server, "code-beta")[0] == 200
    pm(server, slack, ALPHA, 'project new churn "Churn model"')
    pm(server, slack, BETA, "projects")
    post_event(server, event("app_uninstalled", ALPHA))
    server.settle()

    output = debug_log.getvalue()
    assert "oauth.v2.access" in output  # slack_sdk did log the exchange, response body included
    assert "xoxb-[redacted]" in output
    for secret in (ALPHA.token, BETA.token, CLIENT_SECRET, SECRET):
        assert secret not in output
    assert not re.search(r"xox[a-z]-(?!\[redacted\])", output)


def test_the_log_filter_redacts_every_kind_of_slack_token_and_the_configured_secrets():
    redact = logs.RedactSecrets(["s3cr3t-value", "abc"]).redact
    for token in (
        "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
        "xoxp-123456789012-123456789012-1234567890123-0123456789abcdef",
        "xoxa-2-abcdef",
        "xoxe-1-My0xLTEyMzQ",
        "xoxe.xoxb-1-MS0yLTEyMzQ1Njc4",
        "xoxr-1234-abcd",
        "xapp-1-A0PMBOT-1234567890-abcdef0123456789",
    ):
        assert token not in redact(f"token={token}, then more")
        assert redact(f"token={token}").startswith(f"token={token[:4]}")
    assert redact("the secret is s3cr3t-value.") == "the secret is [redacted]."
    assert redact("abc stays: too short to be a secret") == "abc stays: too short to be a secret"
    assert redact("Authorization: Basic MTIzNDU2Nzg5MDoxMjM0NTY3ODkw") == "Authorization: Basic [redacted]"


def test_a_token_in_an_exception_is_redacted_too(settings):
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(logs.RedactSecrets(logs.secrets_of(settings)))
    log = logging.getLogger("tests.oauth.redaction")
    log.addHandler(handler)
    try:
        raise RuntimeError(f"the API refused {ALPHA.token} with {CLIENT_SECRET}")
    except RuntimeError:
        log.exception("call failed with %s", ALPHA.token)
    finally:
        log.removeHandler(handler)
    assert ALPHA.token not in buffer.getvalue()
    assert CLIENT_SECRET not in buffer.getvalue()
    assert "RuntimeError: the API refused xoxb-[redacted] with [redacted]" in buffer.getvalue()


# -- settings


def slack_settings(**values: str) -> SlackSettings:
    return SlackSettings.model_validate(values)


def problems(**values: str) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        slack_settings(**values)
    return {str(error["loc"][-1]): error["msg"] for error in raised.value.errors()}


OAUTH = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET, "SLACK_SIGNING_SECRET": SECRET}


def test_client_id_secret_and_signing_secret_are_oauth_mode():
    settings = slack_settings(**OAUTH)
    assert settings.mode == "oauth"
    assert CLIENT_SECRET not in repr(settings)
    assert slack_settings().mode is None
    assert slack_settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET=SECRET).mode == "http"
    assert slack_settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1").mode == "socket"


def test_a_client_id_needs_its_secret_and_the_other_way_round():
    assert set(problems(SLACK_CLIENT_ID=CLIENT_ID, SLACK_SIGNING_SECRET=SECRET)) == {"SLACK_CLIENT_SECRET"}
    assert set(problems(SLACK_CLIENT_SECRET=CLIENT_SECRET, SLACK_SIGNING_SECRET=SECRET)) == {
        "SLACK_CLIENT_ID"
    }


def test_oauth_takes_no_bot_or_app_token_and_needs_the_signing_secret():
    found = problems(
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_APP_TOKEN="xapp-1",
    )
    assert set(found) == {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"}
    assert found["SLACK_BOT_TOKEN"].startswith("remove it: ")
    assert "installation" in found["SLACK_BOT_TOKEN"]
    assert "Socket Mode off" in found["SLACK_APP_TOKEN"]


def test_load_settings_names_every_wrong_setting_at_once(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A0PMBOT")
    monkeypatch.setenv("PMBOT_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    lines = str(raised.value).splitlines()
    assert lines[0] == "pmbot cannot start, a setting is wrong:"
    named = sorted(line.strip().split(":")[0] for line in lines[1:])
    assert named == ["PMBOT_TIMEZONE", "SLACK_APP_TOKEN", "SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET"]


def test_the_manifest_asks_for_exactly_the_scopes_installs_ask_for():
    assert manifest_bot_scopes((ROOT / "manifest.yml").read_text()) == list(BOT_SCOPES)


def manifest_bot_scopes(manifest: str) -> list[str]:
    """oauth_config.scopes.bot of a Slack app manifest (no YAML library needed for this list)."""
    path: list[tuple[int, str]] = []
    scopes: list[str] = []
    for raw in manifest.splitlines():
        line = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        while path and path[-1][0] >= indent and not line.lstrip().startswith("- "):
            path.pop()
        if line.lstrip().startswith("- "):
            if [key for _, key in path][-3:] == ["oauth_config", "scopes", "bot"]:
                scopes.append(line.lstrip()[2:].strip())
        elif line.rstrip().endswith(":"):
            path.append((indent, line.strip()[:-1]))
    return scopes
