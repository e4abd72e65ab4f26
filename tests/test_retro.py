"""Retrospectives at phase changes, and the lessons they leave for the workspace's next projects."""

from datetime import UTC, datetime

from sqlmodel import select

from storage.models import AuditEvent, Lesson


def test_a_phase_change_offers_the_retrospective_of_the_phase_left(churn):
    out = churn('phase next go --accept-gaps "Start now"')
    assert out.splitlines()[-1] == (
        '  How did framing go? Take five minutes for its retrospective: `churn: retro well "<text>"`, '
        '`churn: retro badly "<text>"`, `churn: retro lesson "<text>"`.'
    )


def test_notes_right_after_a_phase_change_belong_to_the_phase_left(churn, clock, database, count):
    churn('phase next go --accept-gaps "Start now"')
    clock.advance(days=2)
    assert churn('retro well "The sponsor framed the problem with us"') == (
        "✓ Noted in the retrospective of churn's framing: 👍 The sponsor framed the problem with us\n"
        "  Everyone's lessons, across projects: `lessons`"
    )
    churn('retro badly "Nobody audited the labels"')
    churn('retro lesson "Audit labels before the POC starts"')
    clock.advance(days=13)  # 15 days after the move: notes are about the current phase again
    churn('retro badly "Two weeks lost waiting for data access"')
    churn('retro lesson "Ask for data access during framing" phase framing')
    assert churn("retro").splitlines() == [
        "Retrospective of churn",
        "framing:",
        "  • 👍 The sponsor framed the problem with us · @alice",
        "  • 👎 Nobody audited the labels · @alice",
        "  • 💡 Audit labels before the POC starts · @alice",
        "  • 💡 Ask for data access during framing · @alice",
        "poc:",
        "  • 👎 Two weeks lost waiting for data access · @alice",
    ]
    assert count(AuditEvent, action="lesson.add") == 5
    with database.session(write=False) as db:
        first = db.exec(select(Lesson).order_by(Lesson.id)).first()
    assert first is not None
    assert (first.phase, first.kind, first.author_id, first.created_at) == (
        "framing",
        "well",
        "alice",
        datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
    )


def test_a_closed_projects_notes_are_about_the_phase_it_was_closed_in(churn, clock):
    churn("phase poc")
    churn('phase next stop "No budget"')
    clock.advance(weeks=5)
    assert churn('retro lesson "Secure the budget before the POC"').startswith(
        "✓ Noted in the retrospective of churn's poc: 💡"
    )


def test_a_project_without_a_move_notes_its_current_phase(churn):
    assert churn("retro") == (
        'churn has no retrospective notes yet. Add one: `retro well|badly|lesson "<text>"`'
    )
    assert churn('retro well "Kick-off went fine"').startswith(
        "✓ Noted in the retrospective of churn's framing"
    )


def test_bad_notes_are_refused(churn, count):
    assert churn("retro well").startswith('✗ Say what to note after well: `retro well "<text>"`.')
    assert churn('retro great "x"').startswith(
        "✗ “great” is not a kind of retrospective note. Use one of: well,"
    )
    assert churn("retro phase poc").startswith("✗ Say what to note")
    assert count(Lesson) == 0


def test_lessons_gathers_every_projects_notes_newest_first(churn, clock):
    churn('retro lesson "Fix the KPIs before the POC"')
    fraud = churn.as_("bob", channel="C-fraud")
    fraud('project new fraud "Fraud scoring"')
    fraud("phase poc")
    clock.advance(days=1)
    fraud('retro lesson "Label fraud cases with the investigators"')
    fraud('retro badly "The vendor demo was not our data"')
    churn.as_(tenant="T2")('project new other "Elsewhere"')
    churn.as_(tenant="T2")('retro lesson "Not yours to read"')
    assert churn.as_(channel="C-lobby")("lessons").splitlines() == [
        "What retrospectives taught, across this workspace's projects",
        "💡 Lessons for the next project:",
        "  • fraud · framing · Label fraud cases with the investigators · @bob · Thu 19 Nov 2026",
        "  • churn · framing · Fix the KPIs before the POC · @alice · Wed 18 Nov 2026",
        "👎 What did not go well:",
        "  • fraud · framing · The vendor demo was not our data · @bob · Thu 19 Nov 2026",
    ]
    assert churn("lessons poc") == (
        'No retrospective notes of poc yet. At a phase change, note them: `retro lesson "<text>"`'
    )
