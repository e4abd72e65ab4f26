"""The Bot Framework SDK is used in bot/teams/ only, so that a move to the Microsoft 365 Agents SDK
touches that folder alone."""

from pathlib import Path

from tests.test_layers import imported_packages

ROOT = Path(__file__).resolve().parent.parent
BOT_FRAMEWORK = {"botbuilder", "botframework", "msrest"}


def test_only_bot_teams_imports_the_bot_framework():
    teams = ROOT / "bot" / "teams"
    outside = [
        path
        for layer in ("bot", "handlers", "scheduler", "storage")
        for path in sorted((ROOT / layer).rglob("*.py"))
        if not path.is_relative_to(teams)
    ]
    assert any(path.name == "server.py" for path in outside)
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in outside
        for name in imported_packages(path) & BOT_FRAMEWORK
    }
    assert not wrong
