"""`export csv|md|json`: the RAID log as a zip of CSV files with owners as ids and ISO dates, the whole
project as one Markdown document or as JSON, posted in the channel with a signed download link; cells
that a spreadsheet would run as formulas are defused."""

import csv
import io
import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from handlers.exports import FORMULA_START, guard, unguard
from handlers.links import Links
from tests.registers import FORMULA_TITLE, fill, unzip


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_export_csv_posts_the_raid_log_as_a_zip_of_three_csv_files(churn, clock):
    fill(churn, clock)
    reply = churn.reply("export csv")
    assert reply.public
    assert reply.attachment is not None
    assert reply.attachment.filename == "churn-raid-2026-11-18.zip"
    assert "".join(map(str, reply.headline)).endswith("3 risks, 4 deliverables, 3 decisions")
    files = unzip(reply.attachment.data)
    assert sorted(files) == ["decisions.csv", "deliverables.csv", "risks.csv"]
    assert reply.attachment.data[:2] == b"PK"

    risks = rows(files["risks.csv"])
    assert list(risks[0]) == [
        "ref",
        "title",
        "probability",
        "impact",
        "score",
        "category",
        "owner",
        "mitigation",
        "status",
        "review_by",
        "closed_reason",
        "created_at",
    ]
    assert risks[0] | {"created_at": ""} == {
        "ref": "R-1",
        "title": "Label noise in Q3 data",
        "probability": "4",
        "impact": "3",
        "score": "12",
        "category": "data",
        "owner": "bob",
        "mitigation": "Relabel a sample",
        "status": "open",
        "review_by": "2026-12-02",
        "closed_reason": "",
        "created_at": "",
    }
    assert datetime.fromisoformat(risks[0]["created_at"]) == datetime(2026, 11, 18, 10, tzinfo=UTC)
    assert (risks[1]["status"], risks[1]["closed_reason"]) == ("closed", "Checked: it is plain text")
    assert risks[2]["title"] == "Vendor lock-in, and a comma; it's sticky"

    deliverables = rows(files["deliverables.csv"])
    assert [(d["ref"], d["owner"], d["owner_party"], d["due_date"], d["status"]) for d in deliverables] == [
        ("A-1", "bob", "", "2026-11-21", "open"),
        ("A-2", "", "Vendor X", "2026-11-23", "open"),
        ("A-3", "carol", "", "2026-11-19", "done"),
        ("A-4", "bob", "", "2026-11-22", "cancelled"),
    ]
    assert deliverables[0]["snoozed_until"] == "2026-11-20"
    assert datetime.fromisoformat(deliverables[2]["done_at"]).tzinfo is not None

    decisions = rows(files["decisions.csv"])
    assert [(d["ref"], d["title"][:17], d["status"], d["supersedes"], d["gate"]) for d in decisions] == [
        ("D-1", "Use gradient boos", "superseded", "", ""),
        ("D-2", "Use LightGBM", "accepted", "D-1", ""),
        ("D-3", "Go: framing → poc", "accepted", "", "go"),
    ]
    assert decisions[0]["rationale"] == "cheaper, and explainable"
    assert decisions[0]["alternatives"] == "deep nets; rules"
    assert decisions[0]["source_link"] == "https://example.com/notes"
    assert decisions[0]["decided_by"] == "alice"


def test_the_csv_files_are_utf8_with_a_byte_order_mark_for_excel(churn):
    churn('risk add "Données étiquetées en retard" p=2 i=2')
    raw = unzip_raw(churn.reply("export csv").attachment.data)["risks.csv"]
    assert raw.startswith(b"\xef\xbb\xbfref,title,")
    assert "Données étiquetées en retard".encode() in raw


def unzip_raw(data: bytes) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_cell_a_spreadsheet_would_run_is_written_with_a_quote_before_it(churn, clock):
    fill(churn, clock)
    churn('risk add "@SUM(A1:A9)" p=1 i=1 mitigation "-2+3"')
    risks = rows(unzip(churn.reply("export csv").attachment.data)["risks.csv"])
    assert risks[1]["title"] == "'" + FORMULA_TITLE
    assert (risks[3]["title"], risks[3]["mitigation"]) == ("'@SUM(A1:A9)", "'-2+3")
    assert risks[0]["title"] == "Label noise in Q3 data"


@given(st.text())
def test_guarding_a_cell_defuses_it_and_unguarding_gives_it_back(value):
    guarded = guard(value)
    assert not guarded.startswith(FORMULA_START)
    assert unguard(guarded) == value


def test_export_md_is_the_whole_project_in_one_document(churn, clock):
    fill(churn, clock)
    reply = churn.reply("export md")
    assert reply.public
    assert reply.attachment is not None
    assert reply.attachment.filename == "churn-2026-11-18.md"
    document = reply.attachment.data.decode()
    assert document.startswith("# Churn model \\(churn\\)\n")
    for heading in ("Success KPIs", "Risks", "Decisions", "Deliverables", "Status history, newest first"):
        assert f"\n## {heading}\n" in document
    assert "- **Phase**: poc since" in document
    assert "Recall: 0.6 \\(baseline 0.5 → target 0.8, 33% of the way\\)" in document
    assert (
        "R-1 · score 12 \\(p4×i3\\) · Label noise in Q3 data · @bob — category data; mitigation: Relabel a sample"
        in document
    )
    assert "R-2 · score 4 \\(p2×i2\\) · =1\\+2 looks like a formula · no owner · closed" in document
    assert (
        "D-1 · Use gradient boosting · @alice · Wed 18 Nov 2026 · superseded by D-2 — because cheaper, and explainable; alternatives considered: deep nets; rules"
        in document
    )
    assert (
        "D-2 · Use LightGBM · @alice · Wed 18 Nov 2026 · supersedes D-1 — because faster to train" in document
    )
    assert "A-2 · Benchmark · “Vendor X” · due Mon 23 Nov 2026" in document
    assert "A-3 · Label guide · @carol · done" in document
    assert "· 🟠 at risk · @alice · F1 dropped to 0.71 after retraining" in document


def test_export_json_holds_every_record_with_the_gate_snapshot(churn, clock):
    fill(churn, clock)
    reply = churn.reply("export json")
    assert reply.attachment is not None
    assert reply.attachment.filename == "churn-2026-11-18.json"
    document = json.loads(reply.attachment.data)
    assert document["project"]["key"] == "churn"
    assert [r["ref"] for r in document["risks"]] == ["R-1", "R-2", "R-3"]
    assert [d["ref"] for d in document["deliverables"]] == ["A-1", "A-2", "A-3", "A-4"]
    assert document["decisions"][2]["gate"] == "go"
    assert document["decisions"][2]["snapshot"]["phase"] == "framing"
    assert document["kpis"][0]["measurements"][0]["value"] == 0.6
    assert document["status_updates"][0]["text"] == "F1 dropped to 0.71 after retraining"


def test_the_file_comes_with_a_signed_link_to_this_project_and_format(churn, service, clock):
    reply = churn.reply("export md")
    url = reply.attachment.url
    assert url is not None
    assert url.startswith("http://localhost:3000/exports/")
    links: Links = service.services.links
    assert links.read(url.rsplit("/", 1)[1], now=clock.now) == {
        "export": "md",
        "tenant": "T1",
        "project": "churn",
    }


def test_an_unknown_format_says_which_there_are(churn):
    assert churn("export xlsx").startswith("✗ “xlsx” is not an export format. Use csv, md or json.")


def test_an_empty_project_exports_headers_only(churn):
    files = unzip(churn.reply("export csv").attachment.data)
    assert files["risks.csv"].splitlines() == [
        "ref,title,probability,impact,score,category,owner,mitigation,status,review_by,closed_reason,created_at"
    ]
    assert files["deliverables.csv"].count("\n") == 1
