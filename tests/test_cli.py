"""The `pmbot` command as a user runs it: a real process, real stdin and stdout, a real database file."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

PMBOT = str(Path(sys.executable).with_name("pmbot"))
MUST_SHOW = (
    'project new churn "Churn model"\n'
    'status at-risk "F1 dropped to 0.71 after retraining"\n'
    'risk add "Label noise in Q3 data" p=4 i=3\n'
    "risks\n"
)


def run(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PMBOT_", "DATABASE_URL", "OPENAI_", "AZURE_OPENAI_"))
    }
    environment |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'pmbot.db'}", "PMBOT_LOG_LEVEL": "WARNING"} | env
    return subprocess.run(
        [PMBOT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=60,
        check=False,
    )


def test_piped_console_answers_each_line(tmp_path):
    result = run(tmp_path, "console", stdin=MUST_SHOW)
    assert result.returncode == 0, result.stderr
    replies = result.stdout.strip().split("\n\n")
    assert len(replies) == 5
    assert replies[0].startswith("✓ Created project churn: Churn model")
    assert replies[1].startswith("✓ Status of churn recorded: 🟠 at risk")
    assert replies[2].startswith(
        "For sponsors, churn: Churn model is at risk: F1 dropped to 0.71 after retraining"
    )
    assert replies[3].startswith("✓ Recorded R-1: Label noise in Q3 data — score 12 (p4×i3)")
    assert "R-1 · score 12 (p4×i3) · Label noise in Q3 data" in replies[4]


def test_the_console_keeps_what_it_recorded_in_the_database_file(tmp_path):
    run(tmp_path, "console", stdin=MUST_SHOW)
    later = run(tmp_path, "console", stdin="status\n")
    assert "F1 dropped to 0.71 after retraining" in later.stdout
    with sqlite3.connect(tmp_path / "pmbot.db") as db:
        assert db.execute("select title, probability * impact from risk").fetchall() == [
            ("Label noise in Q3 data", 12)
        ]


def test_a_bad_line_gets_its_answer_and_the_script_exit_status_says_so(tmp_path):
    result = run(
        tmp_path, "console", "--user", "maya", "--channel", "C9", stdin='project new churn "Churn"\nriks\n'
    )
    assert result.returncode == 1
    assert "✗ I don't know the command “riks”. Did you mean `risks`?" in result.stdout
    assert "Owner: @maya" in result.stdout


def test_run_without_a_platform_starts_the_console(tmp_path):
    result = run(tmp_path, "run", stdin="projects\n")
    assert result.returncode == 0, result.stderr
    assert "No projects yet." in result.stdout


def test_db_upgrade_creates_the_schema(tmp_path):
    result = run(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "pmbot.db") as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
    assert {"project", "risk", "decision", "deliverable", "kpi", "auditevent"} <= tables


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("PMBOT_TIMEZONE", "Mars/Olympus"),
        ("DATABASE_URL", "mysql://db/pm"),
        ("PMBOT_SQLITE_BUSY_TIMEOUT", "soon"),
    ],
)
def test_a_bad_setting_stops_pmbot_naming_it(tmp_path, setting, value):
    result = run(tmp_path, "console", stdin="projects\n", **{setting: value})
    assert result.returncode == 2
    assert f"a setting is wrong:\n  {setting}: " in result.stderr
    assert result.stdout == ""


def test_settings_come_from_a_dotenv_file_too(tmp_path):
    (tmp_path / ".env").write_text("PMBOT_TIMEZONE=Nowhere/Land\n")
    result = run(tmp_path, "console", stdin="projects\n")
    assert result.returncode == 2
    assert "PMBOT_TIMEZONE" in result.stderr


def test_demo_plays_two_weeks_and_ends_with_the_card_and_the_portfolio(tmp_path):
    result = run(tmp_path, "demo")
    assert result.returncode == 0, result.stderr
    card = result.stdout.split("> project\n")[-1]
    assert "Customer churn prediction (churn)" in card
    assert "Health: 🟠 at risk" in card
    assert "Recall on churners: 0.66 (baseline 0.52 → target 0.75, 60% of the way)" in card
    assert "A-1 · Relabel 2k ambiguous Q3 accounts · @lea" in card
    assert "overdue" in card
    assert (
        "invoice-ocr · Invoice OCR assistant · deployment · 🟢 on track"
        in result.stdout.split("> projects\n")[-1]
    )
    assert "✗" not in result.stdout
    assert not (tmp_path / "pmbot.db").exists()  # the demo's database was thrown away


def test_piped_console_on_each_database(tmp_path, database, count):
    from storage.models import Risk

    url = database.engine.url.render_as_string(hide_password=False)
    result = run(tmp_path, "console", stdin=MUST_SHOW, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert "✓ Recorded R-1: Label noise in Q3 data — score 12 (p4×i3)" in result.stdout
    assert count(Risk) == 1


def test_in_a_terminal_the_console_prompts_and_keeps_history(tmp_path):
    """A real pseudo-terminal, so the console sees a TTY as a person's terminal would be."""
    import pty
    import select

    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PMBOT_", "DATABASE_URL", "OPENAI_", "AZURE_OPENAI_"))
    }
    environment |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pmbot.db'}",
        "HOME": str(tmp_path),
        "TERM": "dumb",
    }
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [PMBOT, "console", "--user", "maya"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=tmp_path,
        env=environment,
    )
    os.close(follower)
    os.write(leader, b"projects\nquit\n")
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        assert ready, f"the console stopped answering; it printed: {seen!r}"
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the console exited and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert process.wait(timeout=30) == 0
    screen = seen.decode()
    assert "you are @maya in #console" in screen
    assert "pm> " in screen
    assert "No projects yet." in screen
    assert "projects" in (tmp_path / ".pmbot_history").read_text()


SUMMARIZE = "Retrained on Q3 data; F1 dropped from 0.78 to 0.71, p95 latency 340 ms"


def test_summarize_without_an_llm_explains_the_jargon_and_keeps_the_numbers(tmp_path):
    result = run(tmp_path, "summarize", stdin=SUMMARIZE + "\n")
    assert result.returncode == 0, result.stderr
    for number in ("0.78", "0.71", "340"):
        assert number in result.stdout
    assert "F1 is a zero-to-one score" in result.stdout
    assert "p95 latency is " in result.stdout
    assert result.stdout.rstrip().endswith("Source: offline (no LLM is configured)")


def test_summarize_uses_the_configured_llm_and_sends_no_email_address(tmp_path):
    from tests.fake_openai import FakeOpenAI, answer

    fake = FakeOpenAI(
        default=answer(
            {
                "headline": "Model quality fell after retraining",
                "summary": "The F1 score fell from 0.78 to 0.71 and responses take 340 ms.",
                "business_impact": "Fewer customers at risk will be spotted.",
                "asks": [],
            }
        )
    ).start()
    try:
        result = run(
            tmp_path,
            "summarize",
            stdin=SUMMARIZE + ". Questions to ana.silva@example.com\n",
            OPENAI_BASE_URL=fake.url,
            PMBOT_LLM_MODEL="local-model",
        )
    finally:
        fake.stop()
    assert result.returncode == 0, result.stderr
    assert "Summary: Model quality fell after retraining" in result.stdout
    assert result.stdout.rstrip().endswith("Source: llm")
    assert len(fake.requests) == 1
    assert fake.requests[0]["model"] == "local-model"
    assert "ana.silva@example.com" not in json.dumps(fake.requests[0])


def test_summarize_with_an_unknown_project_says_so(tmp_path):
    result = run(tmp_path, "summarize", "--project", "nope", stdin=SUMMARIZE)
    assert result.returncode == 2
    assert "There is no project 'nope' in local." in result.stderr
