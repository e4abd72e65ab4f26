from zoneinfo import ZoneInfo

import pytest

from handlers.command import Command, Context
from handlers.errors import CommandError
from handlers.tokens import tokenize
from storage.models import AuditEvent, Risk


def test_risk_add_replies_with_its_number_and_score(churn, count):
    out = churn(
        'risk add "Label noise in Q3 data" p=4 i=3 owner @bob category data mitigation "Relabel 2k samples" review friday'
    )
    assert out.splitlines()[0] == "✓ Recorded R-1: Label noise in Q3 data — score 12 (p4×i3)"
    assert "Owner: @bob" in out
    assert "Category: data" in out
    assert "Mitigation: Relabel 2k samples" in out
    assert "Review by: Fri 20 Nov 2026" in out
    assert count(Risk) == 1


def test_options_may_be_written_with_a_space_and_in_any_order(churn):
    out = churn('risk add "Vendor lock-in" category vendor i 5 p 2')
    assert "score 10 (p2×i5)" in out


def test_probability_and_impact_default_to_three(churn):
    assert "score 9 (p3×i3)" in churn('risk add "GPU quota"')


def test_numbers_count_up_per_project(churn):
    churn('risk add "A"')
    churn('risk add "B"')
    assert churn('risk add "C"').startswith("✓ Recorded R-3")
    other = churn.as_(channel="C-fraud")
    other('project new fraud "Fraud scoring"')
    assert other('risk add "D"').startswith("✓ Recorded R-1")


def test_risks_lists_open_ones_highest_score_first(churn):
    churn('risk add "Low" p=1 i=2')
    churn('risk add "High" p=5 i=4')
    churn('risk add "Middle" p=3 i=3')
    churn('risk add "Gone" p=5 i=5')
    churn('risk close R-4 "vendor replaced"')
    lines = churn("risks").splitlines()
    assert lines[0] == "Open risks of churn, highest score first"
    assert [line.split(" · ")[0].strip(" •") for line in lines[1:]] == ["R-2", "R-3", "R-1"]


def test_no_open_risks_says_how_to_add_one(churn):
    assert "has no open risks" in churn("risks")


def test_risk_update_changes_fields_and_shows_the_old_score(churn, count):
    churn('risk add "Drift" p=2 i=3')
    out = churn('risk update R-1 p=4 owner @carol mitigation "Weekly drift report" status mitigating')
    assert out.splitlines()[0] == "✓ Updated R-1: Drift — score 12 (was 6)"
    assert "Owner: @carol" in out
    assert "Status: mitigating" in out
    assert count(AuditEvent, action="risk.update") == 1


def test_risk_close_records_why_and_refuses_twice(churn):
    churn('risk add "Drift"')
    assert churn('risk close r-1 "model retired"') == "✓ Closed R-1: Drift — model retired"
    out = churn("risk close R-1")
    assert out.startswith("✗ R-1 is already closed.")
    assert "Usage: risk close R-n" in out


def test_out_of_range_probability_is_refused_with_usage_and_nothing_written(churn, count):
    out = churn('risk add "Drift" p=7 i=3')
    assert out.splitlines()[0] == "✗ Probability (p) must be a whole number from 1 to 5; you gave “7”."
    assert 'Usage: risk add "<title>" [p=1..5]' in out
    assert count(Risk) == 0
    assert count(AuditEvent, action="risk.add") == 0


def test_bad_risk_inputs_each_get_their_own_message(churn):
    churn('risk add "Drift"')
    assert churn("risk add").startswith("✗ <title> is missing.")
    assert churn('risk add "X" category weather').startswith(
        "✗ “weather” is not a risk category. Use one of: data, model,"
    )
    assert churn('risk add "X" review yesterday').startswith("✗ Tue 17 Nov 2026 is in the past")
    assert churn("risk update R-9 p=2").startswith("✗ churn has no risk R-9. `risks` lists the open ones.")
    assert churn("risk update R-1").startswith("✗ Say what to change on R-1.")
    assert churn("risk update X-1 p=2").startswith("✗ “X-1” is not a number like R-3.")
    assert churn('risk add "X" p=2 p=3').startswith("✗ `p` is given twice.")
    assert churn('risk add "X" owner bob').startswith("✗ “bob” is not a person. Mention them, like @alice.")
    assert churn("risk update R-1 status maybe").startswith("✗ “maybe” is not a risk status.")


def test_slack_mentions_are_read_as_user_ids(churn):
    assert "Owner: @U024BE7LH" in churn('risk add "Drift" owner <@U024BE7LH|bob>')


def test_a_title_typed_without_quotes_takes_the_words_up_to_the_options(churn):
    out = churn("risk add Label noise in Q3 data p=4 i=3 category data")
    assert out.splitlines()[0] == "✓ Recorded R-1: Label noise in Q3 data — score 12 (p4×i3)"
    assert (
        churn("risk close R-1 relabelled by the vendor")
        == "✓ Closed R-1: Label noise in Q3 data — relabelled by the vendor"
    )


def test_a_quoted_title_is_exact_so_a_mistyped_option_is_reported(churn, count):
    out = churn('risk add "Label noise" p=4 impct=3')
    assert out.startswith("✗ I did not expect “impct=3” there")
    assert count(Risk) == 0


def test_risk_update_changes_category_review_date_and_title(churn, count):
    churn('risk add "Drift"')
    out = churn('risk update R-1 category model review next monday title "Feature drift in Q4"')
    assert out.splitlines()[0] == "✓ Updated R-1: Feature drift in Q4 — score 9"
    assert "Category: model" in out
    assert "Review by: Mon 23 Nov 2026" in out
    assert count(AuditEvent, action="risk.update") == 1


def test_an_overlong_title_is_refused_before_the_database_sees_it(churn, count):
    out = churn(f'risk add "{"x" * 501}"')
    assert out.splitlines()[0] == "✗ That text is 501 characters long; keep it to 500."
    assert count(Risk) == 0


def test_a_bad_value_names_the_argument_it_belongs_to(churn, service, clock):
    """Forms (Slack modals, Teams cards) show the message beside that field."""
    text = 'risk add "Drift" p=9'
    verb, rest = service.registry.match(tokenize(text))
    with service.database.session(write=False) as db:
        ctx = Context(Command("T1", "alice", "C-churn", text, "r-1"), db, clock(), ZoneInfo("UTC"), None)
        with pytest.raises(CommandError) as refused:
            verb.bind(rest, text, ctx)
    assert refused.value.param == "p"
