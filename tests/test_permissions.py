"""Who may do what, as the README's "Who may do what" writes it down: anyone may record status, risks,
decisions and deliverables; a project's phase, gate decisions, settings, governance and `digest now` are
its owner's; a risk or deliverable is changed or closed by its owner (or, when nobody in the team owns
it, by whoever recorded it) and the project's owner; a Slack workspace admin may manage every project
of the workspace (over HTTP, users.info says who is one); in Teams, which cannot say who owns a team,
nobody is. A refusal says who may, and changes nothing.

The verbs only a project's owner may run are those declared `manage=Manage.PROJECT`; each is tested
here, so a newly declared one fails until it has a case. The workspace's settings are in
test_permissions_workspace.py, the README's table against the declarations in test_permissions_readme.py."""

import pytest

from bot.console.render import render
from handlers.command import Command
from handlers.commands import build_registry
from handlers.permissions import Manage
from handlers.registry import verb
from storage.models import AuditEvent, Deliverable, Project, Risk
from tests import teams_server, test_slack_http
from tests.fake_slack import FakeSlack
from tests.slack_server import Server, answer, post, slash
from tests.teams_server import Person, teams_settings
from tests.test_slack_http import command

server = test_slack_http.server  # fixtures: pytest finds them in this module's namespace
slack = test_slack_http.slack
connector = teams_server.connector

WHO = "; `project churn` shows who that is."
MOVE = "move it by hand; anyone can ask for the gate decision with `phase next`"
GATE = "decide at its gate; anyone can see the checklist with `phase next`"
# For every verb declared `manage=Manage.PROJECT`, commands that change something and the refusal's
# words (“Only the owner of churn can …”), as they were when each handler checked for itself.
OWNER_ONLY: dict[str, list[tuple[str, str]]] = {
    "phase": [("phase poc", MOVE), ("phase until in 30 days", "set the timebox of its phase")],
    "phase next go": [('phase next go --accept-gaps "the pilot is small"', GATE)],
    "phase next pivot": [('phase next pivot "a smaller scope"', GATE)],
    "phase next stop": [('phase next stop "no budget"', GATE)],
    "settings digest": [("settings digest mon 09:00", "change when its digest goes out")],
    "settings review": [("settings review off", "change its status review")],
    "governance set": [
        ("governance set dpia needed", "change its governance"),
        ('governance set ai-act high "credit scoring"', "change its governance"),
    ],
    "digest now": [("digest now", "post its digest")],
}
OWNERS_VERBS = [v for v in build_registry() if v.manage == Manage.PROJECT]


def cases_of(verb) -> list[tuple[str, str]]:
    """The commands that exercise `verb`; a verb newly declared the owner's fails until it has some."""
    cases = OWNER_ONLY.get(verb.name, [])
    assert cases, f"add a case to OWNER_ONLY for `{verb.name}`, which only a project's owner may run"
    if not callable(verb.doing):
        assert {doing for _, doing in cases} == {verb.doing}  # the refusal's words are the declared ones
    return cases


def admin(chat, user: str, text: str) -> str:
    """`text` typed by `user`, an admin of the workspace, in the chat's channel."""
    outcome = chat.service.handle(
        Command(
            tenant_id=chat.tenant,
            user_id=user,
            channel_id=chat.channel,
            text=text,
            request_id=f"admin-{user}-{text}",
            is_admin=True,
        )
    )
    chat.pending = outcome.later
    return render(outcome.reply)


def test_every_case_is_of_a_verb_only_the_owner_may_run():
    assert set(OWNER_ONLY) == {v.name for v in OWNERS_VERBS}


@pytest.mark.parametrize("verb", OWNERS_VERBS, ids=lambda v: v.name)
def test_what_is_the_owners_is_refused_to_anyone_else_saying_who_may(churn, count, verb):
    bob = churn.as_("bob")
    for text, doing in cases_of(verb):
        audited = count(AuditEvent)
        assert bob(text).splitlines()[0] == f"✗ Only the owner of churn can {doing}{WHO}", text
        assert count(AuditEvent) == audited
        assert bob.pending == ()  # no digest posted
        assert (
            count(Project, phase="framing", digest_schedule="fri 16:00", review_cadence="weekly thu 15:00")
            == 1
        )


@pytest.mark.parametrize("verb", OWNERS_VERBS, ids=lambda v: v.name)
def test_a_workspace_admin_may_do_what_is_the_owners(churn, count, verb):
    for text, _ in cases_of(verb):
        audited = count(AuditEvent)
        out = admin(churn, "dana", text)
        assert out.startswith(("✓", "Posting the digest of churn")), out
        assert count(AuditEvent) > audited or churn.pending


def test_what_only_shows_stays_open_to_anyone(churn, count):
    bob = churn.as_("bob")
    assert bob("phase").startswith("churn is in framing")
    assert bob("digest now portfolio") == "Posting the portfolio digest in this channel…"
    assert bob('phase because "why not"').startswith("✗ `because` goes with a move")
    assert count(Project, phase="framing") == 1


@pytest.mark.parametrize("verb", [v for v in build_registry() if v.manage], ids=lambda v: v.name)
def test_help_says_who_may_run_a_verb_not_everyone_may(chat, verb):
    if callable(verb.doing):  # its arguments decide, so its summary says which are the owner's
        assert "(its owner only)" in verb.summary
    else:
        assert f"  • {verb.who_may}" in chat(f"help {verb.name}")


def test_a_verb_declared_for_owners_must_say_what_the_refusal_says():
    with pytest.raises(ValueError, match="`manage` and `doing` go together"):
        verb("frobnicate", usage="frobnicate", manage=Manage.PROJECT)
    with pytest.raises(ValueError, match="`manage` and `doing` go together"):
        verb("frobnicate", usage="frobnicate", doing="frobnicate it")


def test_help_on_an_owners_verb_ends_with_who_may(chat):
    assert chat("help settings review").endswith(
        "  • Only the project's owner, or an admin of the workspace, can change its status review."
    )


def test_digest_now_without_a_project_asks_for_one(chat):
    assert chat.as_("bob", channel="C-random")("digest now").splitlines() == [
        "✗ This channel has no project; name one: `<key>: <command>`. `projects` lists them.",
        "  Usage: digest now [portfolio]",
    ]


def test_an_admin_of_another_workspace_cannot_reach_the_project(churn):
    there = churn.as_(tenant="T2")
    assert admin(there, "dana", "churn: phase poc").startswith("✗ There is no project “churn”")
    assert churn("phase").startswith("churn is in framing")


def test_anyone_records_status_risks_decisions_deliverables_and_kpis(churn, count):
    bob = churn.as_("bob")
    for text in [
        "status at-risk F1 dropped to 0.71",
        "risk add Label noise in Q3 data p=4 i=3",
        'decision "Use gradient boosting" because "cheaper to serve"',
        "deliverable add Extract owner @carol due friday",
        "kpi add F1 baseline 0.7 target 0.8",
        "kpi set F1 0.74",
        'gate check problem "Kick-off notes on the wiki"',
        'retro lesson "Label the data first"',
    ]:
        assert bob(text).startswith("✓"), text


def test_a_risks_owner_may_change_and_close_it_and_nobody_else_but_the_projects_owner(churn, count):
    churn("risk add Label noise owner @carol")
    carol, bob = churn.as_("carol"), churn.as_("bob")
    assert bob("risk update R-1 p=5").splitlines()[0] == (
        "✗ Only the owner of R-1 or of churn can change R-1; `risks` and `project churn` show who they are."
    )
    assert bob("risk close R-1 gone").startswith("✗ Only the owner of R-1 or of churn can close R-1;")
    assert count(Risk, probability=3, status="open") == 1
    assert carol("risk update R-1 p=5 mitigation relabel").startswith("✓ Updated R-1")
    assert carol("risk close R-1 relabelled").startswith("✓ Closed R-1")
    churn("risk add Drift owner @carol")
    assert churn("risk update R-2 owner @bob").startswith("✓ Updated R-2")  # the project's owner may
    assert bob("risk close R-2 fixed").startswith("✓ Closed R-2")  # and bob owns it now


def test_a_risk_nobody_owns_is_its_recorders_to_change(churn, count):
    bob, carol = churn.as_("bob"), churn.as_("carol")
    bob("risk add Label noise p=4 i=4")
    assert carol("risk close R-1").splitlines()[0] == (
        "✗ R-1 has no owner in the team, so only whoever recorded it or the owner of churn can close R-1; "
        "`project churn` shows who owns the project."
    )
    assert count(Risk, status="open") == 1
    assert bob("risk update R-1 owner @carol").startswith("✓ Updated R-1")  # bob hands it over
    assert bob("risk close R-1").startswith("✗ Only the owner of R-1 or of churn can close R-1;")
    assert carol("risk close R-1 done").startswith("✓ Closed R-1")


def test_a_deliverables_owner_may_mark_it_done_and_nobody_else_but_the_projects_owner(churn, count):
    churn("deliverable add Extract owner @bob due friday")
    churn("deliverable add Labels owner @bob due friday")
    bob, carol = churn.as_("bob"), churn.as_("carol")
    for text, doing in [
        ("deliverable done A-1", "mark A-1 done"),
        ("deliverable cancel A-1", "cancel A-1"),
        ("deliverable snooze A-1 tomorrow", "snooze A-1"),
    ]:
        assert carol(text).splitlines()[0] == (
            f"✗ Only the owner of A-1 or of churn can {doing}; "
            "`deliverables` and `project churn` show who they are."
        )
    assert count(Deliverable, status="open", snoozed_until=None) == 2
    assert bob("deliverable snooze A-1 tomorrow").startswith("✓ Snoozed A-1")
    assert bob("deliverable done A-1").startswith("✓ Done: A-1")
    assert churn("deliverable cancel A-2").startswith("✓ Cancelled: A-2")


def test_a_deliverable_owed_by_an_outside_party_is_its_recorders_to_change(churn, count):
    carol, bob = churn.as_("carol"), churn.as_("bob")
    carol('deliverable add Extract owner "IT data team" due friday')
    assert bob("deliverable done A-1").startswith(
        "✗ A-1 has no owner in the team, so only whoever recorded it or the owner of churn can mark A-1 done;"
    )
    assert carol("deliverable snooze A-1 tomorrow").startswith("✓ Snoozed A-1")
    assert churn("deliverable done A-1").startswith("✓ Done: A-1")


def test_a_workspace_admin_may_change_anyones_risk_and_deliverable(churn, count):
    churn("risk add Label noise owner @carol")
    churn("deliverable add Extract owner @bob due friday")
    assert admin(churn, "dana", "risk close R-1 out of scope").startswith("✓ Closed R-1")
    assert admin(churn, "dana", "deliverable cancel A-1").startswith("✓ Cancelled: A-1")


# -- Slack: users.info says who is an admin


@pytest.fixture
def bob_is_admin(slack: FakeSlack) -> None:
    slack.users["U0BOB"] = {"name": "bob", "is_admin": True}
    slack.users["U0CAROL"] = {"name": "carol"}
    slack.users["U0OWNER"] = {"name": "olga", "is_owner": True}  # the workspace's owner


def as_(server: Server, slack: FakeSlack, user: str, text: str) -> str:
    form = slash(slack, text, user_id=user, user_name=user.lower())
    post(server, form)
    return str(answer(slack, form)["text"])


def test_a_slack_workspace_admin_or_owner_may_manage_anothers_project(server, slack, bob_is_admin, count):
    command(server, slack, 'project new churn "Churn model"')  # alice's
    assert as_(server, slack, "U0CAROL", "settings digest mon 09:00").startswith(
        "❌ Only the owner of churn can change when its digest goes out"
    )
    assert as_(server, slack, "U0BOB", "settings digest mon 09:00").startswith(
        "✅ The digest of churn now goes out every Monday at 09:00"
    )
    assert as_(server, slack, "U0OWNER", "phase poc").startswith("✅ churn moved from framing to poc")
    assert count(Project, phase="poc", digest_schedule="mon 09:00") == 1
    asked = [call.args["user"] for call in slack.calls_to("users.info")]
    assert sorted(asked) == ["U0ALICE", "U0BOB", "U0CAROL", "U0OWNER"]  # each asked once, then cached


# -- Teams: the Bot Connector cannot say who owns a team, so nobody is an admin there


def test_in_teams_only_the_projects_owner_manages_it(database, connector, count):
    teams = Server(teams_settings(database), insecure_local=True)
    try:
        alice = Person(teams, connector)
        bob = Person(
            teams, connector, **{"from": {"id": "29:bob", "name": "Bob Chen", "aadObjectId": "bbbbbbbb-2"}}
        )
        alice.say('project new churn "Churn model"')
        assert bob.say("phase poc").text.startswith(f"❌ Only the owner of churn can {MOVE}")
        assert bob.say("risk add Label noise").text.startswith("✅ Recorded R-1")
        assert alice.say("phase poc").text.startswith("✅ churn moved from framing to poc")
    finally:
        teams.close()
    assert count(Project, phase="poc") == 1
