"""Governance: the EU AI Act class with its reason, GDPR, processors, model documentation and the sponsor,
recorded with `governance set`, shown by `governance`, on the card and in the digest when it changed."""

import pytest
from sqlmodel import select

from bot.console.render import render
from handlers.digest import project_digest
from storage.models import AuditEvent, Governance, Member, Project

USAGE = '  Usage: governance set <field> <value> ["detail"]'


def test_a_new_project_has_nothing_recorded_yet(churn):
    assert churn("governance").splitlines() == [
        "Governance of churn",
        "  Sponsor: not named yet",
        "  EU AI Act class: unassessed",
        "  Personal data: not assessed yet",
        "  Lawful basis: not recorded",
        "  DPIA: not assessed yet",
        "  Data processors: not recorded",
        "  Model documentation: not recorded",
        '  Change a field with `governance set <field> <value> ["detail"]`; `help governance set` lists them.',
    ]


def test_each_field_is_recorded_and_shown(churn, clock):
    clock.advance(days=1)
    for command in [
        'governance set ai-act high "Scores applicants for credit (Annex III)"',
        'governance set personal-data yes "names, e-mail addresses, payment history"',
        "governance set lawful-basis contract",
        "governance set dpia needed",
        "governance set processors Azure OpenAI (Microsoft), Snowflake",
        "governance set model-doc https://wiki.example.com/churn/model-card",
        "governance set sponsor @claire",
    ]:
        assert churn(command).startswith("✓ Governance of churn recorded: "), command
    assert churn.as_("bob")("governance").splitlines()[1:9] == [
        "  Sponsor: @claire",
        "  EU AI Act class: high — Scores applicants for credit (Annex III)",
        "  Personal data: yes — names, e-mail addresses, payment history",
        "  Lawful basis: contract",
        "  DPIA: needed",
        "  Data processors: Azure OpenAI (Microsoft), Snowflake",
        "  Model documentation: https://wiki.example.com/churn/model-card",
        "  Last changed: @alice, Thu 19 Nov 2026",
    ]


def test_a_change_says_what_it_recorded_and_is_audited_with_before_and_after(churn, database):
    assert churn('governance set personal-data yes "names, e-mail addresses"') == (
        "✓ Governance of churn recorded: Personal data: yes; Categories of personal data: names, e-mail addresses\n"
        "  By: @alice"
    )
    assert churn("governance set personal-data no") == (
        "✓ Governance of churn recorded: Personal data: no; Categories of personal data: cleared\n  By: @alice"
    )
    with database.session(write=False) as db:
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "governance.set")).all()
        record = db.exec(select(Governance)).one()
    assert [(e.before, e.after) for e in events] == [
        (
            {"personal_data": None, "data_categories": None},
            {"personal_data": True, "data_categories": "names, e-mail addresses"},
        ),
        (
            {"personal_data": True, "data_categories": "names, e-mail addresses"},
            {"personal_data": False, "data_categories": None},
        ),
    ]
    assert (record.personal_data, record.data_categories, record.updated_by) == (False, None, "alice")


def test_the_ai_act_class_needs_a_reason_except_to_go_back_to_unassessed(churn, database):
    assert churn("governance set ai-act high").splitlines() == [
        '✗ Say why the project is in that class: `governance set ai-act high "<why>"`.',
        USAGE,
    ]
    churn('governance set ai-act limited "Chatbot answering customers"')
    assert churn("governance set ai-act unassessed").startswith(
        "✓ Governance of churn recorded: EU AI Act class: unassessed; why that class: cleared"
    )
    with database.session(write=False) as db:
        assert db.exec(select(Project)).one().ai_act_class == "unassessed"


def test_only_the_ai_act_class_makes_pmbot_speak_up_here(churn):
    out = churn('governance set ai-act high "Credit scoring of people (Annex III)"')
    assert "⚠ EU AI Act class high, but no regulatory or privacy risk is recorded" in out
    assert "speaks up" not in churn("governance set dpia needed")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "governance set colour blue",
            "✗ “colour” is not a governance field. Use one of: sponsor, ai-act, personal-data, categories,"
            " lawful-basis, dpia, processors, model-doc.",
        ),
        ("governance set ai-act severe x", "✗ “severe” is not a EU AI Act class."),
        ("governance set dpia maybe", "✗ “maybe” is not a DPIA state. Use one of: not-needed, needed, done."),
        (
            "governance set dpia done now",
            "✗ I did not expect “now” after the dpia; put text with spaces in quotes.",
        ),
        ("governance set lawful-basis vibes", "✗ “vibes” is not a lawful basis."),
        ("governance set model-doc wiki", "✗ “wiki” is not a link."),
        ("governance set personal-data maybe", "✗ “maybe” is not a yes or no."),
        ('governance set personal-data no "names"', "✗ With no personal data there are no categories"),
        ("governance set sponsor claire", "✗ “claire” is not a person."),
        ("governance set", "✗ <field> is missing."),
        ("governance set processors", "✗ <value> is missing."),
    ],
)
def test_bad_values_are_refused_and_nothing_is_recorded(churn, count, typed, message):
    out = churn(typed)
    assert out.startswith(message), out
    assert USAGE in out
    assert count(Governance) == 0


def test_naming_the_sponsor_makes_them_a_stakeholder_and_ticks_the_gate(churn, database):
    churn("governance set sponsor @claire")
    with database.session(write=False) as db:
        member = db.exec(select(Member).where(Member.user_id == "claire")).one()
    assert member.role == "stakeholder"
    assert "✓ sponsor — A sponsor is named · by the records: sponsor @claire" in churn("gate")
    assert "  Sponsor: @claire" in churn("project")


def test_the_card_shows_the_governance_record(churn):
    churn('governance set ai-act limited "Chatbot answering customers"')
    churn('governance set personal-data yes "names"')
    churn("governance set dpia not-needed")
    churn("governance set model-doc https://wiki.example.com/bot")
    card = churn("project").splitlines()
    assert card[6:9] == [
        "  EU AI Act class: limited — Chatbot answering customers",
        "  GDPR: personal data yes — names · DPIA not-needed",
        "  Model documentation: https://wiki.example.com/bot",
    ]


def test_the_digest_says_what_changed_in_governance_this_week(churn, service, database, clock):
    churn("governance set dpia needed")
    clock.advance(days=8)
    churn('governance set ai-act high "Scores applicants for credit"')
    churn("governance set dpia done")
    with database.session(write=False) as db:
        project_id = db.exec(select(Project)).one().id
    text = render(project_digest(service.services, tenant_id="T1", project_id=project_id, now=clock()).reply)
    assert (
        "Governance changed this week:\n"
        "  • EU AI Act class: high; why that class: Scores applicants for credit; DPIA: done"
    ) in text
