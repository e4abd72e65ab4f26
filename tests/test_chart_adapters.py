"""Charts through the platforms, over real HTTP: in Slack the chart is uploaded into the channel with
files_upload_v2 after the headline; in Teams the card shows it as an Image whose address pmbot's own web
server answers with the PNG, drawn from the database, while an altered or expired link gets a short
message and no image; and the weekly digest of a week where a KPI was measured or a risk changed brings
its charts, uploaded after the post by the scheduler's notifier."""

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from bot.teams import cards
from handlers.digest import project_digest
from handlers.reply import Attachment, Reply, line
from storage.models import Project
from tests import test_slack_http
from tests.fake_connector import FakeConnector
from tests.fake_slack import FakeSlack
from tests.scheduling import Harness, brief
from tests.slack_server import Server, answer, post, slash
from tests.teams_server import Person, teams_settings
from tests.test_charts import PNG_SIGNATURE, size_of

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack and executor fixtures


def fetch(url: str) -> tuple[int, str, bytes]:
    """GET `url`: the status, the content type and the body, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers["Content-Type"], refused.read()


# Slack


slack_server = test_slack_http.server  # on the scheduler fixtures' Slack fake


def pm(server: Server, slack: FakeSlack, text: str) -> dict:
    form = slash(slack, text)
    post(server, form)
    return answer(slack, form)


def test_slack_posts_the_headline_in_the_channel_and_uploads_the_chart_after_it(slack_server, slack):
    pm(slack_server, slack, 'project new churn "Churn model"')
    pm(slack_server, slack, 'risk add "Label noise in Q3 data" p=4 i=4')
    said = pm(slack_server, slack, "chart risks")
    assert said["response_type"] == "in_channel"
    assert said["text"].startswith("Risk heat map of churn: 1 open risk, 1 scored 15 or more")
    [done] = slack.wait_for("files.completeUploadExternal")
    assert done.args["channel_id"] == "C0CHURN"
    [asked] = slack.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"].startswith("risks-churn-")
    assert asked.args["filename"].endswith(".png")
    assert asked.args["alt_txt"] == "Risk heat map of churn: 1 open risk, 1 scored 15 or more"
    image = slack.uploaded[next(iter(slack.uploaded))]
    assert size_of(image) == (1200, 750)


def test_nothing_to_chart_uploads_nothing(slack_server, slack):
    pm(slack_server, slack, 'project new churn "Churn model"')
    said = pm(slack_server, slack, "chart risks")
    assert said["response_type"] == "ephemeral"
    assert said["text"].startswith("churn has no open risks")
    slack_server.settle()
    assert slack.calls_to("files.getUploadURLExternal") == []


# Teams


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    fake = FakeConnector().start()
    yield fake
    fake.stop()


@pytest.fixture
def teams(database, clock) -> Iterator[Server]:
    running = Server(teams_settings(database), insecure_local=True, clock=clock)
    yield running
    running.close()


def served(server: Server, url: str) -> str:
    """The same path on the test server (the link names the public address pmbot is reached at)."""
    return server.url(urlsplit(url).path)


def test_a_teams_card_shows_the_chart_that_pmbots_server_serves(teams, connector, clock):
    alice = Person(teams, connector)
    alice.say('project new churn "Churn model"')
    alice.say('kpi add "Recall" baseline 0.52 target 0.75')
    alice.say('kpi set "Recall" 0.61')
    card = alice.say('chart kpi "Recall"').card
    [image] = [e for e in card["body"] if e["type"] == "Image"]
    assert image["altText"].startswith("KPI trend of churn — Recall: 0.61")
    status, kind, body = fetch(served(teams, image["url"]))
    assert (status, kind) == (200, "image/png")
    assert size_of(body) == (1200, 750)
    alice.say('kpi set "Recall" 0.66')  # the link draws the chart as it is when opened
    status, _, redrawn = fetch(served(teams, image["url"]))
    assert status == 200
    assert redrawn != body


def test_an_altered_or_expired_chart_link_gets_a_message_and_no_image(teams, connector, clock):
    alice = Person(teams, connector)
    alice.say('project new churn "Churn model"')
    alice.say('risk add "Label noise" p=4 i=4')
    [image] = [e for e in alice.say("chart risks").card["body"] if e["type"] == "Image"]
    url = served(teams, image["url"])
    altered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    status, kind, body = fetch(altered)
    assert (status, kind) == (403, "text/plain; charset=utf-8")
    assert body == b"This link is not valid: it may have been cut or changed.\n"
    status, _, _ = fetch(teams.url("/charts/not-a-token"))
    assert status == 403
    clock.advance(days=8)  # links last PMBOT_LINK_DAYS, 7 by default
    status, kind, body = fetch(url)
    assert (status, kind) == (410, "text/plain; charset=utf-8")
    assert not body.startswith(PNG_SIGNATURE)
    assert b"expired" in body


def test_a_dashboard_or_export_link_opens_no_chart(teams, clock):
    links = teams.app.commands.services.links
    for payload in (
        {"tenant": "T1", "page": "dashboard"},
        {"tenant": "T1", "project": "churn", "export": "md"},
    ):
        status, _, body = fetch(served(teams, links.url("/charts", payload, now=clock())))
        assert status == 403, payload
        assert not body.startswith(PNG_SIGNATURE)


def test_a_chart_of_a_project_of_another_tenant_is_not_drawn(teams, connector, clock, database):
    alice = Person(teams, connector)
    alice.say('project new churn "Churn model"')
    alice.say('risk add "Label noise" p=4 i=4')
    with database.session(write=False) as db:
        project_id = db.exec(select(Project)).one().id
    links = teams.app.commands.services.links
    foreign = links.url(
        "/charts", {"tenant": "T-other", "chart": "risks", "project": project_id}, now=clock()
    )
    status, _, body = fetch(served(teams, foreign))
    assert status == 404
    assert body == b"What this chart showed is no longer there.\n"


def test_a_card_shows_only_an_image_with_an_address():
    chart = Reply(
        headline=line("Risk heat map of churn"), attachment=Attachment("r.png", b"png", "https://x/c/t")
    )
    [image] = [e for e in cards.card(chart)["body"] if e["type"] == "Image"]
    assert image == {
        "type": "Image",
        "url": "https://x/c/t",
        "altText": "Risk heat map of churn",
        "size": "Stretch",
    }
    unserved = Reply(headline=line("Risk heat map"), attachment=Attachment("r.png", b"png"))
    assert [e for e in cards.card(unserved)["body"] if e["type"] == "Image"] == []


# The weekly digest


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_the_digest_of_a_week_with_a_kpi_measured_and_a_risk_added_brings_its_charts(
    chat, service, slack, clock, executor
):
    chat('project new churn "Churn model"')
    chat('kpi add "Recall" baseline 0.52 target 0.75')
    chat('kpi set "Recall" 0.61')
    chat('risk add "Label noise" p=4 i=4')
    chat("settings review off")
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)
    assert brief(harness.run(until=at(20, 16))) == [
        ("Fri 20 16:00", "C-churn", "Weekly digest of Churn model (churn), week to Fri 20 Nov 2026")
    ]
    [asked] = slack.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"] == "digest-churn-2026-11-20.png"
    assert asked.args["alt_txt"] == "Weekly digest of Churn model (churn), week to Fri 20 Nov 2026"
    [done] = slack.calls_to("files.completeUploadExternal")
    assert done.args["channel_id"] == "C-churn"
    assert size_of(slack.uploaded[next(iter(slack.uploaded))]) == (1200, 1500)  # the KPI over the heat map
    # The next week nothing changes: the digest says so, and brings no chart.
    [quiet] = [d for d in harness.run(until=at(27, 16)) if d.to == "C-churn"]
    assert quiet.headline.startswith(
        "Weekly digest of Churn model (churn), week to Fri 27 Nov 2026: nothing was recorded this week"
    )
    assert len(slack.calls_to("files.getUploadURLExternal")) == 1


def test_a_week_with_only_a_status_update_has_the_same_digest_and_no_chart(churn, service, database, clock):
    churn('status on-track "Labels arrived"')
    with database.session(write=False) as db:
        project_id = db.exec(select(Project)).one().id
    digest = project_digest(service.services, tenant_id="T1", project_id=project_id, now=clock())
    assert digest.active
    assert digest.reply.attachment is None


def test_a_week_with_a_risk_closed_brings_the_heat_map_alone(churn, service, database, clock):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    churn('kpi set "Recall" 0.61')
    churn('risk add "Label noise" p=4 i=4')
    clock.advance(days=8)
    churn('risk close R-1 "relabelled"')
    with database.session(write=False) as db:
        project_id = db.exec(select(Project)).one().id
    digest = project_digest(service.services, tenant_id="T1", project_id=project_id, now=clock())
    attachment = digest.reply.attachment
    assert attachment is not None
    assert attachment.filename == "digest-churn-2026-11-26.png"
    assert size_of(attachment.data) == (1200, 750)  # one chart: the heat map
    assert attachment.url is not None
    assert "/charts/" in attachment.url
