"""Charts as PNG images, drawn on the server: a KPI's measurements against its baseline and target, the
risk heat map (probability × impact, each open risk's number in its cell), the project's health week by
week, and the portfolio's open projects by phase and health.

Readable on a phone (8×5 inches at 150 dpi, large type), colour-blind-safe (the Okabe–Ito palette) and
never relying on colour alone: line styles, marker shapes and written labels say the same. Each has a
title and axis labels. The same data gives the same bytes (no timestamp in the PNG), so charts can be
compared and cached.

matplotlib is imported on first use, not at start-up, and only through its object API (`Figure` on the
Agg canvas): pyplot's global state is not safe on worker threads. Figures are drawn one at a time: the
drawing holds the interpreter's lock anyway, and one figure at a time keeps a digest run's memory to one
figure's. The PNG encoding, which releases that lock, runs side by side.

What each chart costs, and why it is drawn this way, is in docs/PERFORMANCE.md (benchmark 3).
"""

import io
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.clock import first_zone
from handlers.lifecycle_warnings import HIGH_SCORE
from storage import kpis, projects, risks, statuses
from storage.models import Kpi, Project, Risk
from storage.vocab import Health, Phase

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH, HEIGHT = 8.0, 5.0  # inches
DPI = 150  # 1200 × 750 pixels
FONT = "DejaVu Sans"  # ships with matplotlib: the same glyphs on every server

# Okabe & Ito (2008), "Color Universal Design": told apart with any colour vision.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#999999"

# Health: a colour, a marker shape and words, so that the shape or the words alone tell them apart.
HEALTH_STYLE: dict[str | None, tuple[str, str, str]] = {
    Health.ON_TRACK: (BLUISH_GREEN, "o", "on track"),
    Health.AT_RISK: (ORANGE, "^", "at risk"),
    Health.OFF_TRACK: (VERMILLION, "X", "off track"),
    None: (GREY, "s", "no status yet"),
}
HEALTH_LEVEL = {Health.OFF_TRACK: 0, Health.AT_RISK: 1, Health.ON_TRACK: 2}

# Risk score bands of the heat map, lowest first: (lowest score, name, colour).
BANDS: tuple[tuple[int, str, str], ...] = (
    (1, "low", BLUISH_GREEN),
    (5, "medium", YELLOW),
    (10, "significant", ORANGE),
    (HIGH_SCORE, "high", VERMILLION),
)
SCALE = range(1, 6)  # probability and impact are scored 1 to 5
PER_ROW, MOST_IN_CELL = 2, 6  # risk numbers in a heat map cell; more are counted (“+4”)
MOST_WEEKS = 26  # of the health timeline
OPEN_PHASES = (Phase.FRAMING, Phase.POC, Phase.DEPLOYMENT, Phase.MONITORING)
PORTFOLIO_ROWS: tuple[str | None, ...] = (Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK, None)
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1)

_ready = threading.Lock()
_configured = False
_drawing = threading.RLock()  # one figure at a time (see above); a digest's holds it for its panels


def _matplotlib() -> None:
    """Import and configure matplotlib once, before the first chart: the Agg backend (no display), the
    bundled font, large type, and text drawn as typed (a `$` in a KPI's name is no formula)."""
    global _configured
    with _ready:
        if _configured:
            return
        import matplotlib

        matplotlib.use("Agg")
        matplotlib.rcParams.update(
            {
                "font.family": "sans-serif",
                "font.sans-serif": [FONT],
                "font.size": 12,
                "axes.titlesize": 15,
                "axes.titleweight": "bold",
                "axes.labelsize": 13,
                "xtick.labelsize": 11,
                "ytick.labelsize": 11,
                "legend.fontsize": 10,
                "text.parse_math": False,
                "axes.spines.top": False,
                "axes.spines.right": False,
                "svg.hashsalt": "pmbot",
            }
        )
        _configured = True


def _figure() -> "Figure":
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _pixels(figure: "Figure") -> "np.ndarray":
    """The RGB pixels of the figure as last drawn."""
    import numpy as np

    return np.asarray(figure.canvas.buffer_rgba())[:, :, :3].copy()  # type: ignore[attr-defined]


def _drawn(build: Callable[..., "Figure"], *args: Any, **kwargs: Any) -> "np.ndarray":
    """The pixels of the figure `build` makes, drawn once (savefig would draw it twice: once more for
    the layout)."""
    with _drawing:
        figure = build(*args, **kwargs)
        figure.canvas.draw()
        return _pixels(figure)


def png(*panels: "np.ndarray") -> bytes:
    """Charts as one PNG, stacked top to bottom, without the time or software a PNG usually carries.
    zlib's fastest level: a chart's flat colours compress about as well as at the default level, in
    half the time."""
    import numpy as np
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(panels[0] if len(panels) == 1 else np.vstack(panels)).save(out, "PNG", compress_level=1)
    return out.getvalue()


def _blank(ax: "Axes", message: str) -> "Artist":
    """What a chart with nothing to plot shows instead (a dashboard still shows every chart)."""
    return ax.text(
        0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=14, color=BLACK
    )


# KPI trend


def kpi_trend(db: Session, project: Project, kpi: Kpi) -> bytes:
    """The KPI's measurements over time against its baseline and target lines."""
    return png(_drawn(kpi_trend_figure, db, project, kpi))


def kpi_trend_figure(db: Session, project: Project, kpi: Kpi) -> "Figure":
    figure = _figure()
    _draw_kpi(figure.add_subplot(), db, project, kpi)
    return figure


def _draw_kpi(ax: "Axes", db: Session, project: Project, kpi: Kpi) -> None:
    zone = first_zone(project.timezone)
    measured = kpis.history(db, kpi=kpi)
    when = [m.measured_at.astimezone(zone).replace(tzinfo=None) for m in measured]
    values = [m.value for m in measured]
    unit = f" {kpi.unit}" if kpi.unit else ""
    direction = "lower is better" if kpi.lower_is_better else "higher is better"
    ax.set_title(f"{kpi.name} — {project.name} ({project.key})", loc="left")
    ax.set_xlabel(f"Date measured ({zone.key})")
    ax.set_ylabel(f"{kpi.name}{' (' + kpi.unit + ')' if kpi.unit else ''}")
    ax.axhline(
        kpi.baseline, color=BLACK, linestyle="--", linewidth=1.5, label=f"baseline {_n(kpi.baseline)}{unit}"
    )
    ax.axhline(
        kpi.target, color=BLUISH_GREEN, linestyle="-.", linewidth=2, label=f"target {_n(kpi.target)}{unit}"
    )
    if measured:
        xs = [_days(at) for at in when]
        ax.plot(xs, values, color=BLUE, marker="o", markersize=7, linewidth=2.5, label="measured")
        labelled = range(len(values)) if len(values) <= 8 else (len(values) - 1,)
        for i in labelled:
            ax.annotate(
                _n(values[i]),
                (xs[i], values[i]),
                textcoords="offset points",
                xytext=(0, 9),
                ha="center",
                fontsize=11,
                color=BLUE,
            )
        pad = max((xs[-1] - xs[0]) * 0.08, 1)
        ax.set_xlim(xs[0] - pad, xs[-1] + pad)
        ticks = _day_ticks(when[0].date(), when[-1].date())
        ax.set_xticks([_days(datetime.combine(d, time())) for d in ticks], [_day(d, ticks) for d in ticks])
    else:
        ax.set_xticks([])
        _blank(ax, "Not measured yet")
    low = min([kpi.baseline, kpi.target, *values])
    high = max([kpi.baseline, kpi.target, *values])
    margin = (high - low) * 0.15 or 1
    ax.set_ylim(low - margin, high + margin)
    ax.legend(loc="best", title=direction, frameon=False)
    ax.grid(axis="y", color=GREY, alpha=0.3)


# Risk heat map


@dataclass(frozen=True)
class Placed:
    """A label's place in a grid of unit cells centred on whole numbers: the cell (column, row), and the
    label's centre (x, y) inside it."""

    label: str
    column: int
    row: int
    x: float
    y: float


def place(labels: Sequence[str], column: int, row: int, *, per_row: int, most: int) -> list[Placed]:
    """Labels spread over the cell centred on (column, row), row by row from the top, below the corner
    where the cell's own number goes; past `most`, the last place counts the rest (“+4”)."""
    if len(labels) > most:
        labels = [*labels[: most - 1], f"+{len(labels) - most + 1}"]
    rows = math.ceil(len(labels) / per_row)
    found = []
    for i, label in enumerate(labels):
        line, place_in_line = divmod(i, per_row)
        in_line = min(per_row, len(labels) - line * per_row)
        x = column + (place_in_line - (in_line - 1) / 2) * (0.9 / per_row)
        y = row - 0.12 - (line - (rows - 1) / 2) * 0.24
        found.append(Placed(label, column, row, x, y))
    return found


def risk_cells(open_risks: Sequence[Risk]) -> list[Placed]:
    """Where each risk's number goes on the heat map: the cell of its impact (column) and probability
    (row), in number order within the cell."""
    by_cell: dict[tuple[int, int], list[Risk]] = {}
    for risk in sorted(open_risks, key=lambda r: r.number):
        by_cell.setdefault((risk.impact, risk.probability), []).append(risk)
    placed: list[Placed] = []
    for (impact, probability), found in sorted(by_cell.items()):
        refs = [r.ref for r in found]
        placed += place(refs, impact, probability, per_row=PER_ROW, most=MOST_IN_CELL)
    return placed


def band(score: int) -> tuple[str, str]:
    """The name and colour of a risk score's band."""
    name, colour = BANDS[0][1], BANDS[0][2]
    for lowest, band_name, band_colour in BANDS:
        if score >= lowest:
            name, colour = band_name, band_colour
    return name, colour


def risk_heatmap(db: Session, project: Project) -> bytes:
    """The 5×5 probability × impact grid with each open risk's number in its cell."""
    return png(_heat_map_pixels(db, project))


def _heat_map_pixels(db: Session, project: Project) -> "np.ndarray":
    with _drawing:
        return _pixels(risk_heatmap_figure(db, project))


class _HeatMap:
    """The heat map's grid, scores, axes and legend, the same for every project, drawn once per process;
    each heat map restores that picture and draws only its title and risk numbers over it (matplotlib's
    blitting). A weekly digest run draws one per project: this makes each one several times cheaper."""

    def __init__(self) -> None:
        self.figure = _figure()
        self.ax = ax = self.figure.add_subplot()
        _draw_grid(ax)
        self.title = ax.set_title("Open risks", loc="left")  # lays out the title's room
        self.figure.canvas.draw()
        self.figure.set_layout_engine("none")  # the layout, kept for every project's heat map
        self.title.set_animated(True)  # drawn over the picture, not into it
        self.figure.canvas.draw()
        self.background = self.figure.canvas.copy_from_bbox(self.figure.bbox)  # type: ignore[attr-defined]
        self.drawn: list[Artist] = []

    def draw(self, title: str, open_risks: Sequence[Risk]) -> "Figure":
        """The figure showing `title` and these risks; it stays so until the next draw."""
        for artist in self.drawn:
            artist.remove()
        ax = self.ax
        self.figure.canvas.restore_region(self.background)  # type: ignore[attr-defined]
        self.title.set_text(title)
        self.drawn = [
            ax.text(s.x, s.y, s.label, ha="center", va="center", fontsize=11, fontweight="bold", color=BLACK)
            for s in risk_cells(open_risks)
        ]
        if not open_risks:
            self.drawn.append(_blank(ax, "No open risks"))
        for artist in [self.title, *self.drawn]:
            artist.set_animated(True)
            ax.draw_artist(artist)
        return self.figure


_heat_map: _HeatMap | None = None


def risk_heatmap_figure(db: Session, project: Project) -> "Figure":
    """The heat map of `project`, on the one figure all heat maps share: call it holding `_drawing`."""
    global _heat_map
    open_risks = risks.open_by_score(db, project=project)
    count = len(open_risks)
    title = f"Open risks of {project.name} ({project.key}): {count} risk{'s' if count != 1 else ''}"
    if _heat_map is None:
        _heat_map = _HeatMap()
    return _heat_map.draw(title, open_risks)


def _draw_grid(ax: "Axes") -> None:
    """The heat map without its risks: the cells coloured by score band, each with its score."""
    from matplotlib.patches import Patch, Rectangle

    for impact in SCALE:
        for probability in SCALE:
            score = impact * probability
            ax.add_patch(
                Rectangle(
                    (impact - 0.5, probability - 0.5),
                    1,
                    1,
                    facecolor=band(score)[1],
                    alpha=0.55,
                    edgecolor="white",
                    linewidth=2,
                )
            )
            ax.text(
                impact - 0.44,
                probability + 0.42,
                str(score),
                ha="left",
                va="top",
                fontsize=9,
                color="#333333",
            )
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(list(SCALE))
    ax.set_yticks(list(SCALE))
    ax.set_aspect("auto")
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("Impact (1 = minor, 5 = severe)")
    ax.set_ylabel("Probability (1 = rare, 5 = almost certain)")
    bands = [*BANDS[1:], (26, "", "")]
    legend = [
        Patch(facecolor=colour, alpha=0.55, label=f"{name}: score {lowest}–{bands[i][0] - 1}")
        for i, (lowest, name, colour) in enumerate(BANDS)
    ]
    ax.legend(
        handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, title="Score = p × i"
    )


# Health timeline


def health_weeks(
    updates: Sequence[tuple[datetime, str]], tz: ZoneInfo, *, until: datetime | None = None
) -> list[tuple[date, str, bool]]:
    """The health at the end of each week (weeks start on Monday in `tz`) from the first update's week to
    the last one's (or `until`'s), at most MOST_WEEKS of them: (the week's Monday, health, whether an
    update was posted that week). A week without one keeps the health it had."""
    if not updates:
        return []
    by_week: dict[date, str] = {}
    for at, health in sorted(updates, key=lambda pair: pair[0]):
        day = at.astimezone(tz).date()
        by_week[day - timedelta(days=day.weekday())] = health
    first = min(by_week)
    last = max(by_week)
    if until is not None:
        end = until.astimezone(tz).date()
        last = max(last, end - timedelta(days=end.weekday()))
    weeks, health = [], by_week[first]
    monday = first
    while monday <= last:
        posted = monday in by_week
        health = by_week.get(monday, health)
        weeks.append((monday, health, posted))
        monday += timedelta(days=7)
    return weeks[-MOST_WEEKS:]


def health_timeline(db: Session, project: Project, tz: ZoneInfo, *, now: datetime | None = None) -> bytes:
    """The project's on-track / at-risk / off-track week by week, from its status updates (up to `now`'s
    week when given, else to the last update's)."""
    return png(_drawn(health_timeline_figure, db, project, tz, now=now))


def health_timeline_figure(
    db: Session, project: Project, tz: ZoneInfo, *, now: datetime | None = None
) -> "Figure":
    from matplotlib.lines import Line2D

    figure = _figure()
    ax = figure.add_subplot()
    updates = statuses.since(db, project=project, start=project.created_at)
    weeks = health_weeks([(u.created_at, u.health) for u in updates], tz, until=now)
    ax.set_title(f"Health of {project.name} ({project.key}), week by week", loc="left")
    ax.set_xlabel(f"Week starting (Monday, {tz.key})")
    ax.set_ylabel("Health at the end of the week")
    ax.set_yticks([0, 1, 2], ["off track", "at risk", "on track"])
    ax.set_ylim(-0.5, 2.5)
    ax.grid(axis="y", color=GREY, alpha=0.3)
    if not weeks:
        ax.set_xticks([])
        _blank(ax, "No status update yet")
        return figure
    xs = list(range(len(weeks)))
    levels = [HEALTH_LEVEL[Health(h)] for _, h, _ in weeks]
    ax.step(xs, levels, where="mid", color=GREY, linewidth=1.5, zorder=1)
    for x, (_, health, posted) in zip(xs, weeks, strict=True):
        colour, marker, _ = HEALTH_STYLE[health]
        ax.scatter(
            [x],
            [HEALTH_LEVEL[Health(health)]],
            s=160,
            marker=marker,
            color=colour if posted else "white",
            edgecolors=colour,
            linewidths=2,
            zorder=2,
        )
    step = max(1, math.ceil(len(weeks) / 6))  # at most 6 dates: readable on a phone
    ax.set_xticks(xs[::step], [f"{monday:%d %b}" for monday, _, _ in weeks][::step])
    ax.set_xlim(-0.6, len(weeks) - 0.4)
    key = [
        Line2D(
            [],
            [],
            linestyle="",
            marker=HEALTH_STYLE[h][1],
            color=HEALTH_STYLE[h][0],
            markersize=10,
            label=HEALTH_STYLE[h][2],
        )
        for h in (Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK)
    ]
    key.append(
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markerfacecolor="white",
            color=GREY,
            markersize=10,
            label="no update that week",
        )
    )
    ax.legend(handles=key, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return figure


# Portfolio


def portfolio(db: Session, tenant_id: str, *, now: datetime | None = None) -> bytes:
    """The tenant's open projects by phase (columns) and health (rows), as of `now` (default: everything
    recorded), each project's key in its cell."""
    return png(_drawn(portfolio_figure, db, tenant_id, now=now))


def portfolio_cells(found: Sequence[tuple[str, str, str | None]]) -> list[Placed]:
    """Where each project's key goes: (key, phase, health) → the phase's column and the health's row
    (on track at the top, no status at the bottom)."""
    by_cell: dict[tuple[int, int], list[str]] = {}
    for key, phase, health in sorted(found, key=lambda f: f[0]):
        by_cell.setdefault(_portfolio_cell(phase, health), []).append(key)
    placed: list[Placed] = []
    for (column, row), keys in sorted(by_cell.items()):
        placed += place(keys, column, row, per_row=2, most=6)
    return placed


def _portfolio_cell(phase: str, health: str | None) -> tuple[int, int]:
    return OPEN_PHASES.index(Phase(phase)) + 1, len(PORTFOLIO_ROWS) - PORTFOLIO_ROWS.index(health)


def portfolio_figure(db: Session, tenant_id: str, *, now: datetime | None = None) -> "Figure":
    from matplotlib.patches import Rectangle

    open_projects = [p for p in projects.all_of(db, tenant_id=tenant_id) if p.phase in OPEN_PHASES]
    ids = [p.id for p in open_projects if p.id is not None]
    health = statuses.health_at(db, project_ids=ids, at=now or FAR_FUTURE) if ids else {}
    found = [(p.key, p.phase, health.get(p.id or 0)) for p in open_projects]
    figure = _figure()
    ax = figure.add_subplot()
    rows = len(PORTFOLIO_ROWS)
    for r, state in enumerate(PORTFOLIO_ROWS):
        colour = HEALTH_STYLE[state][0]
        for column in range(1, len(OPEN_PHASES) + 1):
            ax.add_patch(
                Rectangle(
                    (column - 0.5, rows - r - 0.5),
                    1,
                    1,
                    facecolor=colour,
                    alpha=0.25,
                    edgecolor="white",
                    linewidth=2,
                )
            )
    for spot in portfolio_cells(found):
        ax.text(
            spot.x, spot.y, spot.label, ha="center", va="center", fontsize=10, fontweight="bold", color=BLACK
        )
    total: dict[tuple[int, int], int] = {}
    for _, phase, state in found:
        cell = _portfolio_cell(phase, state)
        total[cell] = total.get(cell, 0) + 1
    for (column, row), number in sorted(total.items()):
        ax.text(column - 0.44, row + 0.42, str(number), ha="left", va="top", fontsize=9, color="#333333")
    ax.set_xlim(0.5, len(OPEN_PHASES) + 0.5)
    ax.set_ylim(0.5, rows + 0.5)
    ax.set_xticks(range(1, len(OPEN_PHASES) + 1), [str(p) for p in OPEN_PHASES])
    ax.set_yticks(
        range(1, rows + 1),
        [f"{HEALTH_STYLE[s][2]} {_symbol(s)}" for s in reversed(PORTFOLIO_ROWS)],
    )
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    count = len(open_projects)
    ax.set_title(
        f"Portfolio: {count} open project{'s' if count != 1 else ''} by phase and health", loc="left"
    )
    ax.set_xlabel("Phase")
    ax.set_ylabel("Health (latest status)")
    if not open_projects:
        _blank(ax, "No open projects")
    return figure


def _symbol(health: str | None) -> str:
    return (
        {Health.ON_TRACK: "●", Health.AT_RISK: "▲", Health.OFF_TRACK: "✖"}.get(Health(health), "■")
        if health
        else "■"
    )


# The weekly digest's image


def digest_charts(db: Session, project: Project, *, measured: Sequence[Kpi], risks_changed: bool) -> bytes:
    """One image for the weekly digest: the trend of each KPI measured in the week, then the risk heat
    map if a risk was added, changed or closed; stacked, so that a phone shows them one under another."""
    assert measured or risks_changed, "a digest image needs a KPI or the risks"
    panels = [_drawn(kpi_trend_figure, db, project, kpi) for kpi in measured]
    if risks_changed:
        panels.append(_heat_map_pixels(db, project))
    return png(*panels)


def _days(at: datetime) -> float:
    """A local date and time as days since 1970, for a time axis."""
    return (at - EPOCH) / timedelta(days=1)


def _day_ticks(first: date, last: date, most: int = 6) -> list[date]:
    """Up to `most` evenly spread days from `first` to `last`, both included."""
    span = (last - first).days
    if span < most:
        return [first + timedelta(days=n) for n in range(span + 1)]
    return list(dict.fromkeys(first + timedelta(days=round(span * n / (most - 1))) for n in range(most)))


def _day(day: date, all_days: Sequence[date]) -> str:
    return f"{day:%d %b}" if all_days[0].year == all_days[-1].year else f"{day:%d %b %Y}"


def _n(value: float) -> str:
    return f"{value:g}"
