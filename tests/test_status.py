from storage.models import AuditEvent, StatusUpdate

USAGE = "Usage: status [<on-track|at-risk|off-track> <what happened>]"


def test_status_records_health_and_quoted_text(churn, count):
    out = churn('status on-track "Labels arrived"')
    assert out == "\n".join(
        ["✓ Status of churn recorded: 🟢 on track", "  Update: Labels arrived", "  By: @alice"]
    )
    assert count(StatusUpdate, health="on-track") == 1
    assert count(AuditEvent, action="status.add") == 1


def test_status_text_may_be_unquoted(churn):
    assert "Update: Vendor is late on the GPU quota" in churn(
        "status at-risk Vendor is late on the GPU quota"
    )


def test_project_option_inside_quoted_text_is_part_of_the_text(churn):
    assert "Update: see --project alpha for details" in churn(
        'status on-track "see --project alpha for details"'
    )


def test_green_amber_and_red_are_health_aliases(churn):
    assert churn('status green "a"').startswith("✓ Status of churn recorded: 🟢 on track")
    assert churn('status Amber "b"').startswith("✓ Status of churn recorded: 🟠 at risk")
    assert churn('status RED "c"').startswith("✓ Status of churn recorded: 🔴 off track")


def test_typographic_quotes_are_read_like_straight_ones(churn):
    assert "Update: Data pipeline broke" in churn("status off-track “Data pipeline broke”")


def test_status_alone_before_any_update_says_how_to_post_one(churn):
    assert churn("status") == 'churn has no status yet. Post one: `status on-track "<what happened>"`'


def test_status_alone_shows_the_latest_and_the_health_trend(churn, clock):
    churn('status on-track "Kickoff done"')
    clock.advance(days=7)
    churn('status at-risk "Labels late"')
    clock.advance(days=7)
    churn.as_("bob")('status off-track "Pipeline down"')
    assert churn("status") == "\n".join(
        [
            "churn is 🔴 off track",
            "  Latest: Pipeline down",
            "  By: @bob on Wed 02 Dec 2026",
            "Health over the last 3 updates:",
            "  • 🟢 on track → 🟠 at risk → 🔴 off track",
        ]
    )


def test_the_trend_covers_the_last_six_updates(churn):
    for n in range(7):
        churn(f'status {"red" if n == 0 else "green"} "week {n}"')
    out = churn("status")
    assert "Health over the last 6 updates:" in out
    assert "🔴" not in out


def test_a_single_update_is_not_called_updates(churn):
    churn('status green "Kickoff done"')
    assert "Health at the last update:" in churn("status")


def test_missing_text_is_refused_with_usage_and_nothing_written(churn, count):
    out = churn("status on-track")
    assert out.splitlines() == ["✗ Say what happened after the health.", f"  {USAGE}"]
    assert churn('status on-track ""').startswith("✗ <what happened> is empty.")
    assert count(StatusUpdate) == 0
    assert count(AuditEvent, action="status.add") == 0


def test_bad_health_is_refused_with_usage_and_nothing_written(churn, count):
    out = churn('status purple "All good"')
    assert out.splitlines()[0] == "✗ “purple” is not a health. Use one of: on-track, at-risk, off-track."
    assert USAGE in out
    assert churn("status All good").startswith("✗ “All” is not a health.")
    assert count(StatusUpdate) == 0


def test_a_repeated_request_is_recorded_once_and_answered_the_same(churn, count):
    first = churn('status on-track "Labels arrived"', request_id="slack-42")
    again = churn('status on-track "Labels arrived"', request_id="slack-42")
    assert again == first
    assert count(StatusUpdate) == 1
    assert count(AuditEvent, action="status.add") == 1


def test_a_new_request_id_records_the_same_text_again(churn, count):
    churn('status on-track "Labels arrived"', request_id="slack-42")
    churn('status on-track "Labels arrived"', request_id="slack-43")
    assert count(StatusUpdate) == 2
