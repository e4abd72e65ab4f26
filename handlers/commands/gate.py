"""The phase gate's checklist: what is done (by the project's records, or by hand with evidence), what is
not; and the workspace's own checklists (`gate template …`), which replace the shipped ones."""

from collections.abc import Sequence

from handlers import gates, lifecycle
from handlers.command import Context
from handlers.errors import CommandError
from handlers.gates import Item
from handlers.permissions import Manage
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Line, Reply, Section, Tone, line
from handlers.values import choice, text_for
from storage import gates as checks
from storage import tenant_settings
from storage.models import GateCheck, Project
from storage.vocab import Phase


def gate_phase(raw: str, ctx: Context) -> str:
    """A phase that has a gate: any but closed."""
    value = choice(Phase, "phase")(raw, ctx)
    assert isinstance(value, str)
    if value == Phase.CLOSED:
        raise CommandError(
            "closed has no checklist. Phases with a gate: framing, poc, deployment, monitoring."
        )
    return value


def item_key(raw: str, _ctx: Context) -> str:
    key = raw.strip().lower()
    if not gates.KEY.fullmatch(key):
        raise CommandError(
            f"“{raw}” cannot be an item's key: use 1 to 40 letters, digits or dashes, starting with a letter."
        )
    return key


PHASE = Param("phase", gate_phase, required=True)
ITEM = Param("item", item_key, required=True)
TEXT = Param("text", text_for(GateCheck, "evidence"), required=True, greedy=True)


def _item(items: Sequence[Item], key: str, phase: str) -> Item:
    for item in items:
        if item.key == key:
            return item
    raise CommandError(
        f"The {phase} checklist has no item “{key}”. Its items: {', '.join(i.key for i in items)}."
    )


def _open(ctx: Context) -> Project:
    project = ctx.project
    if project.phase == Phase.CLOSED:
        raise CommandError(
            f"{project.key} is closed, so it has no gate; `gate <phase>` shows a phase's checklist."
        )
    return project


@verb("gate", usage="gate [<phase>]", args=[Param("phase", gate_phase)])
def gate(ctx: Context, *, phase: str | None = None) -> Reply:
    """Show the exit checklist of the project's phase, or of another phase: what is done, how, and what is not.

    Items tick themselves where the project's records prove them (a KPI with a baseline and a target, a privacy or bias risk, the EU AI Act class, a sponsor, …); the others are ticked by hand with `gate check`.
    """
    project = ctx.project
    if phase is None:
        phase = _open(ctx).phase
    facts = lifecycle.load(ctx.db, project, now=ctx.now, phase=phase)
    found = gates.states(facts)
    current = phase == project.phase
    notes: list[Line] = [
        line("Tick an item by hand: ", Code(f'{project.key}: gate check <item> "<evidence>"'))
    ]
    if current:
        notes.append(line("When it is done, decide at the gate: ", Code(f"{project.key}: phase next")))
    else:
        notes.append(line(f"{project.key} is in {project.phase}; this is the checklist of {phase}."))
    return Reply(
        headline=line(f"Gate of {project.key}: the {phase} checklist, {gates.tally(found)}"),
        sections=(Section("", tuple(gates.item_line(s, ctx.tz, project.key) for s in found)),),
        notes=tuple(notes),
    )


@verb(
    "gate check",
    usage='gate check <item> ["evidence"]',
    args=[ITEM, Param("evidence", text_for(GateCheck, "evidence"), greedy=True)],
    writes=True,
)
def gate_check(ctx: Context, *, item: str, evidence: str | None = None) -> Reply:
    """Tick an item of the phase's checklist by hand, with the evidence (a link, a document, a meeting); who and when are recorded."""
    project = _open(ctx)
    facts = lifecycle.load(ctx.db, project, now=ctx.now)
    state = _state(facts, item)
    if state.proven is not None and not (state.check and state.check.checked):
        return Reply(
            headline=line(f"{item} is already ticked by the records of {project.key}: ", *state.proven),
            notes=(line("Nothing was recorded."),),
        )
    again = state.check is not None and state.check.checked
    checks.mark(
        ctx.db,
        project=project,
        phase=project.phase,
        item=item,
        checked=True,
        evidence=evidence,
        actor_id=ctx.actor,
        now=ctx.now,
    )
    after = gates.states(lifecycle.load(ctx.db, project, now=ctx.now))
    fields = [Field("Evidence", line(evidence))] if evidence else []
    return Reply(
        headline=line(f"{'Ticked again' if again else 'Ticked'} {item} — {state.item.text}"),
        tone=Tone.OK,
        fields=(*fields, Field(f"Gate of {project.phase}", line(gates.tally(after)))),
        notes=_when_done(project, after),
    )


@verb("gate uncheck", usage="gate uncheck <item>", args=[ITEM], writes=True)
def gate_uncheck(ctx: Context, *, item: str) -> Reply:
    """Take back a tick made by hand on the phase's checklist; who and when are recorded."""
    project = _open(ctx)
    state = _state(lifecycle.load(ctx.db, project, now=ctx.now), item)
    if state.check is None or not state.check.checked:
        raise CommandError(f"{item} is not ticked by hand, so there is nothing to take back.")
    checks.mark(
        ctx.db,
        project=project,
        phase=project.phase,
        item=item,
        checked=False,
        evidence=None,
        actor_id=ctx.actor,
        now=ctx.now,
    )
    still = (line("It stays ticked by the records: ", *state.proven),) if state.proven is not None else ()
    return Reply(headline=line(f"Unticked {item} — {state.item.text}"), tone=Tone.OK, notes=still)


def _state(facts: lifecycle.Facts, key: str) -> gates.State:
    found = gates.states(facts)
    item = _item([s.item for s in found], key, facts.phase)
    return next(s for s in found if s.item == item)


def _when_done(project: Project, found: Sequence[gates.State]) -> tuple[Line, ...]:
    if gates.gaps(found):
        return ()
    return (line("Every item is checked: decide at the gate with ", Code(f"{project.key}: phase next")),)


# The workspace's own checklists: anyone may read them; changing them is the workspace managers'

TEMPLATES = "change the workspace's gate checklists"


@verb("gate template", usage="gate template [<phase>]", args=[Param("phase", gate_phase)], project=False)
def gate_template(ctx: Context, *, phase: str | None = None) -> Reply:
    """Show the workspace's gate checklists (or one phase's): its own where it changed them, else pmbot's."""
    own = tenant_settings.gate_templates(ctx.db, tenant_id=ctx.tenant_id)
    shown = [phase] if phase else list(gates.PHASES)
    sections = []
    for name in shown:
        whose = "this workspace's" if name in own else "shipped with pmbot"
        sections.append(
            Section(
                f"{name} ({whose})",
                tuple(_template_line(i) for i in gates.checklist(own, name)) or (line("no items"),),
            )
        )
    return Reply(
        headline=line("Gate checklists of this workspace"),
        sections=tuple(sections),
        notes=(
            line(
                "Change them with ",
                Code('gate template set|add <phase> <item> "<text>"'),
                ", ",
                Code("gate template remove <phase> <item>"),
                " or ",
                Code("gate template reset [<phase>]"),
                ".",
            ),
        ),
    )


def _template_line(item: Item) -> Line:
    proof = gates.PROOFS.get(item.proof) if item.proof else None
    return line(f"{item.key} — {item.text}", f" · ticks itself when {proof.when}" if proof else "")


def _save(ctx: Context, phase: str, items: Sequence[Item] | None) -> None:
    own = tenant_settings.gate_templates(ctx.db, tenant_id=ctx.tenant_id)
    if items is None:
        own.pop(phase, None)
    else:
        own[phase] = [i.to_json() for i in items]
    tenant_settings.set_gate_templates(
        ctx.db, tenant_id=ctx.tenant_id, templates=own, actor_id=ctx.actor, now=ctx.now
    )


def _current(ctx: Context, phase: str) -> list[Item]:
    return list(gates.checklist(tenant_settings.gate_templates(ctx.db, tenant_id=ctx.tenant_id), phase))


def _changed(headline: str, phase: str, items: Sequence[Item]) -> Reply:
    return Reply(
        headline=line(headline),
        tone=Tone.OK,
        sections=(
            Section(f"{phase}, for every project of this workspace", tuple(_template_line(i) for i in items)),
        ),
    )


@verb(
    "gate template set",
    usage='gate template set <phase> <item> "<text>"',
    args=[PHASE, ITEM, TEXT],
    project=False,
    writes=True,
    manage=Manage.TENANT,
    doing=TEMPLATES,
)
def gate_template_set(ctx: Context, *, phase: str, item: str, text: str) -> Reply:
    """Reword an item of a phase's checklist for the whole workspace; it still ticks itself as before."""
    items = _current(ctx, phase)
    old = _item(items, item, phase)
    items[items.index(old)] = Item(old.key, text, old.proof)
    _save(ctx, phase, items)
    return _changed(f"Reworded {item} in the {phase} checklist", phase, items)


@verb(
    "gate template add",
    usage='gate template add <phase> <item> "<text>"',
    args=[PHASE, ITEM, TEXT],
    project=False,
    writes=True,
    manage=Manage.TENANT,
    doing=TEMPLATES,
)
def gate_template_add(ctx: Context, *, phase: str, item: str, text: str) -> Reply:
    """Add an item to a phase's checklist for the whole workspace; it is ticked by hand."""
    items = _current(ctx, phase)
    if any(i.key == item for i in items):
        raise CommandError(f"The {phase} checklist already has “{item}”; reword it with `gate template set`.")
    items.append(Item(item, text))
    _save(ctx, phase, items)
    return _changed(f"Added {item} to the {phase} checklist", phase, items)


@verb(
    "gate template remove",
    usage="gate template remove <phase> <item>",
    args=[PHASE, ITEM],
    project=False,
    writes=True,
    manage=Manage.TENANT,
    doing=TEMPLATES,
)
def gate_template_remove(ctx: Context, *, phase: str, item: str) -> Reply:
    """Remove an item from a phase's checklist for the whole workspace; ticks already made are kept."""
    items = _current(ctx, phase)
    items.remove(_item(items, item, phase))
    _save(ctx, phase, items)
    return _changed(f"Removed {item} from the {phase} checklist", phase, items)


@verb(
    "gate template reset",
    usage="gate template reset [<phase>]",
    args=[Param("phase", gate_phase)],
    project=False,
    writes=True,
    manage=Manage.TENANT,
    doing=TEMPLATES,
)
def gate_template_reset(ctx: Context, *, phase: str | None = None) -> Reply:
    """Go back to the checklists shipped with pmbot: one phase's, or all of them."""
    own = tenant_settings.gate_templates(ctx.db, tenant_id=ctx.tenant_id)
    if (phase is not None and phase not in own) or not own:
        which = (
            f"The {phase} checklist is already the one" if phase else "The checklists are already the ones"
        )
        return Reply(headline=line(f"{which} shipped with pmbot."))
    if phase is None:
        tenant_settings.set_gate_templates(
            ctx.db, tenant_id=ctx.tenant_id, templates={}, actor_id=ctx.actor, now=ctx.now
        )
        return Reply(headline=line("Every checklist is back to the one shipped with pmbot"), tone=Tone.OK)
    _save(ctx, phase, None)
    return _changed(
        f"The {phase} checklist is back to the one shipped with pmbot", phase, gates.shipped()[phase]
    )
