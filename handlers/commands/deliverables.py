"""Deliverables: who promised what, by when; the scheduler chases the late ones."""

from datetime import date

from handlers import show
from handlers.command import Context
from handlers.dates import DATE_WORDS
from handlers.errors import CommandError
from handlers.permissions import require_item_owner
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Reply, Section, Tone, line
from handlers.values import Owner, future_date, owner, ref, text_for
from storage import audit, deliverables, projects
from storage.models import Deliverable
from storage.vocab import DeliverableStatus, Role

NUMBER = Param("A-n", ref("A"), required=True, key="number")


def _change_open(ctx: Context, number: int, action: str, doing: str, **changes: object) -> Deliverable:
    """Apply `changes` to the open deliverable A-`number`, or say why it cannot be changed (by the person
    typing, who may `doing` it, where {ref} stands for A-n: handlers/permissions.py)."""
    found = deliverables.get(ctx.db, project=ctx.project, number=number)
    if found is None:
        raise CommandError(f"{ctx.project.key} has no deliverable A-{number}. `deliverables` lists them.")
    recorded_by = (
        audit.recorder(ctx.db, project=ctx.project, ref=found.ref) if found.owner_user_id is None else None
    )
    require_item_owner(
        ctx,
        ctx.project,
        ref=found.ref,
        owner_id=found.owner_user_id,
        recorded_by=recorded_by,
        doing=doing.format(ref=found.ref),
    )
    if found.status != DeliverableStatus.OPEN:
        raise CommandError(f"{found.ref} is already {found.status}.")
    audit.change(
        ctx.db,
        project=ctx.project,
        row=found,
        changes=changes,
        action=action,
        actor_id=ctx.actor,
        now=ctx.now,
    )
    return found


@verb(
    "deliverable add",
    usage='deliverable add "<title>" owner <@user|"party"> due <date>',
    args=[Param("title", text_for(Deliverable, "title"), required=True, greedy=True)],
    options=[
        Param("owner", owner, required=True),
        Param("due", future_date, required=True, words=DATE_WORDS),
    ],
    writes=True,
)
def deliverable_add(ctx: Context, *, title: str, owner: Owner, due: date) -> Reply:
    """Record a deliverable with its owner (a person, or an outside party in quotes) and due date."""
    item = deliverables.add(
        ctx.db,
        project=ctx.project,
        title=title,
        owner_user_id=owner.user_id,
        owner_party=owner.party,
        due_date=due,
        actor_id=ctx.actor,
        now=ctx.now,
    )
    if owner.user_id:
        projects.add_member(
            ctx.db,
            project=ctx.project,
            user_id=owner.user_id,
            role=Role.MEMBER,
            actor_id=ctx.actor,
            now=ctx.now,
        )
    return Reply(
        headline=line(f"Recorded {item.ref}: {item.title}"),
        tone=Tone.OK,
        fields=(
            Field("Owner", line(show.deliverable_owner(item))),
            Field("Due", line(show.day(item.due_date))),
        ),
    )


@verb("deliverable done", usage="deliverable done A-n", args=[NUMBER], writes=True)
def deliverable_done(ctx: Context, *, number: int) -> Reply:
    """Mark a deliverable done."""
    item = _change_open(
        ctx, number, "deliverable.done", "mark {ref} done", status=DeliverableStatus.DONE, done_at=ctx.now
    )
    late = (ctx.today - item.due_date).days
    timing = f", {late} day{'s' if late != 1 else ''} late" if late > 0 else ", on time"
    return Reply(headline=line(f"Done: {item.ref} {item.title}{timing}"), tone=Tone.OK)


@verb("deliverable cancel", usage="deliverable cancel A-n", args=[NUMBER], writes=True)
def deliverable_cancel(ctx: Context, *, number: int) -> Reply:
    """Cancel a deliverable nobody needs any more; it stays in the record, marked cancelled."""
    item = _change_open(ctx, number, "deliverable.cancel", "cancel {ref}", status=DeliverableStatus.CANCELLED)
    return Reply(headline=line(f"Cancelled: {item.ref} {item.title}"), tone=Tone.OK)


@verb(
    "deliverable snooze",
    usage="deliverable snooze A-n <date>",
    args=[NUMBER, Param("until", future_date, required=True, rest=True)],
    writes=True,
)
def deliverable_snooze(ctx: Context, *, number: int, until: date) -> Reply:
    """Hold the reminders about a deliverable until a date; its due date stays as promised."""
    if until <= ctx.today:
        raise CommandError("Snooze until a later day than today.")
    item = _change_open(ctx, number, "deliverable.snooze", "snooze {ref}", snoozed_until=until)
    return Reply(
        headline=line(
            f"Snoozed {item.ref} until {show.day(until)}; it is still due {show.day(item.due_date)}"
        ),
        tone=Tone.OK,
    )


@verb("deliverables", usage="deliverables [mine|overdue]", args=[Param("which")])
def deliverables_list(ctx: Context, *, which: str | None = None) -> Reply:
    """List the project's open deliverables, soonest due first; `mine` or `overdue` narrows the list."""
    if which not in (None, "mine", "overdue"):
        raise CommandError(
            f"“{which}” is not a list I know; use `deliverables`, `deliverables mine` or `deliverables overdue`."
        )
    found = deliverables.open_by_due(
        ctx.db,
        project=ctx.project,
        owner_user_id=ctx.actor if which == "mine" else None,
        overdue_on=ctx.today if which == "overdue" else None,
    )
    label = {None: "Open deliverables", "mine": "Your open deliverables", "overdue": "Overdue deliverables"}[
        which
    ]
    if not found:
        return Reply(
            headline=line(
                f"{label} of {ctx.project.key}: none. Add one: ",
                Code('deliverable add "<title>" owner @someone due friday'),
            )
        )
    return Reply(
        headline=line(f"{label} of {ctx.project.key}, soonest due first"),
        sections=(
            Section(
                "",
                tuple(show.deliverable_line(d, ctx.today) for d in found),
                tuple(show.deliverable_actions(d, ctx.project.key) for d in found),
            ),
        ),
    )
