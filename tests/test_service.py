"""What happens around every command: idempotent retries, failures that lose nothing, no tracebacks."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from handlers.command import Context
from handlers.commands import build_registry
from handlers.registry import verb
from handlers.service import CommandService
from storage import risks
from storage.db import Database, create_db_engine
from storage.models import AuditEvent, HandledRequest, Risk, StatusUpdate


def test_a_retried_request_is_recorded_once_and_gets_the_same_reply(churn, count):
    first = churn('risk add "Drift" p=4 i=3', request_id="slack-trigger-1")
    again = churn('risk add "Drift" p=4 i=3', request_id="slack-trigger-1")
    assert again == first
    assert count(Risk) == 1
    assert count(AuditEvent, action="risk.add") == 1


def test_twin_requests_at_the_same_moment_record_once(churn, count):
    def send(_: int) -> str:
        return churn('status at-risk "F1 fell to 0.71"', request_id="teams-activity-42")

    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(send, range(4)))
    assert count(StatusUpdate) == 1
    assert len(set(replies)) == 1
    assert replies[0].startswith("✓ Status of churn recorded")


def test_an_unreachable_database_gets_a_clear_reply_that_repeats_the_command(clock, chat_for):
    dead = Database(create_db_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2"))
    service = CommandService(database=dead, registry=build_registry(), clock=clock)
    out = chat_for(service)('risk add "Drift" p=4')
    assert out.splitlines()[0].startswith(
        "✗ I could not reach the database, so nothing was saved. Please send it again"
    )
    assert 'You wrote: risk add "Drift" p=4' in out
    assert "Traceback" not in out


@verb("explode", usage="explode", writes=True)
def explode(ctx: Context) -> None:
    """A verb that writes a risk and then fails, as a bug would."""
    risks.add(
        ctx.db,
        project=ctx.project,
        title="half-written",
        probability=1,
        impact=1,
        owner_id=None,
        category=None,
        mitigation=None,
        review_by=None,
        actor_id=ctx.actor,
        now=ctx.now,
    )
    ctx.db.flush()
    raise RuntimeError("boom: secret internals")


def test_a_failing_command_writes_nothing_and_shows_no_traceback(database, clock, count, caplog, chat_for):
    registry = build_registry()
    registry.add(explode)
    chat = chat_for(CommandService(database=database, registry=registry, clock=clock))
    chat('project new churn "Churn model"')
    out = chat("explode")
    assert out.splitlines()[0].startswith("✗ Something went wrong on my side, so nothing was saved.")
    assert "You wrote: explode" in out
    assert "boom" not in out
    assert "Traceback" not in out
    assert count(Risk) == 0
    assert count(HandledRequest) == 1  # only the project new; the failed request can be retried
    assert "boom: secret internals" in caplog.text  # the admin finds it in the log


def test_registering_a_verb_twice_fails_loudly():
    registry = build_registry()
    with pytest.raises(ValueError, match="registered twice"):
        registry.add(registry.verbs["risks"])
