"""Teams tenants are pmbot tenants: two Teams tenants and a Slack workspace served by one pmbot, on one
database, never see each other's projects, even in channels with the same id."""

from collections.abc import Iterator

import pytest

from bot.settings import SlackSettings
from storage.models import Project, Risk
from tests import teams_server
from tests.fake_connector import TENANT
from tests.fake_slack import TEAM_ID, FakeSlack
from tests.slack_server import SECRET, Server, answer, post, slash
from tests.teams_server import Person, teams_settings

connector = teams_server.connector  # fixtures: pytest finds them in this module's namespace

OTHER_TENANT = "22222222-2222-4222-8222-222222222222"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def server(database, slack) -> Iterator[Server]:
    settings = teams_settings(
        database,
        slack=SlackSettings.model_validate(
            {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url}
        ),
    )
    running = Server(settings, insecure_local=True)
    yield running
    running.close()


def _slack(server: Server, slack: FakeSlack, text: str) -> str:
    form = slash(slack, text)
    post(server, form)
    return str(answer(slack, form)["text"])


def test_two_teams_tenants_and_a_slack_workspace_keep_their_projects_apart(server, connector, slack, count):
    first = Person(server, connector)
    second = Person(server, connector, tenant=OTHER_TENANT)  # the same channel id, another tenant
    first.say('project new churn "Churn model"')
    first.say('risk add "Tenant one secret risk" p=5 i=5')

    assert second.say("risks").text.startswith("❌ This channel has no project.")
    assert second.say("churn: risks").text.startswith("❌ There is no project “churn”.")
    assert second.say("projects").text.startswith("No projects")
    assert _slack(server, slack, "churn: risks").startswith("❌ There is no project “churn”.")

    second.say('project new churn "Another churn model"')
    assert _slack(server, slack, 'project new churn "Slack churn"').startswith("✅ Created project churn")
    assert "Tenant one secret risk" in first.say("risks").text
    assert "Tenant one secret risk" not in second.say("risks").text
    assert count(Project, tenant_id=TENANT) == 1
    assert count(Project, tenant_id=OTHER_TENANT) == 1
    assert count(Project, tenant_id=TEAM_ID) == 1
    assert count(Risk, tenant_id=TENANT) == 1
    assert count(Risk) == 1
