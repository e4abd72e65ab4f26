import re

import pytest

from handlers.glossary import Term, default_terms, find_terms, load_terms, merge

F1 = Term("F1", "f1 meaning", ("F1 score", "F1-score"))
AUC = Term("AUC", "auc meaning", ("ROC AUC",))
RECALL = Term("recall", "recall meaning")
LATENCY = Term("latency", "latency meaning")
P95 = Term("p95 latency", "p95 meaning", ("p95",))
DRIFT = Term("drift", "drift meaning")
DATA_DRIFT = Term("data drift", "data drift meaning")
CI_CD = Term("CI/CD", "ci/cd meaning")
AB_TEST = Term("A/B test", "a/b meaning")
RAG = Term("RAG", "rag meaning", ("retrieval-augmented generation",))
EMBEDDING = Term("embedding", "embedding meaning")
BATCH = Term("batch", "batch meaning")
TRAINING = Term("training", "training meaning")
TERMS = (F1, AUC, RECALL, LATENCY, P95, DRIFT, DATA_DRIFT, CI_CD, AB_TEST, RAG, EMBEDDING, BATCH, TRAINING)


def names(text, terms=TERMS):
    return [term.name for term in find_terms(text, terms)]


def test_the_shipped_glossary_loads_once_with_a_meaning_for_every_term():
    terms = default_terms()
    assert len(terms) >= 60
    assert default_terms() is terms
    assert all(term.name and term.meaning for term in terms)


def test_shipped_meanings_are_one_short_clause_without_figures():
    """A figure in a meaning could be read as a fact about the project."""
    for term in default_terms():
        assert not term.meaning.endswith("."), term.name
        assert not re.search(r"\d", term.meaning), term.name
        assert len(term.meaning) <= 140, term.name


def test_the_shipped_glossary_knows_the_everyday_jargon():
    text = (
        "ROC AUC 0.84, p95 latency 340 ms, data drift on 3 inputs, fine-tuned with LoRA, "
        "RAG over the vector DB, GDPR and the EU AI Act, A/B test via CI/CD, 120 GPU hours"
    )
    assert names(text, default_terms()) == [
        "AUC",
        "p95 latency",
        "data drift",
        "fine-tuning",
        "LoRA",
        "RAG",
        "vector database",
        "GDPR",
        "EU AI Act",
        "A/B test",
        "CI/CD",
        "GPU hours",
    ]


def test_case_is_ignored_and_punctuation_ends_a_word():
    assert names("Recall fell, and RECALL matters.") == ["recall"]
    assert names("F1, AUC; (recall)") == ["F1", "AUC", "recall"]


@pytest.mark.parametrize(
    "text", ["F12 rollout", "CAUCUS", "recalled", "F1x", "re-training", "pre-RAG", "rag_doll", "xA/B test"]
)
def test_only_whole_words_match(text):
    assert names(text) == []


def test_aliases_count_and_name_the_term():
    assert names("ROC AUC is 0.84, F1-score 0.71") == ["AUC", "F1"]
    assert names("retrieval-augmented generation") == ["RAG"]


def test_the_longest_overlapping_mention_wins():
    assert names("p95 latency is 340 ms") == ["p95 latency"]
    assert names("data drift on 3 inputs") == ["data drift"]
    assert names("p95/p99 latency") == ["p95 latency", "latency"]


def test_a_shorter_term_still_counts_where_it_stands_alone():
    assert names("data drift, and later more drift") == ["data drift", "drift"]


def test_terms_with_slashes_digits_and_capitals():
    assert names("CI/CD runs every A/B test; p95 is 2.1 s, F1 0.7, RAG 0.8") == [
        "CI/CD",
        "A/B test",
        "p95 latency",
        "F1",
        "RAG",
    ]


def test_each_term_once_in_order_of_first_mention():
    assert names("Latency up, recall down, latency again, F1 flat, recall again") == [
        "latency",
        "recall",
        "F1",
    ]


def test_a_plural_counts():
    assert names("6.2M embeddings in 40 batches, 3 A/B tests") == ["embedding", "batch", "A/B test"]
    assert names("embeddingss") == []


def test_words_may_be_split_by_any_white_space():
    assert names("p95\n  latency") == ["p95 latency"]


def test_nothing_found_in_plain_text():
    assert find_terms("We met the sponsor on Tuesday.", TERMS) == []
    assert find_terms("", TERMS) == []


def test_a_teams_term_overrides_the_base_term_of_the_same_name_in_any_case():
    ours = Term("recall", "our recall")
    merged = merge(TERMS, [Term("Recall", "our recall")])
    assert len(merged) == len(TERMS)
    assert merged[TERMS.index(RECALL)] == Term("Recall", "our recall")
    assert find_terms("recall", merge(TERMS, [ours])) == [ours]


def test_a_teams_new_terms_are_added_after_the_base():
    lift = Term("lift", "our lift")
    assert merge(TERMS, [lift]) == (*TERMS, lift)
    assert merge((), [lift]) == (lift,)
    assert merge(TERMS, []) == TERMS


def test_a_teams_term_wins_a_tie_with_a_base_alias():
    ours = Term("ROC AUC", "our auc")
    assert find_terms("ROC AUC 0.84", merge(TERMS, [ours])) == [ours]


def test_a_glossary_file_loads_in_order(tmp_path):
    path = tmp_path / "glossary.toml"
    path.write_text(
        '[[term]]\nname = " F1 "\naliases = ["F1-score"]\nmeaning = "a score"\n\n'
        '[[term]]\nname = "AUC"\nmeaning = "another score"\n'
    )
    assert load_terms(path) == (Term("F1", "a score", ("F1-score",)), Term("AUC", "another score"))


@pytest.mark.parametrize(
    ("toml", "duplicate"),
    [
        ('[[term]]\nname = "F1"\nmeaning = "a"\n[[term]]\nname = "f1"\nmeaning = "b"\n', "f1"),
        (
            '[[term]]\nname = "AUC"\nmeaning = "a"\n[[term]]\nname = "ROC"\naliases = ["auc"]\nmeaning = "b"\n',
            "auc",
        ),
        ('[[term]]\nname = "F1"\naliases = ["F1 score", "f1  SCORE"]\nmeaning = "a"\n', "f1  SCORE"),
    ],
)
def test_a_name_or_alias_given_twice_is_refused(tmp_path, toml, duplicate):
    path = tmp_path / "glossary.toml"
    path.write_text(toml)
    with pytest.raises(ValueError, match=f"“{duplicate}” is in the glossary twice"):
        load_terms(path)


@pytest.mark.parametrize(
    "toml",
    [
        '[[term]]\nname = "F1"\n',
        '[[term]]\nname = "F1"\nmeaning = "  "\n',
        '[[term]]\nmeaning = "a score"\n',
        '[[term]]\nname = ""\nmeaning = "a score"\n',
        '[[term]]\nname = "F1"\nmeaning = "a score"\naliases = "F1-score"\n',
        '[[term]]\nname = "F1"\nmeaning = "a score"\naliases = [""]\n',
        '[[term]]\nname = "F1"\nmeaning = "a score"\nalias = ["F1-score"]\n',
        'term = "F1"\n',
    ],
)
def test_a_term_without_a_name_or_meaning_or_with_bad_fields_is_refused(tmp_path, toml):
    path = tmp_path / "glossary.toml"
    path.write_text(toml)
    with pytest.raises(ValueError, match=r"glossary\.toml"):
        load_terms(path)
