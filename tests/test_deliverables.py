import pytest

from storage.models import AuditEvent, Deliverable

USAGE = 'Usage: deliverable add "<title>" owner <@user|"party"> due <date>'


def test_deliverable_add_replies_with_its_number_owner_and_due_date(churn, count):
    out = churn('deliverable add "Labelled Q3 data" owner @bob due friday')
    assert out.splitlines() == [
        "✓ Recorded A-1: Labelled Q3 data",
        "  Owner: @bob",
        "  Due: Fri 20 Nov 2026",
    ]
    assert count(Deliverable) == 1
    assert count(AuditEvent, action="deliverable.add") == 1


# The test clock's today is Wednesday 18 Nov 2026.
@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("today", "Wed 18 Nov 2026"),
        ("friday", "Fri 20 Nov 2026"),
        ("wednesday", "Wed 18 Nov 2026"),
        ("next monday", "Mon 23 Nov 2026"),
        ("in 3 days", "Sat 21 Nov 2026"),
        ("in 2 weeks", "Wed 02 Dec 2026"),
        ("end of month", "Mon 30 Nov 2026"),
        ("2026-12-15", "Tue 15 Dec 2026"),
        ("1 dec", "Tue 01 Dec 2026"),
        ("1 december 2027", "Wed 01 Dec 2027"),
    ],
)
def test_due_dates_can_be_written_as_people_say_them(churn, typed, due):
    assert f"  Due: {due}" in churn(f'deliverable add "Model card" owner @alice due {typed}').splitlines()


def test_options_may_come_in_any_order(churn):
    out = churn('deliverable add "Model card" due next monday owner=@carol')
    assert "  Owner: @carol" in out.splitlines()
    assert "  Due: Mon 23 Nov 2026" in out.splitlines()


def test_an_outside_party_in_quotes_can_own_a_deliverable(churn):
    out = churn('deliverable add "Customer extract" owner "IT data team" due friday')
    assert out.splitlines()[1] == "  Owner: “IT data team”"


def test_a_bare_word_owner_is_refused_as_a_forgotten_mention(churn, count):
    out = churn('deliverable add "Customer extract" owner bob due friday')
    assert out.splitlines()[0].startswith("✗ “bob” is not a person. Mention them, like @alice,")
    assert USAGE in out
    assert count(Deliverable) == 0


def test_a_due_date_in_the_past_is_refused(churn, count):
    out = churn('deliverable add "Model card" owner @bob due 2026-11-01')
    assert out.splitlines() == ["✗ Sun 01 Nov 2026 is in the past; give today or a later date.", f"  {USAGE}"]
    assert count(Deliverable) == 0


def test_missing_owner_or_due_date_is_refused(churn, count):
    for typed, message in [
        ('deliverable add "Model card" due friday', "✗ <owner> is missing."),
        ('deliverable add "Model card" owner @bob', "✗ <due> is missing."),
        ('deliverable add "Model card" owner @bob due', "✗ `due` needs a value after it."),
        ("deliverable add owner @bob due friday", "✗ <title> is missing."),
    ]:
        out = churn(typed)
        assert out.splitlines() == [message, f"  {USAGE}"], typed
    assert count(Deliverable) == 0


def test_an_unreadable_due_date_lists_the_forms_that_work(churn, count):
    out = churn('deliverable add "Model card" owner @bob due someday')
    assert out.splitlines()[0].startswith("✗ “someday” is not a date I can read. Use 2026-12-01, today,")
    assert USAGE in out
    assert count(Deliverable) == 0


def test_done_on_or_before_the_due_date_is_on_time(churn, clock, count):
    churn('deliverable add "Model card" owner @bob due friday')
    clock.advance(days=2)
    assert churn("deliverable done A-1") == "✓ Done: A-1 Model card, on time"
    assert count(Deliverable, status="done") == 1


def test_done_after_the_due_date_says_how_late(churn, clock):
    churn('deliverable add "Model card" owner @bob due friday')
    churn('deliverable add "Data extract" owner @bob due friday')
    clock.advance(days=3)
    assert churn("deliverable done A-1") == "✓ Done: A-1 Model card, 1 day late"
    clock.advance(days=2)
    assert churn("deliverable done a2") == "✓ Done: A-2 Data extract, 3 days late"


def test_done_twice_is_refused(churn, count):
    churn('deliverable add "Model card" owner @bob due friday')
    churn("deliverable done A-1")
    out = churn("deliverable done A-1")
    assert out.splitlines() == ["✗ A-1 is already done.", "  Usage: deliverable done A-n"]
    assert count(AuditEvent, action="deliverable.done") == 1


def test_unknown_deliverables_are_refused(churn, count):
    churn('deliverable add "Model card" owner @bob due friday')
    for typed, usage in [
        ("deliverable done A-9", "deliverable done A-n"),
        ("deliverable snooze A-9 friday", "deliverable snooze A-n <date>"),
    ]:
        out = churn(typed)
        assert out.splitlines() == [
            "✗ churn has no deliverable A-9. `deliverables` lists them.",
            f"  Usage: {usage}",
        ]
    assert count(Deliverable, status="open") == 1
    assert count(AuditEvent, action="deliverable.done") == count(AuditEvent, action="deliverable.snooze") == 0


def test_bad_deliverable_numbers_are_refused(churn):
    assert churn("deliverable done R-1").startswith("✗ “R-1” is not a number like A-3.")
    assert churn("deliverable done").startswith("✗ <A-n> is missing.")


def test_snooze_keeps_the_due_date(churn, count):
    churn('deliverable add "Customer extract" owner "IT data team" due friday')
    out = churn("deliverable snooze A-1 next wednesday")
    assert out == "✓ Snoozed A-1 until Wed 25 Nov 2026; it is still due Fri 20 Nov 2026"
    assert count(AuditEvent, action="deliverable.snooze") == 1


def test_snooze_needs_a_later_day(churn, count):
    churn('deliverable add "Customer extract" owner "IT data team" due friday')
    for typed, message in [
        ("deliverable snooze A-1 today", "✗ Snooze until a later day than today."),
        ("deliverable snooze A-1 yesterday", "✗ Tue 17 Nov 2026 is in the past; give today or a later date."),
        ("deliverable snooze A-1", "✗ <until> is missing."),
    ]:
        assert churn(typed).splitlines() == [message, "  Usage: deliverable snooze A-n <date>"], typed
    assert count(AuditEvent, action="deliverable.snooze") == 0


def test_deliverables_lists_open_ones_soonest_due_first(churn):
    churn('deliverable add "Report" owner @alice due end of month')
    churn('deliverable add "Model card" owner @bob due friday')
    churn('deliverable add "Extract" owner "IT data team" due next monday')
    churn('deliverable add "Done already" owner @bob due today')
    churn("deliverable done A-4")
    assert churn("deliverables").splitlines() == [
        "Open deliverables of churn, soonest due first",
        "  • A-2 · Model card · @bob · due Fri 20 Nov 2026",
        "  • A-3 · Extract · “IT data team” · due Mon 23 Nov 2026",
        "  • A-1 · Report · @alice · due Mon 30 Nov 2026",
    ]


def test_deliverables_mine_lists_only_the_askers(churn):
    churn('deliverable add "Report" owner @alice due end of month')
    churn('deliverable add "Model card" owner @bob due friday')
    churn('deliverable add "Extract" owner "IT data team" due next monday')
    assert churn.as_("bob")("deliverables mine").splitlines() == [
        "Your open deliverables of churn, soonest due first",
        "  • A-2 · Model card · @bob · due Fri 20 Nov 2026",
    ]


def test_no_deliverables_says_how_to_add_one(churn):
    out = churn("deliverables mine")
    assert out.startswith("Your open deliverables of churn: none. Add one: `deliverable add")


def test_deliverables_overdue_lists_those_past_their_due_date(churn, clock):
    churn('deliverable add "Model card" owner @bob due friday')
    churn('deliverable add "Report" owner @alice due end of month')
    assert churn("deliverables overdue").startswith("Overdue deliverables of churn: none.")
    clock.advance(days=3)
    assert churn("deliverables overdue").splitlines() == [
        "Overdue deliverables of churn, soonest due first",
        "  • A-1 · Model card · @bob · due Fri 20 Nov 2026, 1 day overdue",
    ]


def test_a_snoozed_deliverable_is_not_overdue_until_the_snooze_ends(churn, clock):
    churn('deliverable add "Extract" owner "IT data team" due friday')
    churn("deliverable snooze A-1 next wednesday")
    clock.advance(days=4)  # Sunday 22 Nov: two days late, but snoozed until Wednesday
    assert churn("deliverables overdue").startswith("Overdue deliverables of churn: none.")
    assert churn("deliverables").splitlines()[1] == (
        "  • A-1 · Extract · “IT data team” · due Fri 20 Nov 2026, 2 days overdue, snoozed until Wed 25 Nov 2026"
    )
    clock.advance(days=3)  # Wednesday 25 Nov: the snooze is over
    assert churn("deliverables overdue").splitlines()[1:] == [
        "  • A-1 · Extract · “IT data team” · due Fri 20 Nov 2026, 5 days overdue"
    ]


def test_an_unknown_list_is_refused(churn):
    out = churn("deliverables late")
    assert out.splitlines() == [
        "✗ “late” is not a list I know; use `deliverables`, `deliverables mine` or `deliverables overdue`.",
        "  Usage: deliverables [mine|overdue]",
    ]


def test_an_option_may_be_written_name_equals_quoted_value(churn):
    out = churn('deliverable add "Data extract" owner="IT data team" due=friday')
    assert "Owner: “IT data team”" in out
    assert "Due: Fri 20 Nov 2026" in out


def test_a_bad_multi_word_date_is_named_whole(churn):
    out = churn('deliverable add "Extract" owner @bob due in 99999999 days')
    assert out.splitlines()[0].startswith("✗ “in 99999999 days” is not a date I can read.")


def test_a_cancelled_deliverable_leaves_the_lists_but_not_the_record(churn, count):
    churn('deliverable add "Vendor benchmark" owner @bob due friday')
    assert churn("deliverable cancel A-1") == "✓ Cancelled: A-1 Vendor benchmark"
    assert "none" in churn("deliverables")
    assert churn("deliverable done A-1").startswith("✗ A-1 is already cancelled.")
    assert count(Deliverable, status="cancelled") == 1
