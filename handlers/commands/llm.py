"""The workspace's choices about the LLM: whether it may be used, and what it has cost."""

from enum import StrEnum

from handlers.command import Context
from handlers.permissions import Manage
from handlers.registry import Param, verb
from handlers.reply import Reply, Section, Tone, line
from handlers.values import choice
from storage import llm, tenant_settings


class Switch(StrEnum):
    ON = "on"
    OFF = "off"


@verb(
    "settings llm",
    usage="settings llm <on|off>",
    args=[Param("switch", choice(Switch, "setting"), required=True)],
    project=False,
    writes=True,
    manage=Manage.TENANT,
    doing="change whether this workspace's text may be sent to the LLM",
)
def settings_llm(ctx: Context, *, switch: str) -> Reply:
    """Allow or forbid sending this workspace's text to the LLM; when off, summaries are made offline.

    Before any text leaves, e-mail addresses, phone numbers, IBANs, identity and card numbers and secrets are removed, and people are sent as placeholders.
    """
    tenant_settings.set_llm_enabled(
        ctx.db, tenant_id=ctx.tenant_id, enabled=switch == Switch.ON, actor_id=ctx.actor, now=ctx.now
    )
    what = (
        "may now use the LLM"
        if switch == Switch.ON
        else "will not send text to any LLM; summaries are made offline"
    )
    return Reply(headline=line(f"This workspace {what}."), tone=Tone.OK)


@verb("usage", usage="usage", project=False)
def usage(ctx: Context) -> Reply:
    """Show the LLM calls and tokens this workspace used, month by month."""
    months = llm.usage(ctx.db, tenant_id=ctx.tenant_id, months=12)
    state = "on" if tenant_settings.llm_enabled(ctx.db, tenant_id=ctx.tenant_id) else "off"
    if not months:
        return Reply(headline=line(f"No LLM use recorded for this workspace (LLM use is {state})."))
    rows = tuple(
        line(
            f"{m.month}: {m.calls} call{'s' if m.calls != 1 else ''}, {m.prompt_tokens:,} prompt + "
            f"{m.completion_tokens:,} answer tokens"
        )
        for m in months
    )
    return Reply(
        headline=line(f"LLM use of this workspace (LLM use is {state})"), sections=(Section("", rows),)
    )
