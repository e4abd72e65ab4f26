"""Reminders and digests in Teams: pmbot keeps the conversation reference of every conversation it is
installed in or addressed in, and the scheduler's notifier posts there unasked — after a restart too —
opening a personal chat with a person it has never talked with."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.settings import SchedulerSettings
from handlers.reply import Reply, line
from scheduler.runner import Scheduler
from storage.models import TeamsConversation
from tests.fake_connector import TENANT, FakeConnector, activity
from tests.slack_server import Server
from tests.teams_server import Person, teams_settings

CHANNEL = "19:4f0c1c4e3b9a4a5c8f0c1c4e3b9a4a5c@thread.tacv2"
PERSONAL = activity("personal_message")["conversation"]["id"]
ALICE = "aaaaaaaa-1111-4111-8111-000000000001"
BOB_TEAMS_ID = "29:1Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8Nn7Mm6Ll5Kk4Jj3Ii2Hh1Gg0Ff9Ee8Dd7Cc6Bb5Aa4Zz3Yy2Xx"
BOB = "bbbbbbbb-2222-4222-8222-000000000002"


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    fake = FakeConnector(members={BOB_TEAMS_ID: {"id": BOB_TEAMS_ID, "name": "Bob Chen", "aadObjectId": BOB}})
    fake.start()
    yield fake
    fake.stop()


def _server(database) -> Server:
    return Server(teams_settings(database), insecure_local=True)


def _install(server: Server, connector: FakeConnector, name: str) -> None:
    status, _ = connector.deliver(server.url("/api/messages"), connector.shape(activity(name)))
    assert status in (200, 201)


def test_installing_pmbot_keeps_where_to_post(database, connector, count):
    server = _server(database)
    try:
        _install(server, connector, "installed_in_team")
        _install(server, connector, "installed_personal")
    finally:
        server.close()
    assert count(TeamsConversation, tenant_id=TENANT, key=CHANNEL, kind="channel") == 1
    assert count(TeamsConversation, tenant_id=TENANT, key=f"personal:{ALICE}", user_id=ALICE) == 1
    assert connector.posted == []  # installing says nothing


def test_after_a_restart_posts_and_direct_messages_reach_the_kept_conversations(database, connector):
    server = _server(database)
    try:
        _install(server, connector, "installed_in_team")
        _install(server, connector, "installed_personal")
    finally:
        server.close()

    server = _server(database)  # a new process: nothing in memory
    try:
        notifier = server.running.notifier
        assert notifier is not None
        posted = server._wait(notifier.post(TENANT, CHANNEL, Reply(headline=line("Weekly digest"))))
        direct = server._wait(notifier.direct(TENANT, ALICE, Reply(headline=line("Your overdue work"))))
        server._wait(notifier.update(TENANT, posted, Reply(headline=line("Weekly digest, corrected"))))
    finally:
        server.close()
    in_channel, in_chat, updated = connector.posted
    assert (in_channel.method, in_channel.conversation_id, in_channel.activity_id) == ("POST", CHANNEL, None)
    assert in_channel.text == "Weekly digest"
    assert (in_chat.conversation_id, in_chat.activity_id, in_chat.text) == (
        PERSONAL,
        None,
        "Your overdue work",
    )
    assert (updated.method, updated.conversation_id) == ("PUT", CHANNEL)
    assert posted == f"{CHANNEL}|{updated.activity_id}"
    assert direct.startswith(f"personal:{ALICE}|")


def test_a_person_never_talked_with_is_reached_in_a_new_personal_chat(database, connector, count):
    server = _server(database)
    try:
        _install(server, connector, "installed_in_team")
        notifier = server.running.notifier
        assert notifier is not None
        server._wait(notifier.direct(TENANT, BOB, Reply(headline=line("Your overdue work"))))
    finally:
        server.close()
    [created] = connector.created
    assert created["isGroup"] is False
    assert created["members"] == [{"id": BOB}]
    assert created["channelData"] == {"tenant": {"id": TENANT}}
    [message] = connector.posted
    assert (message.conversation_id, message.text) == ("a:new-1", "Your overdue work")
    assert count(TeamsConversation, tenant_id=TENANT, user_id=BOB, kind="personal") == 1


def _working_day_after(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _tick(server: Server, at: datetime) -> None:
    """One tick of the real scheduler, with the default settings, through the server's notifier."""
    notifier = server.running.notifier
    assert notifier is not None
    config = SchedulerSettings.model_validate({}).config("UTC")
    scheduler = Scheduler(
        services=server.app.commands.services, notifier=notifier, executor=server.running.pool, config=config
    )
    server._wait(scheduler.tick(at))


def test_the_scheduler_delivers_a_digest_and_a_reminder_in_teams_after_a_restart(database, connector):
    today = datetime.now(UTC).date()
    server = _server(database)
    try:
        _install(server, connector, "installed_personal")  # Alice installed pmbot for herself
        alice = Person(server, connector)  # …and in the channel
        alice.say('project new churn "Churn model"')
        alice.say(f'deliverable add "Labels" owner @{ALICE} due {today + timedelta(days=1)}')
        alice.say("settings review off")
    finally:
        server.close()

    # A working day after the due date, at 11:00 in Alice's timezone (Europe/Paris, UTC+1 in winter):
    # her reminder of 09:00 is due, and so is the digest if set for that day at 10:00.
    day = _working_day_after(today + timedelta(days=1))
    at = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
    server = _server(database)
    try:
        Person(server, connector).say(f"settings digest {day.strftime('%a').lower()} 10:00")
        before = len(connector.posted)
        _tick(server, at)
    finally:
        server.close()
    sent = {p.conversation_id: p for p in connector.posted[before:]}
    assert sent[CHANNEL].text.startswith("Weekly digest of Churn model (churn)")
    assert sent[CHANNEL].activity_id is None  # a new post in the channel, not a reply in a thread
    assert "Labels" in sent[PERSONAL].text


def test_someone_pmbot_is_not_installed_for_is_reported_to_the_project_owner(database, connector):
    connector.not_installed.add(BOB)
    today = datetime.now(UTC).date()
    server = _server(database)
    try:
        _install(server, connector, "installed_personal")
        alice = Person(server, connector)
        alice.say('project new churn "Churn model"')
        alice.say(f'deliverable add "Labels" owner @{BOB} due {today + timedelta(days=1)}')
        alice.say("settings review off")
        day = _working_day_after(today + timedelta(days=1))
        before = len(connector.posted)
        _tick(server, datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC))
    finally:
        server.close()
    assert connector.created == []  # Teams refused the 1:1 with Bob
    [notice] = connector.posted[before:]
    assert notice.conversation_id == PERSONAL  # Alice's personal chat with pmbot
    assert notice.text.startswith("pmbot could not reach")
    assert "Forbidden" in notice.text
    assert "in Teams, add pmbot for them" in notice.text
