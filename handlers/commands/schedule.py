"""When pmbot speaks up on its own: a project's weekly digest and status review, and where the
portfolio digest goes. The times are the project's own (its timezone), read by handlers/weekly.py."""

import calendar

from handlers import show
from handlers.clock import first_zone
from handlers.command import Context
from handlers.errors import CommandError
from handlers.permissions import Manage
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Line, Reply, Tone, line
from handlers.values import Channel, channel, weekly
from handlers.weekly import USAGE, Weekly, parse_weekly
from storage import projects, tenant_settings
from storage.models import Project

OFF = "off"  # a review cadence of `off`: no review reminders for the project


def every(when: Weekly) -> str:
    """`every Friday at 16:00`."""
    return f"every {calendar.day_name[when.weekday]} at {when.at:%H:%M}"


def _next(project: Project, when: Weekly, ctx: Context) -> Field:
    zone = first_zone(project.timezone)
    local = when.next(ctx.now, zone).astimezone(zone)
    return Field("Next", line(f"{show.day(local.date())} at {local:%H:%M} ({project.timezone})"))


def no_home(project: Project) -> Line:
    """Where the digest of a project without a channel of its own goes, and how to post it anyway."""
    return line(
        f"{project.key} has no channel of its own, so its digest goes to its owner in a direct message; ",
        Code(f"{project.key}: digest now"),
        " posts it where you type it.",
    )


@verb(
    "settings digest",
    usage="settings digest <day> <hh:mm>",
    args=[Param("day and time", weekly, required=True, rest=True, key="when")],
    writes=True,
    manage=Manage.PROJECT,
    doing="change when its digest goes out",
)
def settings_digest(ctx: Context, *, when: Weekly) -> Reply:
    """Set when the project's weekly digest is posted in its channel, in the project's timezone.

    It goes out every Friday at 16:00 unless you choose another time; `digest preview` shows it now.
    """
    project = ctx.project
    if parse_weekly(project.digest_schedule) == when:
        return Reply(headline=line(f"The digest of {project.key} already goes out {every(when)}."))
    projects.set_digest_schedule(ctx.db, project=project, when=str(when), actor_id=ctx.actor, now=ctx.now)
    return Reply(
        headline=line(f"The digest of {project.key} now goes out {every(when)} ({project.timezone})"),
        tone=Tone.OK,
        fields=(_next(project, when, ctx),),
        notes=() if project.home_channel else (no_home(project),),
    )


def _weekly_or_off(raw: str, ctx: Context) -> Weekly | None:
    if raw.strip().lower() == OFF:
        return None
    try:
        return weekly(raw, ctx)
    except CommandError:
        raise CommandError(f"“{raw}” is not a time in the week I can read. Use {USAGE}, or off.") from None


@verb(
    "settings review",
    usage="settings review <day> <hh:mm>|off",
    args=[Param("day and time", _weekly_or_off, required=True, rest=True, key="when")],
    writes=True,
    manage=Manage.PROJECT,
    doing="change its status review",
)
def settings_review(ctx: Context, *, when: Weekly | None) -> Reply:
    """Set when the project's status review falls due each week, in its timezone; `off` stops review reminders.

    When a review is due and nobody posted a status since the last one, the owner is reminded. Reviews fall due every Thursday at 15:00 unless you choose another time.
    """
    project = ctx.project
    cadence = OFF if when is None else f"weekly {when}"
    if _same(project.review_cadence, cadence):
        return Reply(headline=line(f"Status reviews of {project.key} are already {_review(when)}."))
    projects.set_review_cadence(ctx.db, project=project, when=cadence, actor_id=ctx.actor, now=ctx.now)
    if when is None:
        return Reply(
            headline=line(f"Status reviews of {project.key} are off: nobody is reminded to post a status"),
            tone=Tone.OK,
            notes=(line(Code("settings review thu 15:00"), " turns them back on."),),
        )
    return Reply(
        headline=line(f"Status reviews of {project.key} now fall due {every(when)} ({project.timezone})"),
        tone=Tone.OK,
        fields=(_next(project, when, ctx),),
    )


def _same(stored: str, cadence: str) -> bool:
    if OFF in (stored, cadence):
        return stored == cadence
    return parse_weekly(stored) == parse_weekly(cadence)


def _review(when: Weekly | None) -> str:
    return "off" if when is None else f"due {every(when)}"


def _channel_or_off(raw: str, ctx: Context) -> Channel | None:
    return None if raw.strip().lower() == OFF else channel(raw, ctx)


@verb(
    "settings portfolio-channel",
    usage="settings portfolio-channel <#channel|off>",
    args=[Param("channel", _channel_or_off, required=True)],
    project=False,
    writes=True,
    manage=Manage.TENANT,
    doing="choose where the portfolio digest is posted",
)
def settings_portfolio_channel(ctx: Context, *, channel: Channel | None) -> Reply:
    """Choose the channel where the weekly portfolio digest of every open project is posted; `off` stops it."""
    tenant_settings.set_portfolio_channel(
        ctx.db,
        tenant_id=ctx.tenant_id,
        channel=channel.id if channel else None,
        actor_id=ctx.actor,
        now=ctx.now,
    )
    if channel is None:
        return Reply(headline=line("The portfolio digest is no longer posted."), tone=Tone.OK)
    return Reply(
        headline=line(f"The portfolio digest will be posted in #{channel.name} each week"),
        tone=Tone.OK,
        notes=(
            line("pmbot must be a member of that channel to post there."),
            line(Code("digest preview portfolio"), " shows it now."),
        ),
    )
