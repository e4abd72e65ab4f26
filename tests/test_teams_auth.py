"""Teams with an app id: every activity must carry a Bot Framework token, checked by the real botbuilder
code against signing keys it fetches from OpenID metadata (BOT_OPENID_METADATA points it at the fake
connector, which signs tokens as the Bot Framework does). Whatever is wrong with a token, the answer is
401 and nothing is carried out."""

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from storage.models import HandledRequest, Project
from tests import teams_server
from tests.fake_connector import FakeConnector
from tests.slack_server import Server
from tests.teams_server import APP_ID, BOT_TOKEN, Person, secured

connector = teams_server.connector  # fixtures: pytest finds them in this module's namespace


@pytest.fixture
def server(database, connector) -> Iterator[Server]:
    running = secured(database, connector)
    yield running
    running.close()


def test_a_signed_activity_is_answered_and_the_answer_carries_the_bots_own_token(server, connector, count):
    alice = Person(server, connector, token=connector.token(APP_ID))
    answer = alice.say('project new churn "Churn model"')
    assert answer.card["body"][0]["text"] == "✅ Created project churn: Churn model"
    assert answer.token == BOT_TOKEN
    assert count(Project) == 1


def _refused(server: Server, connector: FakeConnector, token: str | None, count) -> None:
    alice = Person(server, connector, token=token)
    status, _ = alice.send(alice.activity('project new churn "Churn model"'))
    assert status == 401
    assert connector.posted == []
    assert count(Project) == 0
    assert count(HandledRequest) == 0


def test_an_activity_without_a_token_is_refused(server, connector, count):
    _refused(server, connector, None, count)


def test_a_token_that_is_no_jwt_is_refused(server, connector, count):
    _refused(server, connector, "not-a-token", count)


def test_a_token_signed_with_another_key_is_refused(server, connector, count):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _refused(server, connector, connector.token(APP_ID, key=other), count)


def test_a_token_for_another_bot_is_refused(server, connector, count):
    _refused(server, connector, connector.token("99999999-0000-0000-0000-000000000000"), count)


def test_a_token_from_another_issuer_is_refused(server, connector, count):
    _refused(server, connector, connector.token(APP_ID, issuer="https://sts.example.com/"), count)


def test_an_expired_token_is_refused(server, connector, count):
    _refused(server, connector, connector.token(APP_ID, expires_in=-3600), count)


def test_a_token_for_another_service_url_is_refused(server, connector, count):
    _refused(server, connector, connector.token(APP_ID, service_url="https://evil.example.com/"), count)
