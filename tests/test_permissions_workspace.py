"""The workspace's own settings (its LLM switch, portfolio channel and gate checklists) shape every
project, so changing them is for an admin of the workspace or anyone who owns one of its projects; in
Teams, where nobody is an admin, a project's owner. Reading them stays open to all. A refusal says who
may and changes nothing."""

from typing import Any

import pytest
from sqlmodel import select

from handlers.commands import build_registry
from handlers.permissions import Manage
from storage.db import Database
from storage.models import AuditEvent, TenantSettings
from tests import teams_server, test_permissions, test_slack_http
from tests.fake_slack import FakeSlack
from tests.slack_server import Server
from tests.teams_server import Person, teams_settings
from tests.test_permissions import admin, as_
from tests.test_slack_http import command

server = test_slack_http.server  # fixtures: pytest finds them in this module's namespace
slack = test_slack_http.slack
connector = teams_server.connector
bob_is_admin = test_permissions.bob_is_admin

WHO = "✗ Only an admin of this workspace, or someone who owns one of its projects, can "
# For every verb declared `manage=Manage.TENANT`: a command that, allowed, changes the workspace's
# settings as `workspace` leaves them.
WORKSPACE_ONLY: dict[str, str] = {
    "settings llm": "settings llm off",
    "settings portfolio-channel": "settings portfolio-channel #leadership",
    "gate template set": 'gate template set poc ethics "Ethics board consulted and minuted"',
    "gate template add": 'gate template add poc privacy "Privacy review done"',
    "gate template remove": "gate template remove poc ethics",
    "gate template reset": "gate template reset",
}
WORKSPACES_VERBS = [v for v in build_registry() if v.manage == Manage.TENANT]


def case_of(verb: Any) -> str:
    """The command that exercises `verb`; a verb newly declared the workspace's fails until it has one."""
    assert verb.name in WORKSPACE_ONLY, f"add a case to WORKSPACE_ONLY for `{verb.name}`"
    return WORKSPACE_ONLY[verb.name]


def settings_of(database: Database) -> tuple[Any, ...] | None:
    """The workspace's settings as stored (each test has one workspace with settings), None if none are."""
    with database.session(write=False) as db:
        rows = db.exec(select(TenantSettings)).all()
    assert len(rows) <= 1
    return next(((r.llm_enabled, r.portfolio_channel, r.gate_templates) for r in rows), None)


@pytest.fixture
def workspace(churn):
    """`churn` (alice's), whose workspace has a checklist item of its own: every case changes something."""
    assert churn('gate template add poc ethics "Ethics board consulted"').startswith("✓ Added ethics")
    return churn


def test_every_case_is_of_a_verb_for_the_workspace():
    assert set(WORKSPACE_ONLY) == {v.name for v in WORKSPACES_VERBS}


@pytest.mark.parametrize("verb", WORKSPACES_VERBS, ids=lambda v: v.name)
def test_a_member_who_owns_no_project_may_not_change_the_workspaces_settings(
    workspace, database, count, verb
):
    before, audited = settings_of(database), count(AuditEvent)
    bob = workspace.as_("bob")
    assert bob(case_of(verb)).splitlines() == [f"{WHO}{verb.doing}.", f"  Usage: {verb.usage}"]
    assert settings_of(database) == before
    assert count(AuditEvent) == audited


@pytest.mark.parametrize("verb", WORKSPACES_VERBS, ids=lambda v: v.name)
@pytest.mark.parametrize("who", ["an admin", "a project's owner"])
def test_an_admin_or_a_projects_owner_may(workspace, database, verb, who):
    before = settings_of(database)
    text = case_of(verb)
    out = admin(workspace, "dana", text) if who == "an admin" else workspace(text)
    assert out.startswith("✓"), out
    assert settings_of(database) != before


def test_owning_a_project_of_another_workspace_does_not_count(workspace, database):
    elsewhere = workspace.as_("bob", tenant="T2")
    assert elsewhere('project new beta "Beta"').startswith("✓ Created project beta")
    assert workspace.as_("bob")("settings llm off").startswith(WHO)
    assert settings_of(database)[0] is True


def test_reading_the_settings_stays_open_to_all(workspace):
    bob = workspace.as_("bob")
    assert bob("gate template poc").startswith("Gate checklists of this workspace")
    assert "LLM use is on" in bob("usage")
    assert bob("digest preview portfolio") == "Preparing your preview of the portfolio digest…"


def test_a_refusal_comes_once_the_command_reads_right(workspace):
    """Bad input is answered with its usage first, as for every verb; the refusal follows the fix."""
    bob = workspace.as_("bob")
    assert bob("settings llm maybe").startswith("✗ “maybe” is not a setting. Use one of: on, off.")
    assert bob("settings llm on").startswith(WHO)


def test_help_says_who_may_change_the_workspaces_settings(chat):
    assert chat("help settings llm").splitlines()[-1] == (
        "  • Only an admin of this workspace, or someone who owns one of its projects, can change whether "
        "this workspace's text may be sent to the LLM."
    )


# -- Slack: users.info says who is an admin


def test_a_slack_admin_may_change_the_workspaces_settings_and_a_plain_member_may_not(
    server: Server, slack: FakeSlack, bob_is_admin: None, database: Database
):
    command(server, slack, 'project new churn "Churn model"')  # alice's
    assert as_(server, slack, "U0CAROL", "settings llm off").startswith(
        "❌ Only an admin of this workspace, or someone who owns one of its projects, can change whether"
    )
    assert settings_of(database) is None  # nothing was written
    assert as_(server, slack, "U0BOB", "settings llm off").startswith("✅ This workspace will not send text")
    assert settings_of(database)[0] is False


# -- Teams: nobody is an admin there, so a project's owner may


def test_in_teams_a_projects_owner_may_change_the_workspaces_settings(database, connector):
    teams = Server(teams_settings(database), insecure_local=True)
    try:
        alice = Person(teams, connector)
        bob = Person(
            teams, connector, **{"from": {"id": "29:bob", "name": "Bob Chen", "aadObjectId": "bbbbbbbb-2"}}
        )
        assert alice.say("settings llm off").text.startswith(
            "❌ Only an admin of this workspace, or someone who owns one of its projects, can"
        )
        alice.say('project new churn "Churn model"')
        assert bob.say('gate template add poc ethics "Ethics board"').text.startswith(
            "❌ Only an admin of this workspace, or someone who owns one of its projects, can change the "
            "workspace's gate checklists."
        )
        assert alice.say("settings llm off").text.startswith("✅ This workspace will not send text")
    finally:
        teams.close()
    assert settings_of(database) == (False, None, None)
