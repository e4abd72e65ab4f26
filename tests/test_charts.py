"""Charts drawn on the server (handlers/charts.py): each is a PNG of the size meant for a phone, with a
title and axis labels, the same bytes for the same data; the heat map puts each open risk's number in the
cell of its probability and impact, and the portfolio each project's key in its phase and health."""

import io
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PIL import Image
from sqlmodel import Session, select

from handlers import charts
from storage import kpis
from storage.models import Kpi, Project, Risk

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
UTC_ZONE = ZoneInfo("UTC")


def size_of(image: bytes) -> tuple[int, int]:
    """A PNG's width and height, from its header."""
    assert image.startswith(PNG_SIGNATURE)
    assert image[12:16] == b"IHDR"
    width, height = struct.unpack(">II", image[16:24])
    return width, height


def pixels(image: bytes) -> "np.ndarray":
    """A PNG's RGB pixels, row by row."""
    return np.asarray(Image.open(io.BytesIO(image)).convert("RGB"))


def texts_of(figure) -> list[str]:
    return [t.get_text() for ax in figure.axes for t in ax.texts]


@pytest.fixture
def project(churn, database):
    def get(db: Session) -> Project:
        return db.exec(select(Project).where(Project.key == "churn")).one()

    return get


def one_kpi(db: Session, name: str) -> Kpi:
    return db.exec(select(Kpi).where(Kpi.name == name)).one()


def test_a_kpi_trend_is_a_phone_sized_png_with_title_labels_and_its_lines(churn, clock, database, project):
    churn('kpi add "Latency p95" baseline 900 target 300 unit ms lower-is-better')
    for value in (850, 700, 640):
        churn(f'kpi set "Latency p95" {value}')
        clock.advance(weeks=1)
    with database.session(write=False) as db:
        image = charts.kpi_trend(db, project(db), one_kpi(db, "Latency p95"))
        figure = charts.kpi_trend_figure(db, project(db), one_kpi(db, "Latency p95"))
    assert size_of(image) == (1200, 750)
    [ax] = figure.axes
    assert ax.get_title(loc="left") == "Latency p95 — Churn model (churn)"
    assert ax.get_xlabel() == "Date measured (UTC)"
    assert ax.get_ylabel() == "Latency p95 (ms)"
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "lower is better"
    assert [t.get_text() for t in legend.get_texts()] == ["baseline 900 ms", "target 300 ms", "measured"]
    assert texts_of(figure) == ["850", "700", "640"]  # each measurement is labelled with its value
    days = [t.get_text() for t in ax.get_xticklabels()]
    assert (days[0], days[-1], len(days)) == ("18 Nov", "02 Dec", 6)
    baseline, target, measured = ax.get_lines()
    assert baseline.get_linestyle() != target.get_linestyle()  # not told apart by colour alone
    assert list(measured.get_ydata()) == [850, 700, 640]


def test_the_same_data_gives_the_same_png_with_no_timestamp_in_it(churn, database, project):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    churn('kpi set "Recall" 0.61')
    churn('risk add "Label noise" p=4 i=3')
    with database.session(write=False) as db:
        first = charts.kpi_trend(db, project(db), one_kpi(db, "Recall"))
        second = charts.kpi_trend(db, project(db), one_kpi(db, "Recall"))
        heat = charts.risk_heatmap(db, project(db))
        assert heat == charts.risk_heatmap(db, project(db))
    assert first == second
    assert b"tIME" not in first
    assert b"Software" not in first
    assert b"matplotlib" not in first
    assert first != heat


def test_charts_render_side_by_side_on_worker_threads(churn, database, project):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    churn('kpi set "Recall" 0.61')
    churn('risk add "Label noise" p=4 i=3')

    def draw(which: str) -> bytes:
        with database.session(write=False) as db:
            if which == "kpi":
                return charts.kpi_trend(db, project(db), one_kpi(db, "Recall"))
            return charts.risk_heatmap(db, project(db))

    alone = {which: draw(which) for which in ("kpi", "risks")}
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(draw, ["kpi", "risks"] * 4))
    assert together == [alone["kpi"], alone["risks"]] * 4


def test_the_heat_map_puts_each_open_risk_number_in_the_cell_of_its_impact_and_probability(
    churn, database, project
):
    churn('risk add "Label noise" p=4 i=3')
    churn('risk add "Vendor API deprecation" p=4 i=3')
    churn('risk add "Consent flags missing" p=2 i=5')
    churn('risk add "Retired idea" p=5 i=5')
    churn('risk close R-4 "no longer relevant"')
    with database.session(write=False) as db:
        figure = charts.risk_heatmap_figure(db, project(db))
        image = charts.risk_heatmap(db, project(db))
    assert size_of(image) == (1200, 750)
    [ax] = figure.axes
    assert ax.get_title(loc="left") == "Open risks of Churn model (churn): 3 risks"
    assert ax.get_xlabel() == "Impact (1 = minor, 5 = severe)"
    assert ax.get_ylabel() == "Probability (1 = rare, 5 = almost certain)"
    labels = {t.get_text(): t.get_position() for t in ax.texts if t.get_text().startswith("R-")}
    assert set(labels) == {"R-1", "R-2", "R-3"}  # the closed R-4 is not shown
    for ref, (impact, probability) in {"R-1": (3, 4), "R-2": (3, 4), "R-3": (5, 2)}.items():
        x, y = labels[ref]
        assert impact - 0.5 < x < impact + 0.5, ref
        assert probability - 0.5 < y < probability + 0.5, ref
    assert labels["R-1"][0] < labels["R-2"][0]  # side by side, in number order
    scores = [t.get_text() for t in ax.texts if t.get_text().isdigit()]
    assert sorted(map(int, scores)) == sorted(p * i for p in range(1, 6) for i in range(1, 6))


def test_many_risks_in_one_cell_stay_inside_it_and_the_rest_are_counted():
    placed = charts.place([f"R-{n}" for n in range(1, 13)], 2, 5, per_row=2, most=6)
    assert [p.label for p in placed] == ["R-1", "R-2", "R-3", "R-4", "R-5", "+7"]
    for spot in placed:
        assert (spot.column, spot.row) == (2, 5)
        assert 1.5 < spot.x < 2.5
        assert 4.5 < spot.y < 5.3  # below the corner that shows the cell's score
    assert len({(p.x, p.y) for p in placed}) == 6  # no two on the same spot


def test_risk_cells_group_by_cell_in_number_order():
    def risk(number: int, p: int, i: int) -> Risk:
        return Risk(tenant_id="T1", project_id=1, number=number, title="x", probability=p, impact=i)

    placed = charts.risk_cells([risk(3, 4, 3), risk(1, 4, 3), risk(2, 1, 1)])
    assert [(p.label, p.column, p.row) for p in placed] == [("R-2", 1, 1), ("R-1", 3, 4), ("R-3", 3, 4)]


def test_score_bands_follow_the_scale_pmbot_warns_on():
    assert [charts.band(s)[0] for s in (1, 4, 5, 9, 10, 14, 15, 25)] == [
        "low",
        "low",
        "medium",
        "medium",
        "significant",
        "significant",
        "high",
        "high",
    ]


def test_an_empty_heat_map_says_there_is_no_open_risk(churn, database, project):
    with database.session(write=False) as db:
        figure = charts.risk_heatmap_figure(db, project(db))
    assert "No open risks" in texts_of(figure)


def test_the_health_timeline_shows_each_week_and_keeps_a_week_without_update_at_its_health(
    churn, clock, database, project
):
    churn('status on-track "Labels arrived"')  # Wed 18 Nov 2026
    clock.advance(weeks=1)
    churn('status at-risk "Recall 0.61"')
    clock.advance(weeks=2)
    churn('status off-track "The vendor is late"')
    clock.advance(weeks=1)
    with database.session(write=False) as db:
        figure = charts.health_timeline_figure(db, project(db), UTC_ZONE, now=clock())
        image = charts.health_timeline(db, project(db), UTC_ZONE)
    assert size_of(image) == (1200, 750)
    [ax] = figure.axes
    assert ax.get_title(loc="left") == "Health of Churn model (churn), week by week"
    assert ax.get_xlabel() == "Week starting (Monday, UTC)"
    assert ax.get_ylabel() == "Health at the end of the week"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["off track", "at risk", "on track"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["16 Nov", "23 Nov", "30 Nov", "07 Dec", "14 Dec"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["on track", "at risk", "off track", "no update that week"]


def test_health_weeks_carry_the_health_over_a_week_without_update():
    tz = ZoneInfo("Europe/Paris")
    updates = [
        (datetime(2026, 11, 18, 10, tzinfo=UTC), "on-track"),
        (datetime(2026, 11, 29, 23, 30, tzinfo=UTC), "at-risk"),  # Monday 30 Nov in Paris
        (datetime(2026, 12, 2, 10, tzinfo=UTC), "off-track"),
    ]
    weeks = charts.health_weeks(updates, tz, until=datetime(2026, 12, 16, tzinfo=UTC))
    assert [(str(monday), health, posted) for monday, health, posted in weeks] == [
        ("2026-11-16", "on-track", True),
        ("2026-11-23", "on-track", False),
        ("2026-11-30", "off-track", True),  # the week's last update
        ("2026-12-07", "off-track", False),
        ("2026-12-14", "off-track", False),
    ]
    assert charts.health_weeks([], tz) == []


def test_the_portfolio_shows_each_open_project_by_phase_and_health(chat, database):
    chat('project new churn "Churn model"')
    chat('status at-risk "Recall 0.61"')
    chat.as_(channel="C-ocr")('project new ocr "Invoice OCR"')
    chat.as_(channel="C-ocr")("phase poc")
    chat.as_(channel="C-old")('project new old "Old idea"')
    chat.as_(channel="C-old")('phase next stop "No budget"')
    with database.session(write=False) as db:
        figure = charts.portfolio_figure(db, "T1")
        image = charts.portfolio(db, "T1")
    assert size_of(image) == (1200, 750)
    [ax] = figure.axes
    assert ax.get_title(loc="left") == "Portfolio: 2 open projects by phase and health"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Phase", "Health (latest status)")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["framing", "poc", "deployment", "monitoring"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "no status yet ■",
        "off track ✖",
        "at risk ▲",
        "on track ●",
    ]
    places = {t.get_text(): t.get_position() for t in ax.texts if t.get_text().isalpha()}
    assert set(places) == {"churn", "ocr"}  # the closed project is left out
    churn_x, churn_y = places["churn"]
    assert (0.5 < churn_x < 1.5, 2.5 < churn_y < 3.5) == (True, True)  # framing, at risk
    ocr_x, ocr_y = places["ocr"]
    assert (1.5 < ocr_x < 2.5, 0.5 < ocr_y < 1.5) == (True, True)  # poc, no status yet


def test_the_digest_image_stacks_the_measured_kpis_over_the_heat_map(churn, database, project):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    churn('kpi set "Recall" 0.61')
    churn('risk add "Label noise" p=4 i=3')
    with database.session(write=False) as db:
        kpi = one_kpi(db, "Recall")
        image = charts.digest_charts(db, project(db), measured=[kpi], risks_changed=True)
        alone = charts.digest_charts(db, project(db), measured=[], risks_changed=True)
        trend, heat_map = charts.kpi_trend(db, project(db), kpi), charts.risk_heatmap(db, project(db))
    assert size_of(image) == (1200, 1500)
    top, bottom = pixels(image)[:750], pixels(image)[750:]
    assert (top == pixels(trend)).all()
    assert (bottom == pixels(heat_map)).all()
    assert alone == heat_map  # one chart: the heat map as it is on its own


def test_each_heat_map_is_drawn_whole_whatever_was_drawn_before_it(churn, database, project):
    """The heat maps share one picture of the grid: nothing of one project's stays on the next one's."""

    def heat_map() -> bytes:
        with database.session(write=False) as db:
            return charts.risk_heatmap(db, project(db))

    churn('risk add "Label noise" p=4 i=3')
    first = heat_map()
    churn('risk add "Vendor API deprecation" p=1 i=5')
    churn('risk close R-1 "mitigated"')
    second = heat_map()
    churn('risk close R-2 "mitigated"')
    empty = heat_map()
    churn('risk add "Label noise again" p=4 i=3')
    again = heat_map()
    assert len({first, second, empty}) == 3
    # The same title ("1 risk") and one label in the same cell, R-1 then R-3: only its digit differs.
    rows, columns = (pixels(first) != pixels(again)).any(axis=2).nonzero()
    assert len(rows) > 0
    assert (rows.max() - rows.min(), columns.max() - columns.min()) < (20, 20)


def test_text_is_drawn_as_typed_not_as_a_formula(churn, database, project):
    churn('kpi add "Cost $ per call $" baseline 2 target 1 unit $ lower-is-better')
    with database.session(write=False) as db:
        kpi = one_kpi(db, "Cost $ per call $")
        figure = charts.kpi_trend_figure(db, project(db), kpi)
    texts = [text for axes in figure.axes for text in (axes.title, axes.xaxis.label, axes.yaxis.label)]
    assert any("Cost $ per call $" in text.get_text() for text in texts)
    # Between two $, matplotlib would draw a formula ("Cost per call" in italics, the $ gone).
    assert all(text.get_parse_math() is False for text in texts)


def test_importing_the_charts_module_does_not_load_matplotlib():
    code = "import sys, handlers.charts, handlers.commands, bot.cli; print('matplotlib' in sys.modules)"
    root = Path(__file__).parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"


def test_kpis_history_is_oldest_first(churn, clock, database, project):
    churn('kpi add "Recall" baseline 0.5 target 0.8')
    churn('kpi set "Recall" 0.6')
    clock.advance(days=1)
    churn('kpi set "Recall" 0.7')
    with database.session(write=False) as db:
        assert [m.value for m in kpis.history(db, kpi=one_kpi(db, "Recall"))] == [0.6, 0.7]
