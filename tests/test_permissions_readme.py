"""The README's "Who may do what" table says what the verbs declare (`manage` in handlers/registry.py):
the owner's row names exactly the verbs only a project's owner may run, the workspace's row exactly
those for admins and project owners, a verb another row names is one anyone may run as written there,
and every verb that writes is in the table."""

import re
from pathlib import Path

import pytest

from handlers.commands import build_registry
from handlers.permissions import Manage
from handlers.registry import Verb
from handlers.tokens import tokenize

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
REGISTRY = build_registry()
OWNER = "The project's owner"
WORKSPACE = "An admin, or anyone who owns a project in the workspace, for the whole workspace"
ANYONE = "Anyone"


def section(title: str) -> str:
    start = README.index(f"### {title}\n")
    return README[start : README.index("\n### ", start + 1)]


def commands(cell: str) -> list[str]:
    """The commands a cell names: `phase next go` / `pivot` / `stop` names three."""
    named: list[str] = []
    for alternative, code in re.findall(r"(/ )?`([^`]+)`", cell):
        if alternative and named and " " not in code and code.split()[0] != named[-1].split()[0]:
            code = f"{named[-1].rsplit(' ', 1)[0]} {code}"
        named.append(code)
    return named


def table() -> dict[str, list[str]]:
    """Each row of "Who may do what": who, and the commands it names."""
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", section("Who may do what"), flags=re.MULTILINE)
    return {who: commands(may) for who, may in rows if who not in ("Who", "---")}


def verb_of(command: str) -> Verb:
    return REGISTRY.match(tokenize(command))[0]


def names(who: str) -> set[str]:
    return {verb_of(c).name for c in table()[who]}


def declared(manage: Manage) -> set[str]:
    return {v.name for v in REGISTRY if v.manage == manage}


def test_the_table_has_the_rows_the_declarations_have():
    assert {OWNER, WORKSPACE, ANYONE} <= set(table())


def test_the_owners_row_names_exactly_the_verbs_only_a_projects_owner_may_run():
    assert names(OWNER) == declared(Manage.PROJECT)


def test_the_workspaces_row_names_exactly_the_verbs_for_the_workspaces_managers():
    assert names(WORKSPACE) == declared(Manage.TENANT)


@pytest.mark.parametrize("who", sorted(set(table()) - {OWNER, WORKSPACE}))
def test_a_verb_another_row_names_is_open_as_written_there(who):
    """`phase` (it shows) and `digest now portfolio` are anyone's; `phase poc` and `digest now` are not."""
    for command in table()[who]:
        verb = verb_of(command)
        if verb.manage is None:
            continue
        assert callable(verb.doing), f"`{command}` is in the row “{who}” but `{verb.name}` is never open"
        _, rest = REGISTRY.match(tokenize(command))
        values = verb.bind(rest, command, None)  # type: ignore[arg-type]  # no reader here needs a context
        assert verb.refused(values) is None, f"`{command}` is in the row “{who}” but is refused"


def test_every_verb_that_writes_is_in_the_table():
    named = {verb_of(c).name for row in table().values() for c in row}
    missing = {v.name for v in REGISTRY if v.writes} - named
    assert not missing, f"say in README's “Who may do what” who may run: {sorted(missing)}"


def test_the_parser_reads_alternatives_and_arguments():
    assert commands("`phase next go` / `pivot` / `stop`, `remind off` / `remind on`") == [
        "phase next go",
        "phase next pivot",
        "phase next stop",
        "remind off",
        "remind on",
    ]
    assert verb_of("phase until <date>").name == "phase"
    assert verb_of("digest now portfolio").name == "digest now"
