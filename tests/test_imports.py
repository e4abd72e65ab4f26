"""Importing a register (handlers/imports.py): every bad row is reported by file and line and then
nothing is imported; a good file is imported in full, numbered after the project's own records, with an
audit event each; exporting a project and importing its zip into an empty one gives the same records."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from handlers.exports import csv_zip
from handlers.imports import RegisterError, files_of, import_register
from storage import projects
from storage.models import AuditEvent, Decision, Deliverable, Member, Project, Risk
from tests.registers import FORMULA_TITLE, fill, records

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


def run_import(database, files: dict[str, bytes], key: str = "churn", actor: str = "alice"):
    with database.session(write=True) as db:
        project = projects.by_key(db, tenant_id="T1", key=key)
        assert project is not None
        return import_register(db, project, files, actor_id=actor, now=NOW, tz=PARIS)


def refused(database, files: dict[str, bytes], key: str = "churn") -> list[str]:
    with pytest.raises(RegisterError) as raised:
        run_import(database, files, key)
    return [str(p) for p in raised.value.problems]


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def test_every_bad_row_is_reported_by_file_and_line_and_nothing_is_imported(churn, database, count):
    churn('risk add "Drift" p=2 i=3')
    files = {
        "risks.csv": csv_bytes(
            "title,probability,impact,owner,status,category",
            "Label noise,4,3,bob,open,data",
            "Too likely,7,3,,,",
            ",2,2,,opn,",
            "Fine one,2,2,,,",
            "Bad category,2,2,,,weather",
        ),
        "deliverables.csv": csv_bytes(
            "title,owner,owner_party,due_date,status",
            "Extract,bob,,2026-12-01,open",
            "Benchmark,,Vendor X,2026-12-02,",
            "Nobody's,,,2026-12-03,",
            "Both,bob,Vendor X,2026-12-03,",
            "Label guide,carol,,2026-12-04,",
            "Late,bob,,32/13,",
        ),
        "decisions.csv": csv_bytes(
            "ref,title,rationale,decided_by,supersedes,source_link",
            "D-1,Use GBM,cheaper,alice,,",
            "D-2,Use LightGBM,,bob,D-9,ftp://x",
        ),
    }
    assert refused(database, files) == [
        "risks.csv line 3: probability must be a whole number from 1 to 5; you gave “7”.",
        "risks.csv line 4: title is empty; it must be given.",
        "risks.csv line 4: status: “opn” is not a risk status. Use one of: open, mitigating, accepted, closed.",
        "risks.csv line 6: category: “weather” is not a risk category. Use one of: data, model, bias, privacy, "
        "regulatory, vendor, adoption, delivery, security, cost.",
        "deliverables.csv line 4: owner: give an owner (a user id) or an owner_party (an outside party such as "
        "IT data team).",
        "deliverables.csv line 5: owner_party: give an owner or an owner_party, not both.",
        "deliverables.csv line 7: due_date: “32/13” is not a date; write it as 2026-12-01.",
        "decisions.csv line 3: rationale is empty; it must be given.",
        "decisions.csv line 3: source_link: “ftp://x” is not a link. Give a web address that starts with https://.",
        "decisions.csv line 3: supersedes: D-9 is not in decisions.csv; give the ref of a decision in it.",
    ]
    assert (count(Risk), count(Deliverable), count(Decision)) == (1, 0, 0)
    assert count(AuditEvent, action="risk.import") == 0
    assert churn('risk add "Next" p=1 i=1').startswith("✓ Recorded R-2: Next")


def test_a_good_register_is_imported_in_full_after_the_projects_own_numbers(churn, database, count):
    churn('risk add "Drift" p=2 i=3')
    churn('decision "Start with a POC" because "cheap"')
    files = {
        "risks.csv": csv_bytes(
            "ref,title,probability,impact,owner,mitigation,status,review_by",
            "R-1,Label noise,4,3,bob,Relabel,mitigating,2026-12-01",
            "R-2,Vendor lock-in,2,5,<@U024BE7LH>,,,",
        ),
        "deliverables.csv": csv_bytes(
            "title,owner,owner_party,due_date,status,done_at",
            "Extract,bob,,2026-11-10,done,",
            "Benchmark,,Vendor X,1 dec 2026,,",
        ),
        "decisions.csv": csv_bytes(
            "ref,title,rationale,decided_at,status,supersedes",
            "D-1,Use GBM,cheaper,2026-10-01,superseded,",
            "D-2,Use LightGBM,faster,2026-10-15T14:30:00+00:00,,D-1",
        ),
    }
    done = run_import(database, files)
    assert done.summary() == "2 risks (R-2 to R-3), 2 deliverables (A-1 to A-2), 2 decisions (D-2 to D-3)"
    with database.session(write=False) as db:
        risks = db.exec(select(Risk).order_by(col(Risk.number))).all()
        assert [(r.ref, r.title, r.score, r.owner_id, r.status) for r in risks] == [
            ("R-1", "Drift", 6, None, "open"),
            ("R-2", "Label noise", 12, "bob", "mitigating"),
            ("R-3", "Vendor lock-in", 10, "U024BE7LH", "open"),
        ]
        assert str(risks[1].review_by) == "2026-12-01"
        assert risks[2].created_at == NOW
        items = db.exec(select(Deliverable).order_by(col(Deliverable.number))).all()
        assert [(d.ref, d.owner_user_id, d.owner_party, str(d.due_date), d.status) for d in items] == [
            ("A-1", "bob", None, "2026-11-10", "done"),
            ("A-2", None, "Vendor X", "2026-12-01", "open"),
        ]
        assert items[0].done_at == NOW  # done, with no date given: done when imported
        made = db.exec(select(Decision).order_by(col(Decision.number))).all()
        assert [(d.ref, d.status, d.supersedes, d.decided_by) for d in made] == [
            ("D-1", "accepted", None, "alice"),
            ("D-2", "superseded", None, "alice"),
            ("D-3", "accepted", 2, "alice"),  # the file's D-1 is the project's D-2
        ]
        assert made[1].decided_at == datetime(2026, 9, 30, 22, tzinfo=UTC)  # midnight in Paris
        assert made[2].decided_at == datetime(2026, 10, 15, 14, 30, tzinfo=UTC)
        events = db.exec(select(AuditEvent).where(col(AuditEvent.action).endswith(".import"))).all()
        assert sorted((e.action, e.ref, e.actor_id) for e in events) == [
            ("decision.import", "D-2", "alice"),
            ("decision.import", "D-3", "alice"),
            ("deliverable.import", "A-1", "alice"),
            ("deliverable.import", "A-2", "alice"),
            ("risk.import", "R-2", "alice"),
            ("risk.import", "R-3", "alice"),
        ]
    assert (
        count(Member, user_id="bob") == 1
    )  # a deliverable's owner joins the project, as with `deliverable add`
    assert churn('risk add "Next" p=1 i=1').startswith("✓ Recorded R-4: Next")


def test_export_then_import_into_an_empty_project_gives_the_same_records(churn, database, clock):
    fill(churn, clock)
    churn.as_(channel="C-copy")('project new copy "Copy of churn"')
    with database.session(write=False) as db:
        project = projects.by_key(db, tenant_id="T1", key="churn")
        assert project is not None
        exported = csv_zip(db, project, PARIS)
    run_import(database, files_of("churn-raid.zip", exported), key="copy")
    original, copy = records(database, "churn"), records(database, "copy")
    assert [r["title"] for r in copy["risks"]][1] == FORMULA_TITLE
    assert [len(copy[kind]) for kind in ("risks", "deliverables", "decisions")] == [3, 4, 3]
    assert copy == original
    with database.session(write=False) as db:
        again = projects.by_key(db, tenant_id="T1", key="copy")
        assert again is not None
        assert (again.risk_seq, again.deliverable_seq, again.decision_seq) == (3, 4, 3)
        assert csv_zip(db, again, PARIS) == csv_zip(
            db, projects.by_key(db, tenant_id="T1", key="churn"), PARIS
        )


def test_a_spreadsheets_own_file_is_read_by_its_columns_with_a_byte_order_mark_and_quotes(churn, database):
    register = (
        '\ufeffTitle,Due date,Owner party,,\r\n\'=Label guide,2026-12-01,"IT data team, Paris",,\r\n,,,,\r\n'
    )
    done = run_import(database, {"Our register (final).csv": register.encode()})
    assert done.deliverables == ("A-1",)
    with database.session(write=False) as db:
        item = db.exec(select(Deliverable)).one()
        assert (item.title, item.owner_party, str(item.due_date)) == (
            "=Label guide",
            "IT data team, Paris",
            "2026-12-01",
        )


def test_a_file_that_is_not_a_register_is_refused_with_what_would_work(churn, database):
    assert refused(database, {"notes.csv": csv_bytes("what,when", "x,y")}) == [
        "notes.csv: is not a register I know: name it risks.csv, deliverables.csv or decisions.csv."
    ]
    assert refused(database, {"risks.csv": csv_bytes("title,probabilty,impact,mitigaton")}) == [
        "risks.csv line 1: unknown columns “probabilty”, “mitigaton”; the columns are ref, title, probability, "
        "impact, score, category, owner, mitigation, status, review_by, closed_reason, created_at.",
        "risks.csv line 1: the column probability must be there.",
    ]
    assert refused(database, {"risks.csv": "title,probability,impact\r\nCafé,1,1\r\n".encode("latin-1")}) == [
        "risks.csv: is not UTF-8 text: save it as “CSV UTF-8” and try again."
    ]
    assert refused(database, {"risks.csv": csv_bytes("title,probability,impact", "A,1,1,extra")}) == [
        "risks.csv line 2: has 4 cells but the header has 3 columns."
    ]


def test_refs_in_a_file_are_unique(churn, database):
    files = {"decisions.csv": csv_bytes("ref,title,rationale", "D-1,A,x", "D-1,B,y")}
    assert refused(database, files) == ["decisions.csv line 3: ref: D-1 is already on line 2."]


def test_a_cell_written_over_several_lines_counts_its_lines(churn, database):
    files = {"risks.csv": csv_bytes("title,probability,impact", '"Two', 'lines",1,1', "Bad,9,1")}
    assert refused(database, files) == [
        "risks.csv line 4: probability must be a whole number from 1 to 5; you gave “9”."
    ]


def test_a_zip_that_is_not_one_is_refused(database):
    with pytest.raises(RegisterError) as raised:
        files_of("export.zip", b"PK\x03\x04 not really a zip")
    assert str(raised.value.problems[0]).startswith("export.zip: cannot be read as a zip")


def test_nothing_to_import_says_what_to_give(churn, database):
    assert refused(database, {}) == [
        "(nothing): give risks.csv, deliverables.csv or decisions.csv, or the zip of pmbot export."
    ]


def test_the_project_of_another_tenant_is_not_touched(churn, database, count):
    churn.as_(tenant="T2")('project new churn "Another churn"')
    run_import(database, {"risks.csv": csv_bytes("title,probability,impact", "Drift,2,2")})
    with database.session(write=False) as db:
        other = db.exec(select(Project).where(Project.tenant_id == "T2")).one()
        assert other.risk_seq == 0
    assert (count(Risk, tenant_id="T1"), count(Risk, tenant_id="T2")) == (1, 0)


def test_who_imported_a_record_nobody_owns_may_change_it_like_who_recorded_it(churn, database):
    run_import(database, {"risks.csv": csv_bytes("title,probability,impact", "Label noise,4,4")}, actor="bob")
    assert churn.as_("carol")("risk close R-1").startswith("✗ R-1 has no owner in the team")
    assert churn.as_("bob")("risk close R-1 done").startswith("✓ Closed R-1")
