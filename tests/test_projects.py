from storage.models import AuditEvent, Member, Project

USAGE = 'Usage: project new <key> "<name>" [owner @user] [sponsor @user] [phase <phase>]'


def test_project_new_makes_the_channel_its_home(chat, count):
    out = chat('project new churn "Churn model"')
    assert out.splitlines()[0] == "✓ Created project churn: Churn model"
    assert out.splitlines()[1:4] == ["  Phase: framing", "  Owner: @alice", "  Sponsor: not named yet"]
    assert chat('risk add "Drift"').startswith("✓ Recorded R-1: Drift")
    assert count(Project) == 1
    assert count(AuditEvent, action="project.new") == 1


def test_project_new_takes_owner_sponsor_and_phase(chat, count):
    out = chat('project new churn "Churn model" owner @bob sponsor @carol phase poc')
    assert out.splitlines()[1:4] == ["  Phase: poc", "  Owner: @bob", "  Sponsor: @carol"]
    assert count(Member, user_id="bob", role="owner") == 1


def test_keys_are_read_in_lower_case(chat):
    assert chat('project new Churn "Churn model"').startswith("✓ Created project churn:")
    assert chat("project churn").startswith("Churn model (churn)")


def test_a_key_can_be_used_only_once(churn, count):
    out = churn.as_(channel="C-other")('project new churn "Another"')
    assert out.splitlines()[0] == "✗ There is already a project “churn” (Churn model). Pick another key."
    assert USAGE in out
    assert count(Project) == 1


def test_bad_keys_are_refused_with_usage_and_nothing_written(chat, count):
    for key in ("X", "9abc", "has_underscore", "a" * 21):
        out = chat(f'project new {key} "Churn model"')
        assert out.splitlines()[0] == (
            f"✗ “{key}” cannot be a project key: use 2 to 20 letters, digits or dashes, starting with a letter."
        )
        assert USAGE in out
    assert count(Project) == 0
    assert count(AuditEvent) == 0


def test_bad_project_new_inputs_each_get_their_own_message(chat, count):
    cases = {
        "project new churn": "✗ <name> is missing.",
        "project new": "✗ <key> is missing.",
        'project new churn "Churn" phase launch': "✗ “launch” is not a phase. Use one of: framing, poc,",
        'project new churn "Churn" owner bob': "✗ “bob” is not a person. Mention them, like @alice.",
        'project new churn "Churn" sponsor': "✗ `sponsor` needs a value after it.",
        'project new churn "Churn" extra': "✗ I did not expect “extra” there",
        f'project new churn "{"n" * 201}"': "✗ That text is 201 characters long; keep it to 200.",
    }
    for command, message in cases.items():
        out = chat(command)
        assert out.startswith(message), command
        assert USAGE in out, command
    assert count(Project) == 0


def test_a_second_project_in_a_home_channel_gets_a_note_and_is_reached_by_key(churn, count):
    out = churn('project new fraud "Fraud scoring"')
    assert out.splitlines()[0] == "✓ Created project fraud: Fraud scoring"
    assert "This channel stays the home of churn; talk to fraud with `fraud: <command>`" in out
    assert churn('fraud: risk add "Leak"').startswith("✓ Recorded R-1: Leak")
    assert "no open risks" in churn("risks")
    assert count(Project, home_channel="C-churn") == 1


def test_a_project_created_with_another_key_prefix_still_gets_an_empty_channel_as_home(churn):
    elsewhere = churn.as_(channel="C-fraud")
    out = elsewhere('churn: project new fraud "Fraud scoring"')
    assert "stays the home" not in out
    assert elsewhere('risk add "Leak"').startswith("✓ Recorded R-1: Leak")


def test_commands_in_a_channel_without_a_project_say_how_to_name_one(chat, count):
    out = chat('risk add "Drift"')
    assert out.startswith("✗ This channel has no project. Name one: `<key>: <command>` or `--project <key>`")
    assert 'Usage: risk add "<title>"' in out
    assert count(AuditEvent) == 0


def test_key_prefix_and_project_option_address_a_project_from_anywhere(churn):
    lobby = churn.as_(channel="C-lobby")
    assert lobby('churn: risk add "Drift"').startswith("✓ Recorded R-1")
    assert lobby('risk add "Bias" --project churn').startswith("✓ Recorded R-2")
    assert lobby('risk add --project=churn "Cost"').startswith("✓ Recorded R-3")
    assert "R-3" in churn("risks")


def test_unknown_project_key_is_refused(churn, count):
    out = churn('nope: risk add "Drift"')
    assert out.startswith("✗ There is no project “nope”. `projects` lists them;")
    assert 'Usage: risk add "<title>"' in out
    assert churn('risk add "Drift" --project nope').startswith("✗ There is no project “nope”.")
    out = churn("project nope")
    assert out.startswith("✗ There is no project “nope”. `projects` lists them.")
    assert "Usage: project [key]" in out
    assert count(AuditEvent, action="risk.add") == 0


def test_project_option_without_a_key_is_refused(churn):
    assert churn("risks --project").startswith("✗ `--project` needs a project key after it")


def test_project_alone_in_a_channel_without_one_says_what_to_do(chat):
    out = chat("project")
    assert out.startswith("✗ This channel has no project. Name one (`project <key>`) or create one")
    assert "Usage: project [key]" in out


def test_a_new_project_card_shows_placeholders(churn):
    assert churn("project") == "\n".join(
        [
            "Churn model (churn)",
            "  Phase: framing since Wed 18 Nov 2026",
            "  Gate of framing: 0 of 7 items checked — `gate`",
            "  Health: no status yet",
            "  Owner: @alice",
            "  Sponsor: not named yet",
            "  EU AI Act class: unassessed",
            "  GDPR: personal data not assessed yet",
            "Success KPIs:",
            '  • none yet: `kpi add "<name>" baseline <n> target <n>`',
            "Top risks:",
            "  • no open risks",
            "Latest decisions:",
            "  • none yet",
            "Overdue deliverables:",
            "  • none",
        ]
    )


def test_the_card_shows_health_kpis_top_risks_decisions_and_overdue_work(churn, clock):
    churn("phase poc")
    churn('status amber "Labels late"')
    churn('kpi add "F1" baseline 0.7 target 0.8')
    churn('kpi set "F1" 0.74')
    for title, p in [("Low", 1), ("Top", 5), ("Mid", 3), ("Second", 4)]:
        churn(f'risk add "{title}" p={p} i=4')
    churn('decision "Use XGBoost" because "fast"')
    churn('decision "Weekly retrain" because "drift"')
    churn('deliverable add "Label set" owner @bob due friday')
    churn('deliverable add "Feature store" owner @carol due 2026-12-31')
    clock.advance(days=4)
    out = churn("project")
    assert "Phase: poc" in out
    assert "Health: 🟠 at risk" in out
    assert "Latest status: Labels late (Wed 18 Nov 2026)" in out
    assert "F1: 0.74 (baseline 0.7 → target 0.8, 40% of the way)" in out
    risks = out.split("Top risks:\n")[1].split("Latest decisions:")[0]
    assert [r.split(" · ")[0].strip(" •") for r in risks.splitlines()] == ["R-2", "R-4", "R-3"]
    assert "• D-3 · Weekly retrain\n  • D-2 · Use XGBoost\n  • D-1 · Moved by hand: framing → poc" in out
    assert "A-1 · Label set · @bob · due Fri 20 Nov 2026, 2 days overdue" in out
    assert "Feature store" not in out


def test_project_key_shows_another_projects_card_from_any_channel(churn):
    churn('project new fraud "Fraud scoring"')
    assert churn("project fraud").startswith("Fraud scoring (fraud)")
    assert churn("fraud: project").startswith("Fraud scoring (fraud)")


def test_projects_with_none_says_how_to_create_one(chat):
    assert chat("projects") == 'No projects yet. Create one: `project new <key> "<name>"`'


def test_projects_lists_each_with_phase_health_open_risks_and_overdue(churn, clock):
    churn('status red "Pipeline down"')
    churn('risk add "Drift"')
    churn('risk add "Bias"')
    churn('deliverable add "Label set" owner @bob due friday')
    fraud = churn.as_(channel="C-fraud")
    fraud('project new fraud "Fraud scoring" phase poc')
    fraud('risk add "Leak"')
    fraud('risk close R-1 "fixed"')
    clock.advance(days=3)
    assert churn("projects") == "\n".join(
        [
            "2 projects",
            "  • churn · Churn model · framing · 🔴 off track · 2 open risks · 1 overdue",
            "  • fraud · Fraud scoring · poc · no status yet · 0 open risks · 0 overdue",
        ]
    )
