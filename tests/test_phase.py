from sqlmodel import select

from storage.models import AuditEvent, Project

USAGE = 'Usage: phase [<phase>] [until <date>] [because "<why>"]'
MOVED = "✓ churn moved from framing to poc\n  Decision: D-1 · Moved by hand: framing → poc"


def test_phase_shows_the_current_one_and_the_next(churn):
    assert churn("phase") == (
        "churn is in framing — next: `phase next`\n"
        "  Phase: framing since Wed 18 Nov 2026\n"
        "  Gate of framing: 0 of 7 items checked — `gate`"
    )


def test_the_last_phase_has_no_next(chat):
    chat('project new churn "Churn model" phase closed')
    assert chat("phase") == "churn is closed\n  Phase: closed since Wed 18 Nov 2026"


def test_phase_moves_the_project_and_audits_before_and_after(churn, database, clock):
    clock.advance(days=1)
    assert churn("phase poc").startswith(MOVED)
    assert churn("phase").startswith(
        "churn is in poc — next: `phase next`\n  Phase: poc since Thu 19 Nov 2026"
    )
    with database.session(write=False) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "project.phase")).one()
        project = db.exec(select(Project)).one()
    assert (event.actor_id, event.ref, event.before, event.after) == (
        "alice",
        "churn",
        {"phase": "framing"},
        {"phase": "poc"},
    )
    assert event.at == clock.now
    assert event.project_id == project.id
    assert event.tenant_id == "T1"


def test_phase_names_are_case_insensitive(churn):
    assert churn("phase Deployment").startswith("✓ churn moved from framing to deployment\n")


def test_moving_to_the_same_phase_is_refused_and_not_audited(churn, count):
    out = churn("phase framing")
    assert out.splitlines() == ["✗ churn is already in framing.", f"  {USAGE}"]
    assert count(AuditEvent, action="project.phase") == 0


def test_unknown_phase_is_refused_and_nothing_changes(churn, count):
    out = churn("phase launch")
    assert out.splitlines()[0] == (
        "✗ “launch” is not a phase. Use one of: framing, poc, deployment, monitoring, closed."
    )
    assert USAGE in out
    assert churn("phase poc now").startswith("✗ I did not expect “now” there")
    assert count(AuditEvent, action="project.phase") == 0
    assert churn("phase").startswith("churn is in framing")


def test_phase_of_another_project_by_key(churn):
    lobby = churn.as_(channel="C-lobby")
    assert lobby("churn: phase poc").startswith(MOVED)
    assert churn("phase").startswith("churn is in poc — next: `phase next`")
