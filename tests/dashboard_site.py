"""The dashboard's tests share this: pmbot's settings with signed links under a public address, a tenant
with projects full of records, and GET requests to the running server (tests/slack_server.py)."""

import re
import urllib.error
import urllib.request
from email.message import Message
from typing import Any

from bot.settings import CoreSettings, LlmSettings, Settings, SlackSettings, StorageSettings, WebSettings
from tests.slack_server import QUIET_SCHEDULER, Server

PUBLIC = "https://pmbot.example.com"
LINK = re.compile(r"https://pmbot\.example\.com(/dashboard/\S+)")


def settings_for(database: Any, **slack: str) -> Settings:
    """pmbot on the test database, its links under PUBLIC; Slack set up when `slack` says how."""
    return Settings(
        core=CoreSettings.model_validate({}),
        storage=StorageSettings.model_validate(
            {"DATABASE_URL": database.engine.url.render_as_string(hide_password=False)}
        ),
        llm=LlmSettings.model_validate({}),
        scheduler=QUIET_SCHEDULER,
        slack=SlackSettings.model_validate(slack),
        web=WebSettings.model_validate({"PMBOT_PUBLIC_URL": PUBLIC, "PMBOT_LINK_SECRET": "s" * 40}),
    )


def get(server: Server, path: str) -> tuple[int, Message, str]:
    """GET `path` from the server as a browser would: status, headers and page, whatever the status."""
    try:
        with urllib.request.urlopen(server.url(path), timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as problem:
        return problem.code, problem.headers, problem.read().decode()


def link_path(reply: str) -> str:
    """The path of the dashboard link in what pmbot answered."""
    found = LINK.search(reply)
    assert found, reply
    return found.group(1)


def seed(chat: Any) -> Any:
    """Tenant T1 with a churn project full of records and an ocr project without a status; `chat`
    (alice's, in churn's channel) is returned."""
    for text in (
        'project new churn "Churn model"',
        'kpi add "Recall" baseline 0.5 target 0.8',
        'kpi set "Recall" 0.65',
        'risk add "Label noise in Q3 data" p=4 i=4',
        'risk add "Vendor API rate limits" p=2 i=2 category vendor',
        'decision "Use gradient boosting" because "cheaper to run"',
        'deliverable add "Labelled sample" owner "Acme" due in 3 days',
        'governance set ai-act limited "Scores customers for retention offers"',
        'status at-risk "Recall is stuck at 0.62 because the Q3 labels are noisy"',
    ):
        assert not chat(text).startswith("✗"), text
    chat.later()  # the status's business summary
    assert chat.as_(channel="C-ocr")('project new ocr "Invoice OCR"').startswith("✓")
    return chat
