import pytest

from storage.models import (
    AuditEvent,
    Decision,
    Deliverable,
    HandledRequest,
    Kpi,
    KpiMeasurement,
    Member,
    Project,
    Risk,
    StatusUpdate,
)


@pytest.fixture
def t1(churn):
    """Workspace T1's churn project, with a risk and a status no other workspace may see."""
    churn('risk add "T1 secret risk" p=5 i=5')
    churn('status red "T1 secret status"')
    return churn


@pytest.fixture
def t2(t1):
    """@zed in workspace T2, in a channel with the same id as T1's churn channel."""
    return t1.as_("zed", tenant="T2")


def test_another_workspace_does_not_see_the_channels_project(t2):
    assert t2("risks").startswith("✗ This channel has no project.")
    assert t2("project").startswith("✗ This channel has no project.")


def test_another_workspace_cannot_reach_a_project_by_key(t2):
    assert t2("churn: risks").startswith("✗ There is no project “churn”.")
    assert t2("risks --project churn").startswith("✗ There is no project “churn”.")
    assert t2("project churn").startswith("✗ There is no project “churn”.")


def test_another_workspace_cannot_change_a_project_by_key(t1, t2, count):
    assert t2('churn: risk close R-1 "not ours"').startswith("✗ There is no project “churn”.")
    assert t2("churn: phase poc").startswith("✗ There is no project “churn”.")
    assert t2('churn: status green "hijack"').startswith("✗ There is no project “churn”.")
    assert "R-1 · score 25" in t1("risks")
    assert t1("phase").startswith("churn is in framing")
    assert count(AuditEvent, tenant_id="T2") == 0


def test_projects_lists_only_the_workspaces_own(t2):
    assert t2("projects") == 'No projects yet. Create one: `project new <key> "<name>"`'


def test_two_workspaces_can_use_the_same_key_and_channel(t1, t2, count):
    assert t2('project new churn "T2 churn"').startswith("✓ Created project churn: T2 churn")
    assert t2("risks") == 'churn has no open risks. Add one: `risk add "<title>" p=3 i=4`'
    assert t2("status").startswith("churn has no status yet.")
    assert t2("projects").splitlines()[1:] == [
        "  • churn · T2 churn · framing · no status yet · 0 open risks · 0 overdue"
    ]
    assert t1("projects").splitlines()[1:] == [
        "  • churn · Churn model · framing · 🔴 off track · 1 open risk · 0 overdue"
    ]
    assert count(Project) == 2


def test_numbers_and_changes_stay_within_each_workspace(t1, t2):
    t2('project new churn "T2 churn"')
    assert t2("risk close R-1").startswith("✗ churn has no risk R-1.")
    assert t2('risk add "T2 risk"').startswith("✓ Recorded R-1: T2 risk")
    t2("phase poc")
    assert t1("risks").splitlines()[1:] == ["  • R-1 · score 25 (p5×i5) · T1 secret risk · no owner"]
    assert t2("risks").splitlines()[1:] == ["  • R-1 · score 9 (p3×i3) · T2 risk · no owner"]
    assert t1("phase").startswith("churn is in framing")
    assert t1("status").startswith("churn is 🔴 off track")


def test_the_same_request_id_in_two_workspaces_is_two_requests(t1, t2, count):
    t2('project new churn "T2 churn"')
    first = t1('status green "T1 news"', request_id="req-1")
    second = t2('status amber "T2 news"', request_id="req-1")
    assert "Update: T1 news" in first
    assert "Update: T2 news" in second
    assert count(StatusUpdate, tenant_id="T2") == 1
    assert count(HandledRequest, request_id="req-1") == 2


def test_child_rows_carry_their_projects_tenant(chat, count):
    t2 = chat.as_("zed", tenant="T2")
    t2('project new churn "T2 churn"')
    t2('risk add "Drift"')
    t2('status green "fine"')
    t2('decision "Use XGBoost" because "fast"')
    t2('deliverable add "Labels" owner @bob due friday')
    t2('kpi add "F1" baseline 0.7 target 0.8')
    t2('kpi set "F1" 0.75')
    for model in (Project, Risk, StatusUpdate, Decision, Deliverable, Kpi, KpiMeasurement):
        assert count(model, tenant_id="T2") == count(model) == 1, model.__name__
    assert count(Member, tenant_id="T2") == count(Member) == 2
    assert count(AuditEvent, tenant_id="T2") == count(AuditEvent) >= 7
