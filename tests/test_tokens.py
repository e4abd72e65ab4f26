import pytest

from handlers.errors import CommandError
from handlers.tokens import split_project, tokenize


def texts(command: str) -> list[tuple[str, bool]]:
    return [(token.text, token.quoted) for token in tokenize(command)]


def test_bare_words_split_on_whitespace():
    assert texts("  risk   add\tR-1 ") == [("risk", False), ("add", False), ("R-1", False)]


def test_straight_quotes_make_one_token():
    assert texts('risk add "Label noise" p=4') == [
        ("risk", False),
        ("add", False),
        ("Label noise", True),
        ("p=4", False),
    ]


def test_typographic_quotes_as_slack_and_phones_send_them():
    assert texts("decision “Use XGBoost” because “it’s cheaper”") == [
        ("decision", False),
        ("Use XGBoost", True),
        ("because", False),
        ("it’s cheaper", True),
    ]


def test_german_low_high_quotes():
    assert texts("decision „Nutze XGBoost“ because „billiger“") == [
        ("decision", False),
        ("Nutze XGBoost", True),
        ("because", False),
        ("billiger", True),
    ]


def test_a_typographic_quote_may_be_closed_with_a_straight_one():
    assert texts('decision “Use XGBoost" because "cheaper”') == [
        ("decision", False),
        ("Use XGBoost", True),
        ("because", False),
        ("cheaper", True),
    ]


def test_quoted_text_is_trimmed_and_a_word_knows_it_was_quoted():
    tokens = tokenize('add "  Drift  " Drift')
    assert [t.text for t in tokens] == ["add", "Drift", "Drift"]
    assert tokens[1].word() is None
    assert tokens[2].word() == "drift"


def test_token_offsets_include_the_quotes():
    token = tokenize('add "Drift" now')[1]
    assert (token.start, token.end) == (4, 11)


def test_a_quote_glued_to_a_word_starts_a_new_token():
    assert texts('owner"IT team"') == [("owner", False), ("IT team", True)]


@pytest.mark.parametrize("command", ['risk add "Label noise p=4', "decision “Use XGBoost because x"])
def test_an_unclosed_quote_is_an_error(command):
    with pytest.raises(CommandError) as refused:
        tokenize(command)
    assert refused.value.message.startswith("The quote after “")
    assert refused.value.message.endswith("” is never closed; close it or remove it.")


def test_a_command_without_a_project_is_left_alone():
    assert split_project('risk add "X"') == (None, 'risk add "X"')


def test_a_project_prefix_names_the_project():
    assert split_project("churn: risks") == ("churn", " risks")
    assert split_project("  Churn: risks") == ("churn", " risks")


def test_a_colon_needs_a_space_after_it_to_be_a_prefix():
    assert split_project("churn:risks") == (None, "churn:risks")


@pytest.mark.parametrize(
    ("command", "rest"),
    [
        ("risks --project churn", "risks"),
        ("--project churn risks", " risks"),
        ('risk add "X" --project Churn p=2', 'risk add "X" p=2'),
        ("risks --project=churn", "risks"),
    ],
)
def test_the_project_flag_may_come_anywhere(command, rest):
    assert split_project(command) == ("churn", rest)


def test_the_project_flag_inside_quotes_is_text():
    command = 'decision "Pass --project churn in scripts" because "explicit"'
    assert split_project(command) == (None, command)


def test_the_project_flag_after_quoted_text_still_counts():
    command = 'status on-track "mention --project fraud here" --project churn'
    assert split_project(command) == ("churn", 'status on-track "mention --project fraud here"')


@pytest.mark.parametrize("command", ["risks --project", "risks --project   "])
def test_the_project_flag_without_a_key_is_an_error(command):
    with pytest.raises(CommandError) as refused:
        split_project(command)
    assert refused.value.message == "`--project` needs a project key after it, for example `--project churn`."
