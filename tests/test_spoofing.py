"""Requests that only pretend to come from Slack or Teams are refused before anything happens: over real
HTTP to the running server, with the real slack_bolt and botbuilder checks, a forged, stale, tampered or
missing Slack signature and a Teams activity whose token is missing, expired, signed by another key, for
another bot, from another issuer or for another serviceUrl get 401, and nothing is stored, answered or
sent. A genuine request sent again (a replay within Slack's five minutes, a redelivered Teams activity)
is carried out once and not answered twice. tests/test_teams_auth.py shows the token checks on a first
message; here they guard a project that already exists."""

import copy
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from slack_sdk.signature import SignatureVerifier

from storage.models import Deliverable, HandledRequest, Project, StatusUpdate, TeamsConversation
from tests import teams_server, test_slack_http
from tests.fake_connector import activity
from tests.fake_slack import FakeSlack
from tests.slack_server import SECRET, Server, slash
from tests.teams_server import APP_ID, Person, secured
from tests.test_slack_buttons import buttons, click
from tests.test_slack_home import home_opened
from tests.test_slack_http import command

server = test_slack_http.server  # fixtures: pytest finds them in this module's namespace
slack = test_slack_http.slack
connector = teams_server.connector


# -- Slack


def _send(server: Server, body: str, headers: dict[str, str], content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(
        server.url("/slack/events"), data=body.encode(), headers={"Content-Type": content_type} | headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as problem:
        return problem.code, problem.read().decode()


def signed(body: str, *, secret: str = SECRET, age: int = 0) -> dict[str, str]:
    """The headers Slack sends with `body`: the v0 HMAC of timestamp and body, `age` seconds ago."""
    timestamp = str(int(time.time()) - age)
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


FORM = "application/x-www-form-urlencoded"


def send_form(server: Server, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
    return _send(server, urlencode(form), headers, FORM)


@pytest.fixture
def churn(server, slack, database):
    """The project churn, home in C0CHURN, with deliverable A-1; the number of Web API calls made so
    far, so that a test can check that a refused request made none."""
    command(server, slack, 'project new churn "Churn model"')
    command(server, slack, 'deliverable add "Extract" owner @bob due in 3 days')
    server.settle()
    return len(slack.calls)


def _nothing_happened(server: Server, slack: FakeSlack, form: dict[str, str], calls: int, count) -> None:
    server.settle()
    assert slack.responses(form["response_url"].rsplit("/", 1)[1]) == []
    assert len(slack.calls) == calls  # no Web API call at all, not even users.info
    assert count(StatusUpdate) == 0


def _status(slack: FakeSlack) -> dict[str, str]:
    return slash(slack, "status off-track the model leaks customer data")


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda body: signed(body, secret="not-the-secret"), id="signed-with-another-secret"),
        pytest.param(lambda body: {}, id="no-signature-at-all"),
        pytest.param(
            lambda body: {"X-Slack-Signature": signed(body)["X-Slack-Signature"]}, id="no-timestamp"
        ),
        pytest.param(
            lambda body: {"X-Slack-Request-Timestamp": signed(body)["X-Slack-Request-Timestamp"]},
            id="no-signature",
        ),
        pytest.param(lambda body: signed(body, age=6 * 60), id="six-minutes-old"),
        pytest.param(lambda body: signed(body, age=-6 * 60), id="six-minutes-ahead"),
        pytest.param(
            lambda body: signed(body) | {"X-Slack-Signature": "v0=" + "0" * 64}, id="a-made-up-signature"
        ),
    ],
)
def test_a_slash_command_not_signed_by_slack_now_is_refused(server, slack, churn, count, headers):
    form = _status(slack)
    status, _ = send_form(server, form, headers(urlencode(form)))
    assert status == 401
    _nothing_happened(server, slack, form, churn, count)


def test_a_genuine_signature_on_another_body_is_refused(server, slack, churn, count):
    """A signature taken from a real request and put on a changed one: the HMAC covers the body."""
    genuine = slash(slack, "status on-track all good")
    forged = genuine | {"text": "status off-track the model leaks customer data"}
    status, _ = send_form(server, forged, signed(urlencode(genuine)))
    assert status == 401
    _nothing_happened(server, slack, forged, churn, count)


def test_a_replayed_slash_command_is_carried_out_once_and_answered_once(server, slack, churn, count):
    """Bolt accepts a replay of the very same request within five minutes; its trigger id is the same,
    so pmbot carries it out once, and says nothing more."""
    form = _status(slack)
    body = urlencode(form)
    headers = signed(body)
    name = form["response_url"].rsplit("/", 1)[1]
    assert _send(server, body, headers, FORM) == (200, "")
    assert slack.wait_for_response(name, count=2)  # the answer, then the summary for the channel
    server.settle()
    answered, calls = slack.responses(name), len(slack.calls)
    assert answered[0]["text"].startswith("✅ Status of churn recorded")
    assert _send(server, body, headers, FORM) == (200, "")  # the same bytes, the same signature
    server.settle()
    assert count(StatusUpdate) == 1
    assert slack.responses(name) == answered
    assert len(slack.calls) == calls


def test_a_forged_button_click_is_refused(server, slack, churn, count, database):
    listed = buttons(command(server, slack, "deliverables"))
    server.settle()
    calls = len(slack.calls)
    done = click(slack, listed["A-1 Done"])
    form = {"payload": json.dumps(done)}
    status, _ = send_form(server, form, signed(urlencode(form), secret="not-the-secret"))
    assert status == 401
    server.settle()
    assert slack.responses(done["response_url"].rsplit("/", 1)[1]) == []
    assert len(slack.calls) == calls
    assert count(Deliverable, status="open") == 1


def test_a_forged_event_is_refused(server, slack, churn, count):
    event = json.dumps(home_opened())
    handled = count(HandledRequest)
    status, _ = _send(server, event, signed(event, secret="not-the-secret"), "application/json")
    assert status == 401
    server.settle()
    assert len(slack.calls) == churn  # no views.publish
    assert count(HandledRequest) == handled


# -- Teams

ELSEWHERE = "https://evil.example.com/"


@pytest.fixture
def teams(database, connector) -> Iterator[Server]:
    running = secured(database, connector)
    yield running
    running.close()


@pytest.fixture
def alice(teams, connector) -> Person:
    """alice in the channel of the project churn, created with a genuine token."""
    person = Person(teams, connector, token=connector.token(APP_ID))
    assert person.say('project new churn "Churn model"').text.startswith("✅ Created project churn")
    return person


def _other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


BAD_TOKENS = [
    pytest.param(lambda c: None, id="no-authorization"),
    pytest.param(lambda c: "not-a-token", id="not-a-jwt"),
    pytest.param(lambda c: c.token(APP_ID, expires_in=-3600), id="expired"),
    pytest.param(lambda c: c.token(APP_ID, key=_other_key()), id="signed-by-an-unknown-key"),
    pytest.param(lambda c: c.token("99999999-0000-0000-0000-000000000000"), id="for-another-bot"),
    pytest.param(lambda c: c.token(APP_ID, issuer="https://sts.example.com/"), id="from-another-issuer"),
    pytest.param(lambda c: c.token(APP_ID, service_url=ELSEWHERE), id="for-another-service-url"),
]


def _stored(count) -> tuple[int, int, int, int]:
    return count(StatusUpdate), count(TeamsConversation), count(HandledRequest), count(Project)


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_a_message_with_a_bad_token_changes_nothing_and_is_not_answered(alice, connector, count, token):
    before, posted = _stored(count), len(connector.posted)
    mallory = Person(alice.server, connector, token=token(connector))
    status, _ = mallory.send(mallory.activity("status off-track the model leaks customer data"))
    assert status == 401
    assert _stored(count) == before
    assert count(StatusUpdate) == 0
    assert len(connector.posted) == posted


def test_a_bearer_token_sent_under_another_scheme_is_refused(alice, connector, count):
    before, posted = _stored(count), len(connector.posted)
    data = alice.activity("status off-track the model leaks customer data")
    status, _ = connector.deliver(alice.server.url("/api/messages"), data, token=None)
    assert status == 401
    request = urllib.request.Request(
        alice.server.url("/api/messages"),
        data=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Basic {connector.token(APP_ID)}"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401
    assert _stored(count) == before
    assert len(connector.posted) == posted


def test_an_activity_without_a_service_url_cannot_dodge_the_service_url_check(alice, connector, count):
    """The SDK compares the token's serviceurl with the activity's only when the activity has one."""
    before, posted = _stored(count), len(connector.posted)
    mallory = Person(alice.server, connector, token=connector.token(APP_ID, service_url=ELSEWHERE))
    data = mallory.activity("status off-track the model leaks customer data")
    del data["serviceUrl"]
    status, _ = mallory.send(data)
    assert status == 401
    assert _stored(count) == before
    assert len(connector.posted) == posted


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_an_install_with_a_bad_token_keeps_no_conversation(teams, connector, count, token):
    status, _ = connector.deliver(
        teams.url("/api/messages"), connector.shape(activity("installed_in_team")), token=token(connector)
    )
    assert status == 401
    assert count(TeamsConversation) == 0
    assert connector.posted == []


def test_a_replayed_activity_with_its_token_is_carried_out_once(alice, connector, count):
    data = alice.activity("status on-track all good")
    alice.answer(data, count=2)  # the answer, then the summary for the channel
    posted = len(connector.posted)
    status, _ = alice.send(copy.deepcopy(data))  # the same activity and token, sent again
    assert status in (200, 201)
    assert count(StatusUpdate) == 1
    assert len(connector.posted) == posted
