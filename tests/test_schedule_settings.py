"""When pmbot speaks up on its own: the digest and review times of a project, the portfolio channel,
and a person pausing their reminders. Every change is audited; bad input is answered with the usage."""

from datetime import date

import pytest
from sqlmodel import select

from storage import people
from storage.models import AuditEvent, Person, Project, TenantSettings


def project(database, key: str = "churn") -> Project:
    with database.session(write=False) as db:
        return db.exec(select(Project).where(Project.key == key)).one()


def audit(database, action: str) -> list[tuple[dict | None, dict | None]]:
    with database.session(write=False) as db:
        events = db.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        return [(e.before, e.after) for e in events]


@pytest.fixture
def paris(chat):
    """churn created by @alice in Europe/Paris, on Wed 18 Nov 2026 at 11:00 there."""
    there = chat.as_(tz="Europe/Paris")
    assert there('project new churn "Churn model"').startswith("✓")
    return there


def test_the_owner_sets_the_digest_time_in_the_projects_timezone(paris, database):
    assert paris("settings digest Thursday 17:30").splitlines() == [
        "✓ The digest of churn now goes out every Thursday at 17:30 (Europe/Paris)",
        "  Next: Thu 19 Nov 2026 at 17:30 (Europe/Paris)",
    ]
    assert project(database).digest_schedule == "thu 17:30"
    assert audit(database, "project.digest") == [({"digest": "fri 16:00"}, {"digest": "thu 17:30"})]
    assert (
        paris("settings digest thu 17:30") == "The digest of churn already goes out every Thursday at 17:30."
    )
    assert len(audit(database, "project.digest")) == 1


def test_only_the_owner_changes_the_projects_times(paris, database, count):
    bob = paris.as_("bob")
    refusal = (
        "✗ Only the owner of churn can change when its digest goes out; `project churn` shows who that is."
    )
    assert bob("settings digest mon 09:00").splitlines()[0] == refusal
    assert bob("settings review off").startswith("✗ Only the owner of churn can change its status review")
    assert project(database).digest_schedule == "fri 16:00"
    assert project(database).review_cadence == "weekly thu 15:00"
    assert count(AuditEvent, action="project.digest") == 0


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("settings digest", "✗ <day and time> is missing."),
        (
            "settings digest someday",
            "✗ “someday” is not a time in the week I can read. Use <day> <hh:mm>, for example fri 16:00.",
        ),
        (
            "settings digest fri 25:00",
            "✗ “25:00” is not a time of day. Use <day> <hh:mm>, for example fri 16:00.",
        ),
        (
            "settings review soon",
            "✗ “soon” is not a time in the week I can read. Use <day> <hh:mm>, for example fri 16:00, or off.",
        ),
    ],
)
def test_a_bad_time_is_answered_with_the_usage(paris, database, typed, problem):
    verb = " ".join(typed.split()[:2])
    usage = {
        "settings digest": "settings digest <day> <hh:mm>",
        "settings review": "settings review <day> <hh:mm>|off",
    }
    assert paris(typed).splitlines() == [problem, f"  Usage: {usage[verb]}"]
    assert project(database).digest_schedule == "fri 16:00"


def test_reviews_can_be_moved_and_turned_off_and_on(paris, database):
    assert paris("settings review wed 10:00").splitlines() == [
        "✓ Status reviews of churn now fall due every Wednesday at 10:00 (Europe/Paris)",
        "  Next: Wed 25 Nov 2026 at 10:00 (Europe/Paris)",
    ]
    assert project(database).review_cadence == "weekly wed 10:00"
    assert paris("settings review off").splitlines() == [
        "✓ Status reviews of churn are off: nobody is reminded to post a status",
        "  `settings review thu 15:00` turns them back on.",
    ]
    assert project(database).review_cadence == "off"
    assert paris("settings review OFF") == "Status reviews of churn are already off."
    assert paris("settings review thu 15:00").startswith(
        "✓ Status reviews of churn now fall due every Thursday"
    )
    assert [after for _, after in audit(database, "project.review")] == [
        {"review": "weekly wed 10:00"},
        {"review": "off"},
        {"review": "weekly thu 15:00"},
    ]


def test_a_project_without_a_channel_is_told_its_digest_has_nowhere_to_go(paris, database):
    paris('project new fraud "Fraud"')  # the channel is churn's home already
    assert paris("fraud: settings digest mon 09:00").splitlines()[-1] == (
        "  fraud has no channel of its own, so its digest goes to its owner in a direct message; "
        "`fraud: digest now` posts it where you type it."
    )


def test_a_project_owner_sets_the_portfolio_channel_from_any_channel(chat, database, count):
    assert chat.as_("lea", channel="C-lea")('project new lea "Lea\'s"').startswith("✓")
    lea = chat.as_("lea", channel="C-random")  # no project here; lea owns one elsewhere
    assert lea("settings portfolio-channel <#C0PORTF|ai-portfolio>").splitlines() == [
        "✓ The portfolio digest will be posted in #ai-portfolio each week",
        "  pmbot must be a member of that channel to post there.",
        "  `digest preview portfolio` shows it now.",
    ]
    with database.session(write=False) as db:
        assert db.get(TenantSettings, "T1").portfolio_channel == "C0PORTF"
    assert lea("settings portfolio-channel #leadership").startswith(
        "✓ The portfolio digest will be posted in #leadership"
    )
    assert lea("settings portfolio-channel off") == "✓ The portfolio digest is no longer posted."
    with database.session(write=False) as db:
        assert db.get(TenantSettings, "T1").portfolio_channel is None
    assert audit(database, "settings.portfolio_channel") == [
        ({"portfolio_channel": None}, {"portfolio_channel": "C0PORTF"}),
        ({"portfolio_channel": "C0PORTF"}, {"portfolio_channel": "leadership"}),
        ({"portfolio_channel": "leadership"}, {"portfolio_channel": None}),
    ]
    assert lea("settings portfolio-channel leadership").splitlines() == [
        "✗ “leadership” is not a channel. Mention it, like #ai-portfolio.",
        "  Usage: settings portfolio-channel <#channel|off>",
    ]
    assert count(AuditEvent, action="settings.portfolio_channel") == 3


def test_the_llm_setting_keeps_working_beside_the_others(churn, database):
    chat = churn  # alice owns churn, so she may change the workspace's settings
    chat("settings portfolio-channel #leadership")
    assert chat("settings llm off").startswith("✓ This workspace will not send text to any LLM")
    with database.session(write=False) as db:
        row = db.get(TenantSettings, "T1")
        assert (row.llm_enabled, row.portfolio_channel) == (False, "leadership")


def test_settings_alone_lists_every_setting(chat):
    assert chat("settings").splitlines() == [
        "✗ `settings` needs one of these after it:",
        "  Usage: settings digest <day> <hh:mm>",
        "         settings review <day> <hh:mm>|off",
        "         settings portfolio-channel <#channel|off>",
        "         settings llm <on|off>",
    ]


def test_a_person_pauses_their_reminders_in_their_own_timezone(chat, database, clock):
    clock.advance(hours=2)  # Wed 18 Nov 12:00 UTC: already Thu 19 Nov 01:00 in Auckland
    auckland = chat.as_(tz="Pacific/Auckland")
    assert auckland("remind off until tomorrow").splitlines() == [
        "✓ Your reminders are paused; they resume on Fri 20 Nov 2026",
        "  `remind on` turns them back on before that.",
    ]
    with database.session(write=False) as db:
        assert people.paused_until(db, tenant_id="T1", user_id="alice") == date(2026, 11, 20)
        assert people.paused_until(db, tenant_id="T2", user_id="alice") is None  # per workspace
        assert people.paused_until(db, tenant_id="T1", user_id="bob") is None
    assert audit(database, "person.reminders") == [({"paused_until": None}, {"paused_until": "2026-11-20"})]


def test_reminders_come_back_on(chat, database, count):
    assert chat("remind on") == "Your reminders are on; nothing was paused."
    assert count(Person) == 0
    chat("remind off until next monday")
    assert chat("remind on") == "✓ Your reminders are back on."
    with database.session(write=False) as db:
        assert people.paused_until(db, tenant_id="T1", user_id="alice") is None
    assert [after for _, after in audit(database, "person.reminders")] == [
        {"paused_until": "2026-11-23"},
        {"paused_until": None},
    ]


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("remind off", "✗ Say until when, for example `remind off until next monday`."),
        ("remind off until today", "✗ Pause until a later day than today."),
        ("remind off until 2026-11-01", "✗ Sun 01 Nov 2026 is in the past; give today or a later date."),
        ("remind off until someday", "✗ “someday” is not a date I can read."),
        ("remind off tomorrow", "✗ I did not expect “tomorrow” there; put text with spaces in quotes."),
    ],
)
def test_a_bad_pause_is_answered_with_the_usage(chat, count, typed, problem):
    lines = chat(typed).splitlines()
    assert lines[0].startswith(problem)
    assert lines[-1] == "  Usage: remind off until <date>"
    assert count(Person) == 0
