"""Every verb pmbot knows. A new verb is a handler module and one line here."""

from handlers.commands import (
    chart,
    dashboard,
    decisions,
    deliverables,
    digests,
    experiments,
    export,
    gate,
    glossary,
    governance,
    kpis,
    llm,
    phase,
    projects,
    remind,
    report,
    retro,
    risks,
    schedule,
    status,
    summaries,
    usecases,
)
from handlers.commands.help import help_verb
from handlers.registry import Registry


def build_registry() -> Registry:
    registry = Registry()
    registry.add(help_verb(registry))
    registry.include(projects)
    registry.include(status)
    registry.include(risks)
    registry.include(decisions)
    registry.include(deliverables)
    registry.include(kpis)
    registry.include(chart)
    registry.include(experiments)
    registry.include(usecases)
    registry.include(phase)
    registry.include(gate)
    registry.include(governance)
    registry.include(report)
    registry.include(export)
    registry.include(retro)
    registry.include(summaries)
    registry.include(digests)
    registry.include(glossary)
    registry.include(schedule)
    registry.include(llm)
    registry.include(remind)
    registry.include(dashboard)
    return registry
