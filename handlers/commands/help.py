"""Help, built from the registry: each verb's usage and docstring."""

from handlers.command import Context
from handlers.errors import CommandError
from handlers.registry import Param, Registry, Verb, verb
from handlers.reply import Code, Reply, Section, line


def help_verb(registry: Registry) -> Verb:
    """The `help` verb, answering from `registry`."""

    @verb("help", usage="help [command]", args=[Param("topic", rest=True)], project=False)
    def help_(ctx: Context, *, topic: str | None = None) -> Reply:
        """List the commands, or explain one (`help risk`, `help risk add`)."""
        if topic is None:
            items = tuple(line(Code(v.usage), f" — {v.summary}") for v in registry)
            return Reply(
                headline=line(
                    "pmbot keeps your AI project's status, risks, decisions, deliverables and KPIs."
                ),
                sections=(Section("Commands", items),),
                notes=(line("Outside a project's channel, start with its key: ", Code("churn: risks")),),
            )
        topic = " ".join(topic.lower().split())
        family = registry.family(topic)
        if not family:
            raise CommandError(registry.unknown(topic))
        return Reply(
            headline=line(f"help {topic}"),
            sections=tuple(
                Section(v.usage, tuple(line(p) for p in (v.summary, v.details, v.who_may) if p))
                for v in family
            ),
        )

    return help_
