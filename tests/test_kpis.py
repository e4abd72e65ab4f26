from storage.models import AuditEvent, Kpi, KpiMeasurement

ADD_USAGE = 'Usage: kpi add "<name>" baseline <n> target <n> [unit <u>] [lower-is-better]'
SET_USAGE = 'Usage: kpi set "<name>" <n> ["note"]'


def test_kpi_add_states_baseline_target_and_direction(churn, count):
    out = churn('kpi add "F1" baseline 0.70 target 0.80')
    assert out.splitlines() == [
        "✓ Recorded KPI F1: baseline 0.7 → target 0.8 (higher is better)",
        '  Record measurements with `kpi set "F1" <value>`',
    ]
    assert count(Kpi) == 1
    assert count(AuditEvent, action="kpi.add") == 1


def test_kpi_add_with_a_unit_and_lower_is_better(churn, count):
    out = churn('kpi add "p95 latency" baseline 200 target 100 unit ms lower-is-better')
    assert out.splitlines()[0] == "✓ Recorded KPI p95 latency: baseline 200 → target 100 ms (lower is better)"
    assert count(Kpi, lower_is_better=True) == 1


def test_kpi_set_shows_progress_from_baseline_toward_target(churn, count):
    churn('kpi add "F1" baseline 0.70 target 0.80')
    out = churn('kpi set "F1" 0.74 "offline eval on Q3 holdout"')
    assert out.splitlines() == [
        "✓ Recorded F1: 0.74 (baseline 0.7 → target 0.8, 40% of the way)",
        "  Note: offline eval on Q3 holdout",
    ]
    assert count(KpiMeasurement) == 1
    assert count(AuditEvent, action="kpi.set") == 1


def test_progress_of_a_lower_is_better_kpi_counts_going_down(churn):
    churn('kpi add "Latency" baseline 200 target 100 unit ms lower-is-better')
    assert (
        churn('kpi set "Latency" 150')
        == "✓ Recorded Latency: 150 ms (baseline 200 → target 100 ms, 50% of the way)"
    )


def test_reaching_or_passing_the_target_says_so(churn):
    churn('kpi add "F1" baseline 0.70 target 0.80')
    churn('kpi add "Latency" baseline 200 target 100 unit ms lower-is-better')
    assert churn('kpi set "F1" 0.8').endswith("100% of the way — target reached)")
    assert churn('kpi set "Latency" 90').endswith("110% of the way — target reached)")


def test_getting_worse_than_the_baseline_shows_negative_progress(churn):
    churn('kpi add "F1" baseline 0.70 target 0.80')
    out = churn('kpi set "F1" 0.65')
    assert out == "✓ Recorded F1: 0.65 (baseline 0.7 → target 0.8, -50% of the way)"


def test_kpis_lists_each_with_its_latest_value(churn):
    churn('kpi add "F1" baseline 0.70 target 0.80')
    churn('kpi add "Latency" baseline 200 target 100 unit ms lower-is-better')
    churn('kpi set "F1" 0.72')
    churn('kpi set "F1" 0.75')
    assert churn("kpis").splitlines() == [
        "Success KPIs of churn",
        "  • F1: 0.75 (baseline 0.7 → target 0.8, 50% of the way)",
        "  • Latency: not measured yet (baseline 200 → target 100 ms)",
    ]


def test_no_kpis_says_how_to_define_one(churn):
    assert (
        churn("kpis")
        == 'churn has no success KPIs yet. Define one: `kpi add "<name>" baseline <n> target <n>`'
    )


def test_kpi_names_are_case_insensitive(churn, count):
    churn('kpi add "F1" baseline 0.70 target 0.80')
    assert churn("kpi set f1 0.75").startswith("✓ Recorded F1: 0.75")
    assert count(KpiMeasurement) == 1


def test_a_duplicate_kpi_name_is_refused_whatever_its_case(churn, count):
    churn('kpi add "F1" baseline 0.70 target 0.80')
    out = churn('kpi add "f1" baseline 0.5 target 0.9')
    assert out.splitlines() == [
        "✗ churn already has a KPI “f1”; record a value with `kpi set`.",
        f"  {ADD_USAGE}",
    ]
    assert count(Kpi) == 1


def test_a_target_equal_to_the_baseline_is_refused(churn, count):
    out = churn('kpi add "F1" baseline 0.7 target 0.70')
    assert out.splitlines() == [
        "✗ The target equals the baseline, so there is nothing to improve; check the numbers.",
        f"  {ADD_USAGE}",
    ]
    assert count(Kpi) == 0


def test_a_target_below_the_baseline_needs_lower_is_better(churn, count):
    out = churn('kpi add "Cost per scoring" baseline 5 target 3')
    assert (
        out.splitlines()[0]
        == "✗ The target is below the baseline; add `lower-is-better` if going down is progress."
    )
    assert ADD_USAGE in out
    assert count(Kpi) == 0


def test_lower_is_better_with_a_higher_target_is_refused(churn, count):
    out = churn('kpi add "Cost per scoring" baseline 5 target 8 lower-is-better')
    assert out.splitlines()[0] == "✗ With lower-is-better the target must be below the baseline."
    assert count(Kpi) == 0


def test_bad_kpi_add_inputs_each_get_their_own_message(churn, count):
    for typed, message in [
        (
            'kpi add "F1" baseline high target 0.8',
            "✗ “high” is not a number. Write it like 0.71, 1200 or -3.5.",
        ),
        (
            'kpi add "F1" baseline 0,7 target 0.8',
            "✗ “0,7” is not a number. Write it like 0.71, 1200 or -3.5.",
        ),
        ('kpi add "F1" baseline nan target 0.8', "✗ “nan” is not a number I can record."),
        ('kpi add "F1" baseline 0.7', "✗ <target> is missing."),
        ('kpi add "F1" target 0.8', "✗ <baseline> is missing."),
        ("kpi add baseline 0.7 target 0.8", "✗ <name> is missing."),
        ('kpi add "F1" baseline 0.7 target 0.8 unit', "✗ `unit` needs a value after it."),
    ]:
        out = churn(typed)
        assert out.splitlines() == [message, f"  {ADD_USAGE}"], typed
    assert count(Kpi) == 0


def test_setting_an_unknown_kpi_lists_the_known_ones(churn, count):
    churn('kpi add "F1" baseline 0.70 target 0.80')
    churn('kpi add "Latency" baseline 200 target 100 lower-is-better')
    out = churn('kpi set "Recall" 0.5')
    assert out.splitlines() == ["✗ churn has no KPI “Recall”. Its KPIs: “F1”, “Latency”.", f"  {SET_USAGE}"]
    assert count(KpiMeasurement) == 0


def test_setting_a_kpi_before_any_exists_says_how_to_define_one(churn):
    out = churn('kpi set "F1" 0.7')
    define = '`kpi add "<name>" baseline <n> target <n>`'
    assert out.splitlines() == [f"✗ churn has no KPI “F1”. Define one first: {define}.", f"  {SET_USAGE}"]


def test_bad_kpi_set_inputs_each_get_their_own_message(churn, count):
    churn('kpi add "F1" baseline 0.70 target 0.80')
    for typed, message in [
        ('kpi set "F1" good', "✗ “good” is not a number. Write it like 0.71, 1200 or -3.5."),
        ('kpi set "F1"', "✗ <value> is missing."),
        ("kpi set", "✗ <name> is missing."),
        (
            'kpi set "F1" 0.75 offline eval',
            "✗ I did not expect “eval” there; put text with spaces in quotes.",
        ),
    ]:
        out = churn(typed)
        assert out.splitlines() == [message, f"  {SET_USAGE}"], typed
    assert count(KpiMeasurement) == 0
