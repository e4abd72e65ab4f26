"""No token, signing secret, client secret, app password or LLM key reaches a log, even at DEBUG.

pmbot's logging is set up as `pmbot run` sets it up (bot.logs.configure) at DEBUG, and every logger,
pmbot's and the libraries' (slack_bolt, slack_sdk, botbuilder, openai, httpx, aiohttp…), is captured at
DEBUG too by pytest's own handler, which has no filter of pmbot's: the records are redacted as they are
made. Real servers then work: Slack in HTTP mode (commands, a status whose LLM call fails, a file upload
Slack refuses), Slack in OAuth mode (two installs), Teams with an app password, each with an LLM key.
No captured line holds a secret as is, URL-encoded, base64-encoded, or after "Bearer ".
"""

import base64
import io
import logging
from collections.abc import Iterator
from urllib.parse import quote, quote_plus

import pytest
from sqlalchemy import text

from bot import logs
from bot.settings import CoreSettings, LlmSettings, Settings, SlackSettings, StorageSettings
from tests.fake_connector import FakeConnector
from tests.fake_openai import FakeOpenAI, answer
from tests.fake_slack import FakeSlack
from tests.slack_server import QUIET_SCHEDULER, SECRET, Server, post, slash
from tests.slack_server import answer as slack_answer
from tests.teams_server import APP_ID, Person, TestCredentialFactory, teams_settings
from tests.test_slack_oauth import ALPHA, BETA, CLIENT_ID, CODES, install, pm

BOT_TOKEN = "xoxb-5555555555-6666666666-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8"
SIGNING_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
CLIENT_SECRET = "c0ffee+Secret/With=Marks~2026"
APP_PASSWORD = "Q8~pw.Secret+Value/2026=="
LLM_KEY = "sk-proj-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp"
LIBRARIES = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "msal", "openai", "httpx", "httpcore", "aiohttp")  # fmt: skip
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


def forms(secret: str) -> set[str]:
    """The ways a secret could show in a log line."""
    data = secret.encode()
    encoded = {base64.b64encode(data).decode(), base64.urlsafe_b64encode(data).decode()}
    return (
        {secret, quote(secret, safe=""), quote_plus(secret), f"Bearer {secret}"}
        | encoded
        | {e.rstrip("=") for e in encoded}
    )


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The process's logging set-up as it was before the test (start_logging changes it)."""
    root = logging.getLogger()
    handlers, level, factory = root.handlers[:], root.level, logging.getLogRecordFactory()
    levels = {name: logging.getLogger(name).level for name in LIBRARIES}
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    logging.setLogRecordFactory(factory)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def start_logging(settings: Settings, caplog: pytest.LogCaptureFixture) -> io.StringIO:
    """Logging as `pmbot run` sets it up, at DEBUG, and pytest capturing every logger at DEBUG."""
    root = logging.getLogger()
    kept = root.handlers[:]
    for handler in kept:  # configure(), like basicConfig, only sets up a logger with no handlers
        root.removeHandler(handler)
    buffer = io.StringIO()
    logs.configure(
        settings.model_copy(update={"core": CoreSettings.model_validate({"PMBOT_LOG_LEVEL": "DEBUG"})}),
        stream=buffer,
    )
    root.handlers[:0] = kept  # pytest's capture first: it sees each record before pmbot's filter could
    caplog.set_level(logging.DEBUG)
    for name in LIBRARIES:
        caplog.set_level(logging.DEBUG, logger=name)
    return buffer


def leaks(lines: list[str], *secrets: str) -> list[tuple[str, str]]:
    return [(form, line[:300]) for line in lines for s in secrets for form in forms(s) if form in line]


def all_lines(buffer: io.StringIO, caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = logging.Formatter(logs.FORMAT)
    records = [formatter.format(record) for record in caplog.records]
    return buffer.getvalue().splitlines() + records + caplog.text.splitlines()


def llm_settings(fake: FakeOpenAI) -> LlmSettings:
    return LlmSettings.model_validate({"OPENAI_API_KEY": LLM_KEY, "OPENAI_BASE_URL": fake.url})


def base_settings(database, fake: FakeOpenAI, slack: dict[str, str]) -> Settings:
    return Settings(
        core=CoreSettings.model_validate({}),
        storage=StorageSettings.model_validate(
            {"DATABASE_URL": database.engine.url.render_as_string(hide_password=False)}
        ),
        llm=llm_settings(fake),
        scheduler=QUIET_SCHEDULER,
        slack=SlackSettings.model_validate(slack),
    )


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def test_slack_http_mode_with_a_failing_llm_and_a_failing_slack_call(database, fake, caplog):
    slack = FakeSlack().start()
    settings = base_settings(
        database,
        fake,
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
        },
    )
    buffer = start_logging(settings, caplog)
    server = Server(settings)
    try:
        fake.script.extend([answer("", status=500)] * 3)  # the summary's LLM call fails, retry included

        def command(text: str, count: int = 1) -> None:
            form = slash(slack, text, channel_id="C0CHURN")
            assert post(server, form, secret=SIGNING_SECRET) == (200, "")
            name = form["response_url"].rsplit("/", 1)[1]
            assert slack.wait_for_response(name, count=count), text
            slack_answer(slack, form)

        command('project new churn "Churn model"')
        command('status at-risk "Labels are late"', count=2)  # the answer, then the offline summary
        slack.fail_next("files.completeUploadExternal", error="invalid_auth")
        command("report", count=2)
        server.settle()
    finally:
        server.close()
        slack.stop()
    lines = all_lines(buffer, caplog)
    assert any("offline summary used" in line for line in lines)  # the LLM call did fail, and was logged
    assert any("files.completeUploadExternal" in line for line in lines)  # so did Slack's
    assert any("Sending a request" in line for line in lines)  # slack_sdk logged its calls at DEBUG
    assert leaks(lines, BOT_TOKEN, SIGNING_SECRET, LLM_KEY) == []


def test_slack_oauth_mode_installs(database, fake, caplog):
    slack = FakeSlack(installs=dict(CODES)).start()
    settings = base_settings(
        database,
        fake,
        {
            "SLACK_CLIENT_ID": CLIENT_ID,
            "SLACK_CLIENT_SECRET": CLIENT_SECRET,
            "SLACK_SIGNING_SECRET": SECRET,  # what tests.test_slack_oauth.pm signs with
            "SLACK_API_URL": slack.api_url,
        },
    )
    with database.engine.begin() as connection:  # the PostgreSQL test schema is shared between tests
        for table in ("slack_installations", "slack_bots", "slack_oauth_states"):
            connection.execute(text(f"DELETE FROM {table}"))
    buffer = start_logging(settings, caplog)
    server = Server(settings)
    try:
        assert install(server, "code-alpha")[0] == 200
        assert install(server, "code-beta")[0] == 200
        assert pm(server, slack, ALPHA, "projects")["text"]
    finally:
        server.close()
        slack.stop()
    lines = all_lines(buffer, caplog)
    assert any("oauth.v2.access" in line for line in lines)
    assert leaks(lines, CLIENT_SECRET, SECRET, LLM_KEY, ALPHA.token, BETA.token) == []


def test_teams_with_an_app_password(database, fake, caplog):
    connector = FakeConnector().start()
    settings = teams_settings(
        database,
        teams={
            "MICROSOFT_APP_ID": APP_ID,
            "MICROSOFT_APP_PASSWORD": APP_PASSWORD,
            "BOT_OPENID_METADATA": connector.openid_url,
        },
        llm=llm_settings(fake),
    )
    buffer = start_logging(settings, caplog)
    server = Server(settings, teams_credentials=TestCredentialFactory(APP_ID, APP_PASSWORD))
    try:
        fake.script.append(answer("not JSON at all"))
        alice = Person(server, connector, token=connector.token(APP_ID))
        assert "Created project churn" in alice.say('project new churn "Churn model"').text
        alice.answer(alice.activity('status at-risk "Labels are late"'), count=2)
        connector.fail_next(500)
        alice.send(alice.activity("risks"))
        server.settle()
    finally:
        server.close()
        connector.stop()
    lines = all_lines(buffer, caplog)
    assert len(lines) > 20
    assert leaks(lines, APP_PASSWORD, LLM_KEY) == []


def test_the_encoded_forms_of_a_configured_secret_are_redacted_too():
    redact = logs.RedactSecrets([APP_PASSWORD]).redact
    for form in forms(APP_PASSWORD):
        assert form.removeprefix("Bearer ") not in redact(f"sent {form} to the server")
