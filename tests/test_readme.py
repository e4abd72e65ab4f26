"""The README stays true to the code: every verb it must document, in the words `help` uses."""

from pathlib import Path

import pytest

from handlers.commands import build_registry

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


@pytest.mark.parametrize("verb", list(build_registry()), ids=lambda v: v.name)
def test_the_readme_shows_every_verbs_usage(verb):
    assert f"`{verb.usage}` — {verb.summary}" in README


def test_the_readme_shows_the_two_commands():
    assert "make run" in README
    assert "make test" in README
