"""The web dashboard through real HTTP on pmbot's running server: `dashboard` makes a signed link for the
person's tenant; the portfolio and a project's page show that tenant's data and no other's; an expired,
altered or foreign link, or an unknown project, gets a page that says so and shows nothing; what people
typed is escaped; and in Slack and Teams the link goes to the person by direct message, never to the
channel."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.links import create_links
from bot.settings import WebSettings
from handlers.links import Links
from storage.models import AuditEvent
from tests.dashboard_site import PUBLIC, get, link_path, seed, settings_for
from tests.fake_connector import FakeConnector, activity
from tests.fake_slack import FakeSlack
from tests.slack_server import SECRET, Server, answer, post, slash
from tests.teams_server import Person, teams_settings


@pytest.fixture
def site(database, clock) -> Iterator[Server]:
    running = Server(settings_for(database), clock=clock)
    yield running
    running.close()


@pytest.fixture
def churn_site(site, chat_for):
    """Tenant T1 with a churn project full of records and an ocr project; alice's chat in it."""
    return seed(chat_for(site.app.commands))


def test_the_dashboard_link_goes_to_the_person_and_says_how_long_it_lasts(churn, count):
    reply = churn("dashboard")
    assert reply.startswith("Your link to the dashboard, valid until Wed 25 Nov 2026")
    assert "/dashboard/" in reply
    assert "treat it like a password" in reply
    assert churn.reply("dashboard").direct
    assert count(AuditEvent, action="dashboard.link") == 2
    [project_link] = re.findall(r"http://\S+/dashboard/\S+", churn("dashboard churn"))
    assert project_link.endswith("/churn")
    assert churn("dashboard nope").startswith("✗ There is no project “nope”")


def test_the_portfolio_shows_every_project_with_its_health_kpis_and_top_risks(site, churn_site):
    status, headers, page = get(site, link_path(churn_site("dashboard")))
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    for shown in ("Churn model", "Invoice OCR", "At risk", "No status yet", "Recall", "50% of the way"):
        assert shown in page, shown
    assert "Label noise in Q3 data" in page
    assert page.index("Churn model") < page.index("Invoice OCR")  # worst health first
    assert 'src="data:image/png;base64,' in page  # the portfolio chart, inline
    assert "<script" not in page


def test_a_project_page_shows_its_records_history_gate_and_governance(site, churn_site):
    status, _, page = get(site, link_path(churn_site("dashboard churn")))
    assert status == 200
    for shown in (
        "Churn model",
        "Label noise in Q3 data",
        "Vendor API rate limits",
        "Use gradient boosting",
        "cheaper to run",
        "Labelled sample",
        "Acme",
        "Recall is stuck at 0.62 because the Q3 labels are noisy",
        "Business impact",  # the status's business summary
        "Gate checklist of framing",
        "EU AI Act class",
        "limited — Scores customers for retention offers",
    ):
        assert shown in page, shown
    assert page.count('src="data:image/png;base64,') == 3  # health, risk heat map, the one KPI


def test_the_pages_tell_browsers_to_keep_nothing_and_load_nothing_from_elsewhere(site, churn_site):
    path = link_path(churn_site("dashboard"))
    for where in (path, path + "/churn", "/dashboard/forged"):
        _, headers, page = get(site, where)
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert "script-src" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"
        assert "http://" not in page.replace(PUBLIC, "")
        assert "https://" not in page.replace(PUBLIC, "")
    status, headers, css = get(site, "/dashboard.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "@import" not in css
    assert "url(" not in css


def test_a_link_shows_its_own_tenant_only_even_for_the_same_project_key(site, churn_site):
    other = churn_site.as_(tenant="T2", user="mallory", channel="C-secret")
    assert other('project new churn "Secret churn of T2"').startswith("✓")
    assert other('risk add "Secret risk of T2" p=5 i=5').startswith("✓")
    assert other('project new vault "Vault of T2"').startswith("✓")
    path = link_path(churn_site("dashboard"))
    _, _, portfolio = get(site, path)
    _, _, project = get(site, path + "/churn")
    for page in (portfolio, project):
        assert "Churn model" in page
        assert "Secret" not in page
        assert "Vault" not in page
    status, _, missing = get(site, path + "/vault")
    assert status == 404
    assert "No such project" in missing
    assert "Vault" not in missing
    _, _, theirs = get(site, link_path(other("dashboard")))
    assert "Secret churn of T2" in theirs
    assert "Churn model" not in theirs


def test_an_expired_link_opens_nothing_and_says_so(site, churn_site, clock):
    path = link_path(churn_site("dashboard"))
    clock.advance(days=7, seconds=-1)
    assert get(site, path)[0] == 200
    clock.advance(seconds=1)
    for where in (path, path + "/churn"):
        status, headers, page = get(site, where)
        assert status == 410
        assert "This link has expired" in page
        assert "Churn model" not in page
        assert "Label noise" not in page
        assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("change", ["payload", "signature", "key", "cut", "page"])
def test_an_altered_or_foreign_link_opens_nothing_and_says_so(site, churn_site, clock, change):
    token = link_path(churn_site("dashboard")).removeprefix("/dashboard/")
    body, signature = token.split(".")
    other_key = Links(b"x" * 40, PUBLIC)
    own_key = site.app.commands.services.links
    forged = {
        "payload": body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + signature,
        "signature": f"{body}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        "key": other_key.token({"page": "dashboard", "tenant": "T1"}, expires=clock.now + timedelta(days=1)),
        "cut": body,
        # Signed with the right key, but for another page (a chart image, say): not a dashboard link.
        "page": own_key.token({"page": "chart", "tenant": "T1"}, expires=clock.now + timedelta(days=1)),
    }[change]
    for where in (f"/dashboard/{forged}", f"/dashboard/{forged}/churn"):
        status, _, page = get(site, where)
        assert status == 403
        assert "This link is not valid" in page
        assert "Churn model" not in page
        assert "Recall" not in page


def test_what_people_typed_is_escaped_on_the_pages(site, chat_for):
    chat = chat_for(site.app.commands)
    assert chat('project new evil "<script>alert(1)</script> Evil"').startswith("✓")
    assert chat('risk add "<img src=x onerror=alert(2)>" p=5 i=5').startswith("✓")
    assert chat('status off-track "<b>bold</b> & <i>co</i>"').startswith("✓")
    path = link_path(chat("dashboard"))
    for where in (path, path + "/evil"):
        status, _, page = get(site, where)
        assert status == 200
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "<b>bold" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Evil" in page
        assert "&lt;img src=x onerror=alert(2)&gt;" in page


def test_the_link_lasts_the_days_the_settings_give(database):
    settings = settings_for(database).model_copy(
        update={"web": WebSettings.model_validate({"PMBOT_LINK_DAYS": "2", "PMBOT_LINK_SECRET": "s" * 40})}
    )
    assert create_links(settings).ttl == timedelta(days=2)


def test_in_slack_the_link_goes_by_direct_message_and_the_channel_sees_none(database):
    slack = FakeSlack().start()
    server = Server(
        settings_for(
            database,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.api_url,
        )
    )
    try:
        form = slash(slack, 'project new churn "Churn model"')
        post(server, form)
        answer(slack, form)
        form = slash(slack, "dashboard")
        post(server, form)
        said = answer(slack, form)
        assert said["response_type"] == "ephemeral"
        assert said["text"].startswith("✅ I sent you this by direct message: Your link to the dashboard")
        assert "/dashboard/" not in str(said)
        [sent] = slack.calls_to("chat.postMessage")
        assert sent.args["channel"] == "U0ALICE"
        _, _, page = get(server, link_path(sent.args["text"]))
        assert "Churn model" in page
    finally:
        server.close()
        slack.stop()


def test_in_teams_the_link_goes_to_the_personal_chat_and_the_channel_sees_none(database):
    connector = FakeConnector().start()
    web = settings_for(database).web
    server = Server(teams_settings(database, web=web), insecure_local=True)
    try:
        for installed in ("installed_in_team", "installed_personal"):
            connector.deliver(server.url("/api/messages"), connector.shape(activity(installed)))
        alice = Person(server, connector)  # in a channel of the team
        sent, said = alice.answer(alice.activity("dashboard"), count=2)
        assert sent.conversation_id == activity("personal_message")["conversation"]["id"]
        assert "/dashboard/" in sent.text
        assert said.conversation_id != sent.conversation_id
        assert said.text.startswith("✅ I sent you this by direct message: Your link to the dashboard")
        assert "/dashboard/" not in str(said.body)
        _, _, page = get(server, link_path(sent.text))
        assert "Portfolio" in page
        in_private = Person(server, connector, fixture="personal_message")
        assert "/dashboard/" in in_private.say("dashboard").text  # there, it is the answer itself
    finally:
        server.close()
        connector.stop()
