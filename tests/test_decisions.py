from storage.models import AuditEvent, Decision

USAGE = 'Usage: decision "<title>" because "<rationale>" [alternatives "<text>"] [link <url>]'
SUPERSEDE_USAGE = 'Usage: decision supersede D-n "<title>" because "<rationale>" [alternatives "<text>"]'


def test_decision_replies_with_its_number_rationale_and_alternatives(churn, count):
    out = churn(
        'decision "Use XGBoost" because "cheaper to run" alternatives "deep net, logistic regression"'
    )
    assert out.splitlines() == [
        "✓ Recorded D-1: Use XGBoost",
        "  Because: cheaper to run",
        "  Alternatives considered: deep net, logistic regression",
        "  Decided by: @alice",
    ]
    assert count(Decision) == 1
    assert count(AuditEvent, action="decision.add") == 1


def test_alternatives_are_optional_and_numbers_count_up(churn):
    churn('decision "Use XGBoost" because "cheaper"')
    out = churn('decision "Weekly retrain" because "drift is slow"')
    assert out.splitlines()[0] == "✓ Recorded D-2: Weekly retrain"
    assert "Alternatives considered" not in out


def test_typographic_quotes_work_end_to_end(churn):
    out = churn("decision “Use XGBoost” because “cheaper”")
    assert out.splitlines()[:2] == ["✓ Recorded D-1: Use XGBoost", "  Because: cheaper"]


def test_supersede_records_a_new_decision_and_marks_the_old_one(churn, count):
    churn('decision "Use XGBoost" because "cheaper"')
    out = churn('decision supersede D-1 "Use LightGBM" because "trains faster"')
    assert out.splitlines()[:2] == [
        "✓ Recorded D-2: Use LightGBM (supersedes D-1)",
        "  Because: trains faster",
    ]
    assert count(Decision) == 2
    assert count(Decision, status="superseded") == 1
    assert count(AuditEvent, action="decision.supersede") == 1


def test_decisions_lists_newest_first_with_what_superseded_what(churn):
    churn('decision "Use XGBoost" because "cheaper"')
    churn('decision "Weekly retrain" because "drift is slow"')
    churn('decision supersede d1 "Use LightGBM" because "trains faster"')
    assert churn("decisions").splitlines() == [
        "Decisions of churn, newest first",
        "  • D-3 · Use LightGBM · @alice · Wed 18 Nov 2026",
        "  • D-2 · Weekly retrain · @alice · Wed 18 Nov 2026",
        "  • D-1 · Use XGBoost · @alice · Wed 18 Nov 2026 · superseded by D-3",
    ]


def test_a_replacement_can_itself_be_superseded(churn):
    churn('decision "Use XGBoost" because "cheaper"')
    churn('decision supersede D-1 "Use LightGBM" because "faster"')
    churn('decision supersede D-2 "Use CatBoost" because "handles categories"')
    lines = churn("decisions").splitlines()
    assert lines[2].endswith("· superseded by D-3")
    assert lines[3].endswith("· superseded by D-2")


def test_no_decisions_says_how_to_record_one(churn):
    out = churn("decisions")
    assert out == 'churn has no decisions yet. Record one: `decision "<title>" because "<rationale>"`'


def test_a_decision_without_because_is_refused(churn, count):
    out = churn('decision "Use XGBoost"')
    assert out.splitlines() == ["✗ <because> is missing.", f"  {USAGE}"]
    assert count(Decision) == 0


def test_because_without_a_rationale_is_refused(churn, count):
    assert churn('decision "Use XGBoost" because').startswith("✗ `because` needs a value after it.")
    assert count(Decision) == 0


def test_bad_decision_inputs_each_get_their_own_message_and_usage(churn, count):
    for typed, message in [
        ('decision because "cheaper"', "✗ <title> is missing."),
        (
            'decision "Use XGBoost" because "cheaper" really',
            "✗ I did not expect “really” there; put text with spaces in quotes.",
        ),
        ('decision "Use XGBoost" because "a" because "b"', "✗ `because` is given twice."),
        ('decision "Use XGBoost" because ""', "✗ <because> is empty."),
    ]:
        out = churn(typed)
        assert out.splitlines()[0] == message, typed
        assert USAGE in out, typed
    assert count(Decision) == 0


def test_superseding_an_unknown_decision_is_refused(churn, count):
    churn('decision "Use XGBoost" because "cheaper"')
    out = churn('decision supersede D-9 "Use LightGBM" because "faster"')
    assert out.splitlines() == [
        "✗ churn has no decision D-9. `decisions` lists them.",
        f"  {SUPERSEDE_USAGE}",
    ]
    assert count(Decision) == 1
    assert count(Decision, status="superseded") == 0


def test_superseding_a_superseded_decision_is_refused(churn, count):
    churn('decision "Use XGBoost" because "cheaper"')
    churn('decision supersede D-1 "Use LightGBM" because "faster"')
    out = churn('decision supersede D-1 "Use CatBoost" because "categories"')
    assert out.splitlines()[0] == "✗ D-1 is already superseded; supersede the decision that replaced it."
    assert SUPERSEDE_USAGE in out
    assert count(Decision) == 2


def test_bad_supersede_inputs_each_get_their_own_message(churn, count):
    churn('decision "Use XGBoost" because "cheaper"')
    for typed, message in [
        ("decision supersede", "✗ <D-n> is missing."),
        ('decision supersede D-1 "Use LightGBM"', "✗ <because> is missing."),
        (
            'decision supersede R-1 "Use LightGBM" because "faster"',
            "✗ “R-1” is not a number like D-3.",
        ),
    ]:
        out = churn(typed)
        assert out.splitlines()[0] == message, typed
        assert SUPERSEDE_USAGE in out, typed
    assert count(Decision) == 1
    assert count(Decision, status="superseded") == 0


def test_project_flag_inside_quoted_text_is_kept_as_text(churn):
    out = churn('decision "Always pass --project churn in scripts" because "explicit"')
    assert out.splitlines()[0] == "✓ Recorded D-1: Always pass --project churn in scripts"


def test_an_unclosed_quote_is_refused_and_nothing_written(churn, count):
    out = churn('decision "Use XGBoost because "cheaper"')
    assert out.startswith(
        '✗ The quote after “XGBoost because "cheaper” is never closed; close it or remove it.'
    )
    assert count(Decision) == 0


def test_a_decision_can_name_its_project_from_another_channel(churn):
    elsewhere = churn.as_(channel="C-general")
    assert elsewhere('churn: decision "Use XGBoost" because "cheaper"').startswith("✓ Recorded D-1")
    assert "D-1 · Use XGBoost" in churn("decisions")


def test_a_superseding_decision_records_its_alternatives(churn):
    churn('decision "Use XGBoost" because "cheaper"')
    out = churn('decision supersede D-1 "Use LightGBM" because "faster training" alternatives "CatBoost"')
    assert "Alternatives considered: CatBoost" in out


def test_a_title_typed_without_quotes_is_read_up_to_because(churn):
    out = churn('decision Use XGBoost for the POC because "cheaper to serve"')
    assert out.splitlines()[0] == "✓ Recorded D-1: Use XGBoost for the POC"


def test_a_decision_keeps_the_link_to_where_it_was_made(churn, database):
    out = churn(
        'decision "Use XGBoost" because "cheaper" link https://acme.slack.com/archives/C1/p1790000000000100'
    )
    assert "  Source: https://acme.slack.com/archives/C1/p1790000000000100" in out.splitlines()
    with database.session(write=False) as db:
        assert db.get(Decision, 1).source_link == "https://acme.slack.com/archives/C1/p1790000000000100"


def test_a_link_as_slack_sends_it_is_read_and_anything_else_is_refused(churn, count):
    out = churn(
        'decision "Use XGBoost" because "cheaper" link <https://wiki.example/adr-7|wiki.example/adr-7>'
    )
    assert "  Source: https://wiki.example/adr-7" in out.splitlines()
    out = churn('decision "Use LightGBM" because "faster" link wiki/adr-8')
    assert (
        out.splitlines()[0] == "✗ “wiki/adr-8” is not a link. Give a web address that starts with https://."
    )
    assert count(Decision) == 1
