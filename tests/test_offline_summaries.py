"""The offline summarizer on a corpus of realistic AI-project updates (tests/data/updates.json)."""

import json
from pathlib import Path

import pytest

from handlers.facts import unsupported
from handlers.glossary import default_terms, find_terms
from handlers.summaries.model import KpiContext, ProjectContext, Update
from handlers.summaries.offline import summarize_status, summarize_updates

CORPUS = json.loads((Path(__file__).parent / "data" / "updates.json").read_text())
CONTEXT = ProjectContext(
    name="Churn model",
    phase="poc",
    kpis=(KpiContext(name="Recall on churners", baseline=0.52, target=0.75, unit=None, latest=0.66),),
)


def test_the_corpus_is_big_and_varied_enough():
    assert len(CORPUS) >= 30
    assert {u["health"] for u in CORPUS} == {"on-track", "at-risk", "off-track"}


@pytest.mark.parametrize("item", CORPUS, ids=lambda u: u["text"][:40])
def test_every_fact_is_kept_and_every_term_explained(item):
    update = Update(health=item["health"], text=item["text"])
    summary = summarize_status(update, CONTEXT, default_terms())
    text = summary.text()
    assert unsupported(item["text"], text) == []  # every number, date, amount and name of the update is kept
    for term in find_terms(item["text"], default_terms()):
        assert f"{term.name} is {term.meaning}" in text
    assert len(summary.headline.split()) <= 15
    assert summary.headline.startswith(f"Churn model is {item['health'].replace('-', ' ')}")
    assert "Recall on churners from 0.52 to 0.75 (latest 0.66)" in summary.business_impact


def test_a_digest_keeps_every_update_and_points_back_to_it():
    updates = [
        Update(health=u["health"], text=u["text"], author=f"@dev{n}") for n, u in enumerate(CORPUS[:5])
    ]
    digest = summarize_updates(updates, CONTEXT, default_terms())
    for number, update in enumerate(updates, start=1):
        (point,) = [p for p in digest.points if p.sources == [number]]
        assert update.text in point.text
        assert update.author in point.text
    assert unsupported("\n".join(u.text for u in updates), digest.text()) == []


def test_the_offline_summary_is_deterministic():
    update = Update(health="at-risk", text=CORPUS[0]["text"])
    assert summarize_status(update, CONTEXT, default_terms()) == summarize_status(
        update, CONTEXT, default_terms()
    )
