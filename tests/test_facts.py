import pytest

from handlers.facts import Fact, facts_in, unsupported

SOURCE = (
    "Retrained on Q3 data; F1 dropped from 0.78 to 0.71, p95 latency 340 ms on 12,400 requests. "
    "Budget €40k, 12% over plan. Go-live 2026-12-01, review on 3 Dec. Owner is Maria Lopez, "
    "ask <@U024BE7LH|bob> or @alice. Relabelling takes 3-4 weeks."
)


def keys(text: str) -> list[tuple[str, str]]:
    return [(fact.kind, fact.key) for fact in facts_in(text)]


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("0.71", "0.71"),
        ("0.710", "0.71"),
        (".71", "0.71"),
        ("12,400", "12400"),
        ("12400", "12400"),
        ("12 400", "12400"),
        ("12\u00a0400", "12400"),
        ("2k", "2000"),
        ("2K", "2000"),
        ("2,000", "2000"),
        ("2000", "2000"),
        ("2.0", "2"),
        ("1.2M", "1200000"),
        ("1,200,000", "1200000"),
        ("1.2 million", "1200000"),
        ("1.2m", "1200000"),
        ("3bn", "3000000000"),
        ("7B", "7000000000"),
        ("1,234.50", "1234.5"),
        ("-5", "-5"),
        ("\u22125", "-5"),
        ("+5", "5"),
        ("(-3)", "-3"),
        ("0", "0"),
        ("-0.0", "0"),
        ("007", "7"),
    ],
)
def test_numbers_written_differently_have_one_key(written, key):
    assert keys(written) == [("number", key)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("340 ms", [("number", "340")]),
        ("340ms", [("number", "340")]),
        ("5m", [("number", "5")]),  # minutes, perhaps: a lowercase m is million only after money or a decimal
        ("2kg", [("number", "2")]),
        ("3rd sprint", [("number", "3")]),
        ("3x faster", [("number", "3")]),
        ("3-4 weeks", [("number", "3"), ("number", "4")]),
        ("3–4 weeks", [("number", "3"), ("number", "4")]),
        ("3 to 4 weeks", [("number", "3"), ("number", "4")]),
        ("1,2,3", [("number", "1"), ("number", "2"), ("number", "3")]),
        ("30-40k rows", [("number", "30000"), ("number", "40000")]),
        ("500-1k rows", [("number", "500"), ("number", "1000")]),
        ("24/7", [("number", "24"), ("number", "7")]),
        ("PR #123", [("number", "123")]),
        ("ended at 12.", [("number", "12")]),
        ("x -4", [("number", "-4")]),
    ],
)
def test_numbers_with_units_ranges_and_punctuation(text, expected):
    assert keys(text) == expected


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("12%", "12%"),
        ("12 %", "12%"),
        ("12\u00a0%", "12%"),
        ("12 percent", "12%"),
        ("12 per cent", "12%"),
        ("12.0%", "12%"),
        ("+12%", "12%"),
        ("-12%", "-12%"),
        ("\u221212%", "-12%"),
        ("3 pp", "3pp"),
        ("3 percentage points", "3pp"),
    ],
)
def test_percentages_have_one_key(written, key):
    assert keys(written) == [("percent", key)]


def test_a_percentage_range_makes_both_ends_percentages():
    assert keys("10–12%") == [("percent", "10%"), ("percent", "12%")]


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("€40k", "EUR 40000"),
        ("40k €", "EUR 40000"),
        ("40k€", "EUR 40000"),
        ("EUR 40,000", "EUR 40000"),
        ("EUR40k", "EUR 40000"),
        ("40,000 EUR", "EUR 40000"),
        ("40 000 euros", "EUR 40000"),
        ("$40k", "USD 40000"),
        ("USD 40000", "USD 40000"),
        ("US$40k", "USD 40000"),
        ("40k dollars", "USD 40000"),
        ("£1.5m", "GBP 1500000"),
        ("$5m", "USD 5000000"),
        ("CHF 2.5M", "CHF 2500000"),
        ("-€5k", "EUR -5000"),
        ("€-5k", "EUR -5000"),
    ],
)
def test_money_keeps_its_currency(written, key):
    assert keys(written) == [("money", key)]


def test_a_money_range_shares_currency_and_multiplier():
    assert keys("€30–40k") == [("money", "EUR 30000"), ("money", "EUR 40000")]


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("2026-12-01", "2026-12-01"),
        ("2026-12-1", "2026-12-01"),
        ("2026/12/01", "2026-12-01"),
        ("1 Dec 2026", "2026-12-01"),
        ("1 dec 2026", "2026-12-01"),
        ("1st December 2026", "2026-12-01"),
        ("1 December, 2026", "2026-12-01"),
        ("Dec 1, 2026", "2026-12-01"),
        ("December 1st 2026", "2026-12-01"),
        ("Dec. 1, 2026", "2026-12-01"),
        ("the 1st of December 2026", "2026-12-01"),
        ("3 Dec", "--12-03"),
        ("Dec 3", "--12-03"),
        ("3rd of December", "--12-03"),
        ("29 Feb", "--02-29"),
        ("Sept 30", "--09-30"),
        ("December 2026", "2026-12"),
        ("Dec 2026", "2026-12"),
        ("01/12/2026", "01/12/2026"),
        ("1/12/26", "01/12/2026"),
        ("1.12.2026", "01.12.2026"),
    ],
)
def test_dates_have_one_key(written, key):
    assert keys(written) == [("date", key)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-30", [("date", "2026-02-30")]),  # no such day: compared as written
        ("31 Feb", [("number", "31")]),
        ("the 3 may slip", [("number", "3")]),
        ("we may 2x it", [("number", "2")]),
        ("Released 3.11.12", [("number", "3.11.12")]),
    ],
)
def test_what_is_not_a_date(text, expected):
    assert keys(text) == expected


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Q3", "q3"),
        ("q3", "q3"),
        ("p95", "p95"),
        ("P95", "p95"),
        ("F1", "f1"),
        ("v2", "v2"),
        ("v2.1", "v2.1"),
        ("GPT-4", "gpt-4"),
        ("GPT-4o", "gpt-4o"),
        ("Llama-3.1-70B", "llama-3.1-70b"),
        ("H100", "h100"),
        ("1.2.3", "1.2.3"),
        ("v1.2.3", "v1.2.3"),
    ],
)
def test_names_of_things_are_kept_whole(written, key):
    assert keys(written) == [("number", key)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("F1-score of 0.71", [("number", "f1"), ("number", "0.71")]),
        ("Q3-Q4", [("number", "q3"), ("number", "q4")]),
        ("GPT-4o-mini", [("number", "gpt-4o")]),
        ("Q3 2026", [("number", "q3"), ("number", "2026")]),
    ],
)
def test_names_of_things_next_to_other_words(text, expected):
    assert keys(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "three weeks, twenty people",
        "no numbers here",
        "see https://jira.example.com/browse/ML-1234?id=99",
        "mail bob.2026@example.com",
        "in <#C024BE7LH|general> and <!subteam^S0123|@team>",
        "",
    ],
)
def test_words_links_addresses_and_channels_are_not_facts(text):
    assert facts_in(text) == []


def test_ordinal_list_markers_at_the_start_of_a_line_are_not_facts():
    text = "1. Retrain on 2 sources\n2) Ship\n  3. Check 1.5 days\n10. Done"
    assert keys(text) == [("number", "2"), ("number", "1.5")]


def test_a_number_that_starts_a_line_but_is_not_a_marker_is_a_fact():
    assert keys("12 tickets\n1.5 days\n3.") == [("number", "12"), ("number", "1.5"), ("number", "3")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ask <@U024BE7LH>", [("person", "<@u024be7lh>")]),
        ("ask <@U024BE7LH|bob>", [("person", "<@u024be7lh>")]),
        ("ask @alice", [("person", "@alice")]),
        ("ask @Alice.Smith now", [("person", "@alice.smith")]),
        ("approved by Maria Lopez today", [("person", "maria lopez")]),
        ("approved by José Álvarez", [("person", "josé álvarez")]),
        ("approved by Jean-Luc O'Neil", [("person", "jean-luc o'neil")]),
        ("approved by our Sponsor Maria Lopez", [("person", "maria lopez")]),
        ("approved by **Maria Lopez**", [("person", "maria lopez")]),
    ],
)
def test_people_are_mentions_handles_and_names_in_a_sentence(text, expected):
    assert keys(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Maria Lopez approved it",  # the start of a sentence is capitalised by grammar
        "Done. Maria Lopez approved it",
        "- Maria Lopez approved it",
        "2. Maria Lopez approved it",
        "Owner: Maria Lopez",
        "Status – Budget Overrun",
        "🟠 Launch Ready",
        "**Launch Ready** today",
        "we told The Team",
        "see the Business Impact and Next Steps",
        "it ships on Monday December",
        "approved by Maria",  # a lone first name is not checked
        "approved by Mary Ann Smith",  # more than two words: not checked
        "ask @channel, @here or @everyone",
        "mail alice@example.com",
        "the NASA API",
    ],
)
def test_what_is_not_taken_for_a_person(text):
    assert [fact for fact in facts_in(text) if fact.kind == "person"] == []


def test_facts_come_in_the_order_written_with_their_text():
    assert facts_in("On 1 Dec 2026 Maria Lopez spent €40k (12 %) on Q3, 3-4 weeks") == [
        Fact("date", "1 Dec 2026", "2026-12-01"),
        Fact("person", "Maria Lopez", "maria lopez"),
        Fact("money", "€40k", "EUR 40000"),
        Fact("percent", "12 %", "12%"),
        Fact("number", "Q3", "q3"),
        Fact("number", "3", "3"),
        Fact("number", "4", "4"),
    ]


@pytest.mark.parametrize(
    "summary",
    [
        "The model's F1 fell from 0.78 to .710 after retraining on Q3 data; p95 latency is 340 ms.",
        "12 400 requests, a budget of 40k € that is 12 percent over plan.",
        "Go-live on 1 December 2026 (Dec 1, 2026), review on 3 December.",
        "Go-live in December 2026; in 2026 the team reviews it on Dec 3.",
        "Relabelling takes 3 to 4 weeks; ask Maria Lopez, <@U024BE7LH> or @alice.",
        "Relabelling takes 3–4 weeks, says our sponsor Maria.",
        "Fewer churners will be caught until the data is fixed.",
        "",
    ],
)
def test_a_summary_that_keeps_the_facts_passes(summary):
    assert unsupported(summary, SOURCE) == []


@pytest.mark.parametrize(
    ("summary", "invented"),
    [
        ("F1 fell from 0.78 to 0.72.", Fact("number", "0.72", "0.72")),
        ("Costs are 15% over plan.", Fact("percent", "15%", "15%")),
        ("Costs are 12 over plan.", Fact("number", "12", "12")),
        ("Go-live on 2 Dec 2026.", Fact("date", "2 Dec 2026", "2026-12-02")),
        ("Go-live on 2026-12-01, review on 4 Dec.", Fact("date", "4 Dec", "--12-04")),
        ("Go-live in January 2027.", Fact("date", "January 2027", "2027-01")),
        ("The budget is $40k.", Fact("money", "$40k", "USD 40000")),
        ("The budget is €45k.", Fact("money", "€45k", "EUR 45000")),
        ("The budget is 40k.", Fact("number", "40k", "40000")),
        ("Approved by Tom Baker.", Fact("person", "Tom Baker", "tom baker")),
        ("Ask @carol.", Fact("person", "@carol", "@carol")),
        ("Ask <@U999>.", Fact("person", "<@U999>", "<@u999>")),
        ("Retrained on Q4 data.", Fact("number", "Q4", "q4")),
        ("It now runs on GPT-4.", Fact("number", "GPT-4", "gpt-4")),
        ("It takes 3-5 weeks.", Fact("number", "5", "5")),
        ("Latency fell by \u22125 ms.", Fact("number", "\u22125", "-5")),
        ("In 2027.", Fact("number", "2027", "2027")),
    ],
)
def test_a_summary_that_changes_or_invents_a_fact_fails(summary, invented):
    assert unsupported(summary, SOURCE) == [invented]


def test_each_missing_fact_is_named_once_in_the_order_written():
    summary = "F1 is 0.72, then 0.72 again, 15% and 0.71 and 15 %; Q4 by Tom Baker."
    assert [fact.text for fact in unsupported(summary, SOURCE)] == ["0.72", "15%", "Q4", "Tom Baker"]


@pytest.mark.parametrize(
    ("summary", "source", "supported"),
    [
        ("a 12% rise", "a 12 rise", False),
        ("a 12 rise", "a 12% rise", False),
        ("0.71", "71%", False),
        ("3 Dec", "2026-12-03", True),
        ("3 Dec", "2027-12-03", True),
        ("3 Dec", "2026-12-04", False),
        ("3 Dec 2026", "3 Dec", False),  # the summary may not add a year the source did not give
        ("Dec 2026", "1 Dec 2026", True),
        ("Dec 2026", "1 Nov 2026", False),
        ("in 2026", "due 2026-12-01", True),
        ("01/12/2026", "1/12/26", True),
        ("01/12/2026", "2026-12-01", False),  # day and month may be either way round
        ("€40k", "EUR 40,000", True),
        ("€40k", "GBP 40,000", False),
        ("v2", "v2", True),
        ("v2", "v3", False),
        ("v2", "2", False),
        ("p95", "P95", True),
    ],
)
def test_what_supports_what(summary, source, supported):
    assert (unsupported(summary, source) == []) is supported


@pytest.mark.parametrize(
    ("summary", "source", "supported"),
    [
        ("owned by Maria Lopez", "Maria will own it", True),  # first name on its own in the source
        ("owned by Maria Lopez", "Owner: maria lopez", True),
        ("owned by Maria Lopez", "Maria Lopez owns it", True),
        ("owned by Maria Lopez", "owned by @maria", True),
        ("owned by Maria Lopez", "owned by @maria.lopez", True),
        ("owned by Maria Lopez", "owned by <@U1|maria>", True),
        ("owned by Maria Lopez", "owned by Maria Garcia", False),
        ("owned by Maria Lopez", "owned by maria", False),  # a lowercase word is not a name
        ("owned by Maria Lopez", "owned by Mariana", False),
        ("owned by Maria Lopez", "mail maria@example.com", False),
        ("owned by Will Turner", "we will ship", False),
        ("ask @alice", "ask Alice", True),
        ("ask @alice", "Alice Smith owns it", True),
        ("ask @alice", "ask <@U1|alice>", True),
        ("ask @alice", "ask @alice2", False),
        ("ask @alice", "alice reported it", True),  # a user name may be written in lower case
        ("ask @alice", "mail alice@example.com", False),
        ("ask <@U1>", "ask <@U1|alice>", True),
        ("ask <@U1>", "ask @alice", False),
        ("about the Atlas Review", "the atlas review is done", True),
    ],
)
def test_when_a_person_is_supported(summary, source, supported):
    assert (unsupported(summary, source) == []) is supported


@pytest.mark.parametrize(
    "text",
    [
        SOURCE,
        "Headline: F1 at 0.71 (−0.07) on 1.2M rows; €30–40k, 10–12% by Dec 1, 2026.\n1. Ask @maria.lopez",
        "Q3-Q4 plan: GPT-4o at p95 < 340ms, 12 400 users, $5m, 3 pp, 01/12/2026, v1.2.3",
    ],
)
def test_every_text_supports_itself(text):
    assert unsupported(text, text) == []
