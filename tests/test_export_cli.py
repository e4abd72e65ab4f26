"""`pmbot export` and `pmbot import` as a user runs them: real processes on a real SQLite file."""

import io
import sqlite3
import zipfile
from pathlib import Path

from tests.test_cli import run

RECORDS = (
    'project new churn "Churn model"\n'
    'status at-risk "F1 dropped to 0.71 after retraining"\n'
    'risk add "Label noise in Q3 data" p=4 i=3 owner @bob mitigation "Relabel a sample"\n'
    'risk add "=HYPERLINK(1)" p=2 i=2\n'
    'risk close R-2 "not a risk"\n'
    'decision "Use gradient boosting" because "cheaper, and explainable" alternatives "deep nets"\n'
    'decision supersede D-1 "Use LightGBM" because "faster to train"\n'
    'deliverable add "Extract Q3 data" owner @bob due 2030-01-15\n'
    'deliverable add "Benchmark" owner "Vendor X" due 2030-02-01\n'
    "deliverable done A-1\n"
)
ROWS = {
    "risk": "select number, title, probability, impact, owner_id, mitigation, status, closed_reason, created_at",
    "deliverable": "select number, title, owner_user_id, owner_party, due_date, status, done_at, created_at",
    "decision": "select number, title, rationale, alternatives, decided_by, decided_at, status, supersedes",
}


def rows(tmp_path: Path, key: str) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(tmp_path / "pmbot.db") as db:
        (project,) = db.execute("select id from project where key = ?", (key,)).fetchone()
        return {
            table: db.execute(
                f"{query} from {table} where project_id = ? order by number", (project,)
            ).fetchall()
            for table, query in ROWS.items()
        }


def test_export_md_writes_the_projects_risks_decisions_and_deliverables(tmp_path):
    assert run(tmp_path, "console", stdin=RECORDS).returncode == 0
    out = tmp_path / "p.md"
    result = run(tmp_path, "export", "--project", "churn", "--format", "md", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote {out}: churn (local), the whole project as a Markdown document")
    assert result.stdout.rstrip().endswith("2 risks, 2 deliverables, 2 decisions.")
    document = out.read_text()
    assert document.startswith("# Churn model \\(churn\\)")
    assert "Label noise in Q3 data · @bob — mitigation: Relabel a sample" in document
    assert "D-2 · Use LightGBM · @me" in document
    assert "because cheaper, and explainable; alternatives considered: deep nets" in document
    assert "A-2 · Benchmark · “Vendor X” · due Fri 01 Feb 2030" in document
    assert "F1 dropped to 0.71 after retraining" in document


def test_export_csv_writes_a_zip_that_import_reads_back_into_another_project(tmp_path):
    run(tmp_path, "console", stdin=RECORDS)
    run(tmp_path, "console", "--channel", "other", stdin='project new copy "Copy"\n')
    out = tmp_path / "churn.zip"
    exported = run(tmp_path, "export", "--project", "churn", "--format", "csv", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        assert sorted(archive.namelist()) == ["decisions.csv", "deliverables.csv", "risks.csv"]
        assert "'=HYPERLINK(1)" in archive.read("risks.csv").decode("utf-8-sig")

    imported = run(tmp_path, "import", "--project", "copy", str(out))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == (
        "Imported into copy (local): 2 risks (R-1 to R-2), 2 deliverables (A-1 to A-2), 2 decisions (D-1 to D-2)."
    )
    original, copy = rows(tmp_path, "churn"), rows(tmp_path, "copy")
    assert copy == original
    assert copy["risk"][1][1] == "=HYPERLINK(1)"
    assert copy["decision"][1][-1] == 1  # D-2 supersedes D-1


def test_a_bad_file_is_reported_line_by_line_and_nothing_is_imported(tmp_path):
    run(tmp_path, "console", stdin='project new churn "Churn model"\n')
    register = tmp_path / "deliverables.csv"
    register.write_text(
        "title,owner,due_date\nExtract,bob,2026-12-01\nLabel,carol,32/13\nGuide,,2026-12-02\n"
    )
    result = run(tmp_path, "import", "--project", "churn", str(register))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-3:] == [
        "Nothing was imported: 2 problems to fix first.",
        "deliverables.csv line 3: due_date: “32/13” is not a date; write it as 2026-12-01.",
        "deliverables.csv line 4: owner: give an owner (a user id) or an owner_party (an outside party such as "
        "IT data team).",
    ]
    assert rows(tmp_path, "churn")["deliverable"] == []


def test_a_key_in_several_tenants_needs_tenant_and_a_missing_project_is_named(tmp_path):
    run(tmp_path, "console", stdin='project new churn "Churn model"\n')
    run(
        tmp_path,
        "console",
        "--tenant",
        "T2",
        stdin='project new churn "Other churn"\nrisk add "Drift" p=1 i=1\n',
    )
    out = tmp_path / "p.json"
    ambiguous = run(tmp_path, "export", "--project", "churn", "--format", "json", "--out", str(out))
    assert ambiguous.returncode == 2
    assert (
        "Several workspaces or tenants have a project 'churn' (T2, local): say which with --tenant, "
        "e.g. --tenant T2." in ambiguous.stderr
    )
    assert not out.exists()
    chosen = run(
        tmp_path, "export", "--project", "churn", "--tenant", "T2", "--format", "json", "--out", str(out)
    )
    assert chosen.returncode == 0, chosen.stderr
    assert '"title": "Drift"' in out.read_text()
    missing = run(tmp_path, "import", "--project", "nope", str(out))
    assert missing.returncode == 2
    assert "There is no project 'nope'." in missing.stderr
