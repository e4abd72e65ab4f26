"""What pmbot keeps only for a while is forgotten on time; the records of projects never are. A request
forgotten and then retried would be carried out again: hence a week, far beyond any platform's retries."""

from scheduler.retention import forget_old
from storage import llm
from storage.models import HandledRequest, Project, Risk, SummaryCache


def test_old_handled_requests_and_cached_answers_are_forgotten_and_records_kept(
    churn, service, database, clock, count
):
    churn('risk add "Label noise" p=4 i=3', request_id="slack-old")
    with database.session(write=True) as db:
        llm.remember(
            db, key="old", tenant_id="T1", prompt_version="v1", model="m", answer={"a": 1}, now=clock()
        )
    clock.advance(days=8)
    churn('risk add "Drift" p=2 i=2', request_id="slack-new")
    forgotten = forget_old(service.services, clock())
    assert (forgotten.requests, forgotten.summaries) == (2, 0)  # `project new` and the first risk
    with database.session(write=False) as db:
        assert db.get(HandledRequest, ("T1", "slack-new")) is not None
        assert db.get(HandledRequest, ("T1", "slack-old")) is None
    assert (count(Project), count(Risk)) == (1, 2)

    clock.advance(days=90)
    assert forget_old(service.services, clock()).summaries == 1
    assert count(SummaryCache) == 0
