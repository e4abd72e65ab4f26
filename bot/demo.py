"""`pmbot demo`: two weeks of a sample AI project, played through the real handlers on a throwaway database."""

import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.app import create_app
from bot.console.render import render
from bot.console.session import Identity, answers
from bot.settings import CoreSettings, Settings, StorageSettings

TZ = "Europe/Paris"
TEAM = "#churn-ai"
PORTFOLIO = "#ai-portfolio"

# (day from the first Monday, local time, who, channel, command)
SCRIPT: list[tuple[int, str, str, str, str]] = [
    (0, "09:00", "maya", TEAM, 'project new churn "Customer churn prediction" sponsor @claire'),
    (0, "09:05", "maya", TEAM, 'kpi add "Recall on churners" baseline 0.52 target 0.75'),
    (
        0,
        "09:06",
        "maya",
        TEAM,
        'kpi add "Scoring latency p95" baseline 900 target 300 unit ms lower-is-better',
    ),
    (
        0,
        "09:10",
        "maya",
        TEAM,
        'risk add "Churn labels in the CRM are incomplete before 2024" p=4 i=4 category data '
        'owner @lea mitigation "Audit label coverage; train on 2024+ only"',
    ),
    (
        0,
        "09:12",
        "maya",
        TEAM,
        'governance set ai-act limited "Scores customers for retention offers; no decision about a person is '
        'automated"',
    ),
    (
        0,
        "09:13",
        "maya",
        TEAM,
        'gate check problem "Cut the churn of B2B customers by a third within a year"',
    ),
    (0, "09:14", "maya", TEAM, "phase next"),
    (
        0,
        "09:15",
        "maya",  # the owner records the gate decision the sponsor took with her
        TEAM,
        'phase next go until in 6 weeks --accept-gaps "Value and data audit are on the POC\'s first two weeks"',
    ),
    (
        0,
        "11:00",
        "maya",
        PORTFOLIO,
        'project new invoice-ocr "Invoice OCR assistant" phase deployment owner @sam',
    ),
    (
        0,
        "11:02",
        "sam",
        PORTFOLIO,
        'status on-track "Pilot live for the Lyon AP team; 92% of invoices read without edits"',
    ),
    (
        1,
        "10:00",
        "tom",
        TEAM,
        'status on-track "Baseline gradient boosting on 18 months of CRM data: recall 0.61 on '
        'holdout, AUC 0.79"',
    ),
    (1, "10:01", "tom", TEAM, 'kpi set "Recall on churners" 0.61 "holdout, gradient boosting baseline"'),
    (1, "10:30", "maya", TEAM, 'deliverable add "Relabel 2k ambiguous Q3 accounts" owner @lea due in 5 days'),
    (
        2,
        "14:00",
        "maya",
        TEAM,
        'deliverable add "Customer extract with consent flags" owner "IT data team" due next friday',
    ),
    (
        2,
        "16:20",
        "lea",
        TEAM,
        'risk add "Consent flags missing for 8% of EU customers" p=3 i=5 category privacy '
        'owner @maya mitigation "Exclude them from training until the DPO has reviewed"',
    ),
    (
        3,
        "11:00",
        "tom",
        TEAM,
        'decision "Gradient boosting, not a deep model, for the POC" because "Tabular data; the '
        'retention team needs explanations; ten times cheaper to serve" alternatives "TabNet; '
        'logistic regression"',
    ),
    (4, "09:40", "maya", TEAM, 'deliverable add "Model card draft" owner @tom due next wednesday'),
    (
        7,
        "09:30",
        "tom",
        TEAM,
        'status at-risk "Retrained on Q3 data; F1 dropped from 0.78 to 0.71, p95 latency 340 ms, '
        'drift on 3 features; relabelling 2k samples"',
    ),
    (7, "09:32", "tom", TEAM, 'kpi set "Recall on churners" 0.58 "after the Q3 retrain"'),
    (7, "09:33", "tom", TEAM, 'kpi set "Scoring latency p95" 340'),
    (7, "09:45", "maya", TEAM, "risk update R-1 p=5"),
    (8, "17:10", "tom", TEAM, "deliverable done A-3"),
    (
        9,
        "15:00",
        "maya",
        TEAM,
        'decision supersede D-2 "Keep gradient boosting and add Q3 drift features" because '
        '"The drop came from drift; a one-day deep-model spike did no better"',
    ),
    (10, "10:15", "tom", TEAM, 'kpi set "Recall on churners" 0.66 "with drift features"'),
    (
        11,
        "09:20",
        "tom",
        TEAM,
        'status at-risk "Recall back to 0.66 with drift features; still waiting for the '
        'relabelled Q3 accounts (A-1)"',
    ),
    (11, "16:00", "maya", TEAM, "risks"),
    (11, "16:01", "maya", TEAM, "deliverables overdue"),
    (11, "16:01", "maya", TEAM, "summary"),
    (11, "16:02", "maya", TEAM, "gate"),
    (11, "16:02", "maya", TEAM, "project"),
    (11, "16:03", "maya", TEAM, "projects"),
]


class DrivenClock:
    """The demo's clock: set to each exchange's moment, so two weeks play in a second."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def first_monday(today: date) -> date:
    """The Monday two weeks before this week's: the two weeks played are over by today."""
    return today - timedelta(days=today.weekday() + 14)


def play(out: TextIO) -> None:
    clock = DrivenClock()
    zone = ZoneInfo(TZ)
    start = first_monday(datetime.now(zone).date())
    with tempfile.TemporaryDirectory(prefix="pmbot-demo-") as folder:
        settings = Settings(
            core=CoreSettings.model_validate({"PMBOT_TIMEZONE": TZ}),
            storage=StorageSettings.model_validate({"DATABASE_URL": f"sqlite:///{Path(folder) / 'demo.db'}"}),
        )
        app = create_app(settings, clock=clock)
        try:
            out.write(
                f"pmbot demo: two weeks of an AI project, from {start:%a %d %b %Y} (a throwaway database)\n\n"
            )
            for offset, at, user, channel, text in SCRIPT:
                moment = datetime.combine(start + timedelta(days=offset), time.fromisoformat(at), zone)
                clock.now = moment.astimezone(UTC)
                out.write(f"── {moment:%a %d %b %H:%M} · @{user} in {channel}\n> {text}\n")
                for reply in answers(app.commands, Identity(user=user, channel=channel).command(text)):
                    out.write(f"{render(reply)}\n\n")
        finally:
            app.close()
