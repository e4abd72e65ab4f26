"""`chart kpi`, `chart risks`, `chart health` and `chart portfolio`: each posts its chart in the channel
as a PNG with a short headline and a signed link to the same chart; with nothing to draw, a plain answer
and no image; an unknown KPI lists the project's KPIs."""

from handlers.links import Links
from handlers.service import CommandService
from tests.test_charts import size_of


def test_chart_kpi_posts_the_trend_in_the_channel_with_a_link_to_the_same_chart(churn, clock, service):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    churn('kpi set "Recall" 0.58')
    clock.advance(weeks=1)
    churn('kpi set "Recall" 0.61')
    reply = churn.reply('chart kpi "recall"')
    assert churn('chart kpi "recall"') == (
        "KPI trend of churn — Recall: 0.61 (baseline 0.52 → target 0.75, 39% of the way), 2 measurements"
    )
    assert reply.public
    attachment = reply.attachment
    assert attachment is not None
    assert attachment.filename == "kpi-churn-recall-2026-11-25.png"
    assert size_of(attachment.data) == (1200, 750)
    assert attachment.url is not None
    assert attachment.url.startswith("http://localhost:3000/charts/")
    token = attachment.url.rsplit("/", 1)[1]
    payload = service.services.links.read(token, now=clock())
    assert payload["chart"] == "kpi"
    assert payload["tenant"] == "T1"


def test_an_unknown_kpi_lists_the_projects_kpis(churn):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    churn('kpi add "Latency" baseline 900 target 300 lower-is-better')
    assert churn('chart kpi "F1"').splitlines() == [
        "✗ churn has no KPI “F1”. Its KPIs: “Recall”, “Latency”.",
        '  Usage: chart kpi "<name>"',
    ]


def test_a_project_without_kpis_is_told_how_to_define_one(churn):
    assert churn('chart kpi "F1"').startswith(
        '✗ churn has no KPI “F1”. Define one first: `kpi add "<name>" baseline <n> target <n>`.'
    )


def test_a_kpi_not_measured_yet_gets_no_empty_chart(churn):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    reply = churn.reply('chart kpi "Recall"')
    assert reply.attachment is None
    assert not reply.public
    assert churn('chart kpi "Recall"') == (
        'Recall has not been measured yet, so there is no trend to chart. Record a value: `kpi set "Recall" <n>`'
    )


def test_chart_risks_posts_the_heat_map_of_the_open_risks(churn):
    churn('risk add "Label noise" p=4 i=4')
    churn('risk add "Vendor API deprecation" p=2 i=3')
    churn('risk add "Gone" p=5 i=5')
    churn('risk close R-3 "vendor replaced"')
    reply = churn.reply("chart risks")
    assert churn("chart risks") == "Risk heat map of churn: 2 open risks, 1 scored 15 or more"
    assert reply.public
    assert reply.attachment is not None
    assert reply.attachment.filename == "risks-churn-2026-11-18.png"
    assert size_of(reply.attachment.data) == (1200, 750)


def test_no_open_risks_gets_a_plain_answer_and_no_chart(churn):
    reply = churn.reply("chart risks")
    assert reply.attachment is None
    assert churn("chart risks") == (
        'churn has no open risks, so there is no heat map to draw. Record one: `risk add "<title>" p=<1-5> i=<1-5>`'
    )


def test_chart_health_posts_the_weeks_health(churn, clock):
    churn('status on-track "Labels arrived"')
    clock.advance(weeks=2)
    churn('status at-risk "Recall 0.61"')
    reply = churn.reply("chart health")
    assert churn("chart health") == "Health of churn week by week: 🟠 at risk now, over 3 weeks"
    assert reply.attachment is not None
    assert reply.attachment.filename == "health-churn-2026-12-02.png"
    assert churn("chart health") == churn.as_(tz="Pacific/Auckland")("chart health")


def test_no_status_gets_a_plain_answer(churn):
    assert churn.reply("chart health").attachment is None
    assert churn("chart health") == (
        'churn has no status update yet, so there is no health to chart. Post one: `status on-track "<what happened>"`'
    )


def test_chart_portfolio_works_anywhere_and_counts_open_projects(chat):
    assert chat("chart portfolio") == "There are no open projects, so there is no portfolio to chart."
    chat('project new churn "Churn model"')
    chat.as_(channel="C-ocr")('project new ocr "Invoice OCR"')
    elsewhere = chat.as_(channel="C-random")
    reply = elsewhere.reply("chart portfolio")
    assert elsewhere("chart portfolio") == "Portfolio: 2 open projects by phase and health"
    assert reply.attachment is not None
    assert reply.attachment.filename == "portfolio-2026-11-18.png"


def test_charts_of_another_project_are_asked_for_by_its_key(churn):
    churn.as_(channel="C-ocr")('project new ocr "Invoice OCR"')
    churn.as_(channel="C-ocr")('risk add "Scans are blurry" p=3 i=3')
    assert churn("ocr: chart risks") == "Risk heat map of ocr: 1 open risk, 0 scored 15 or more"
    assert churn("chart risks").startswith("churn has no open risks")


def test_the_link_is_signed_by_the_services_link_maker(database, clock, chat_for):
    from handlers.commands import build_registry

    links = Links(b"k" * 32, "https://pmbot.example.com")
    service = CommandService(database=database, registry=build_registry(), clock=clock, links=links)
    chat = chat_for(service)
    chat('project new churn "Churn model"')
    chat('risk add "Label noise" p=4 i=4')
    reply = chat.reply("chart risks")
    assert reply.attachment is not None
    assert reply.attachment.url is not None
    assert reply.attachment.url.startswith("https://pmbot.example.com/charts/")
    token = reply.attachment.url.rsplit("/", 1)[1]
    assert links.read(token, now=clock())["chart"] == "risks"
