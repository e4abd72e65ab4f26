"""Exports through the platforms: `/pm export csv` in Slack over real HTTP uploads the zip to the
channel; its signed link (`GET /exports/{token}`) downloads the same files from pmbot's web server, and
a changed, expired or foreign link gets no data. Teams cards show the link as a Download button."""

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from bot.teams.cards import card
from handlers.command import Command
from handlers.reply import Attachment, Reply, line
from tests import test_slack_http
from tests.fake_connector import FakeConnector
from tests.registers import unzip
from tests.slack_server import Server
from tests.teams_server import Person, teams_settings
from tests.test_slack_http import command

slack = test_slack_http.slack
server = test_slack_http.server


def download(server: Server, url: str) -> tuple[int, dict[str, str], bytes]:
    """GET the link's path on the test server (the link names the configured public address)."""
    try:
        with urllib.request.urlopen(server.url(urlsplit(url).path), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as problem:
        return problem.code, dict(problem.headers), problem.read()


def export_link(server: Server, text: str = "export csv") -> str:
    """The link pmbot gives with an export in the Slack channel the tests use."""
    outcome = server.app.commands.handle(
        Command(tenant_id="T0TEST", user_id="U0ALICE", channel_id="C0CHURN", text=text, request_id="link")
    )
    assert outcome.reply.attachment is not None
    assert outcome.reply.attachment.url is not None
    return outcome.reply.attachment.url


def test_slack_export_csv_uploads_the_zip_to_the_channel(server, slack):
    command(server, slack, 'project new churn "Churn model"')
    command(server, slack, 'risk add "Label noise in Q3 data" p=4 i=3')
    reply = command(server, slack, "export csv")
    assert reply["response_type"] == "in_channel"
    assert reply["text"].startswith("Export of churn: the RAID log as CSV files")
    [done] = slack.wait_for("files.completeUploadExternal")
    assert done.args["channel_id"] == "C0CHURN"
    [asked] = slack.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"].startswith("churn-raid-")
    assert asked.args["filename"].endswith(".zip")
    uploaded = slack.uploaded[next(iter(slack.uploaded))]
    assert int(asked.args["length"]) == len(uploaded)
    files = unzip(uploaded)
    assert "R-1,Label noise in Q3 data,4,3,12" in files["risks.csv"]


def test_the_link_downloads_the_same_zip_as_an_attachment(server, slack):
    command(server, slack, 'project new churn "Churn model"')
    command(server, slack, 'risk add "Label noise in Q3 data" p=4 i=3')
    command(server, slack, "export csv")
    slack.wait_for("files.completeUploadExternal")
    [uploaded] = slack.uploaded.values()
    status, headers, body = download(server, export_link(server))
    assert status == 200
    assert headers["Content-Type"] == "application/zip"
    assert headers["Content-Disposition"].startswith('attachment; filename="churn-raid-')
    assert headers["Cache-Control"] == "no-store"
    assert unzip(body) == unzip(uploaded)


def test_the_markdown_link_downloads_the_document(server, slack):
    command(server, slack, 'project new churn "Churn model"')
    status, headers, body = download(server, export_link(server, "export md"))
    assert status == 200
    assert headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert body.decode().startswith("# Churn model \\(churn\\)")


def test_a_changed_expired_or_foreign_link_gets_no_data(server, slack):
    command(server, slack, 'project new churn "Churn model"')
    command(server, slack, 'risk add "Label noise in Q3 data" p=4 i=3')
    url = export_link(server)
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    status, _headers, body = download(server, tampered)
    assert status == 403
    assert body.decode().startswith("This link is not valid")
    assert b"Label noise" not in body
    assert not body.startswith(b"PK")

    links, now = server.app.commands.services.links, server.app.commands.services.clock()
    payload = {"export": "csv", "tenant": "T0TEST", "project": "churn"}
    expired = links.url("/exports", payload, now=now - timedelta(days=30), ttl=timedelta(days=1))
    status, _headers, body = download(server, expired)
    assert status == 410
    assert body.decode().startswith("This link has expired")

    dashboard = links.url(
        "/exports", {"page": "dashboard", "tenant": "T0TEST"}, now=now, ttl=timedelta(days=1)
    )
    assert download(server, dashboard)[0] == 403
    gone = links.url("/exports", payload | {"project": "nope"}, now=now, ttl=timedelta(days=1))
    status, _headers, body = download(server, gone)
    assert (status, body.startswith(b"PK")) == (404, False)


@pytest.fixture
def teams(database) -> Iterator[Server]:
    running = Server(teams_settings(database), insecure_local=True)
    yield running
    running.close()


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    fake = FakeConnector().start()
    yield fake
    fake.stop()


def test_in_teams_the_card_has_a_download_button_whose_link_gives_the_file(teams, connector):
    alice = Person(teams, connector)
    alice.say('project new churn "Churn model"')
    alice.say('risk add "Label noise in Q3 data" p=4 i=3')
    posted = alice.say("export csv")
    assert posted.text.startswith("Export of churn: the RAID log as CSV files")
    [button] = posted.card["actions"]
    assert button["type"] == "Action.OpenUrl"
    assert button["title"].startswith("Download churn-raid-")
    status, _headers, body = download(teams, button["url"])
    assert status == 200
    assert "R-1,Label noise in Q3 data,4,3,12" in unzip(body)["risks.csv"]


def test_a_teams_card_offers_the_export_as_a_download_button():
    url = "https://pmbot.example.com/exports/abc.def"
    reply = Reply(
        headline=line("Export of churn"), public=True, attachment=Attachment("churn-raid.zip", b"PK", url)
    )
    assert card(reply)["actions"] == [
        {"type": "Action.OpenUrl", "title": "Download churn-raid.zip", "url": url}
    ]
    assert "actions" not in card(Reply(headline=line("Report"), attachment=Attachment("report.md", b"#")))
