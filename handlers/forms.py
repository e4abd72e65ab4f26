"""Forms that stand in for typed commands, whatever the platform shows them as (a Slack modal, an
Adaptive Card in Teams), and the command a submitted form becomes.

A submission is turned back into the text a person would have typed, so it goes through the very same
verb, readers and checks as the typed command: only the shape of each form lives here. Every value is
put in quotes, so whatever someone writes in one field stays that field's value. Each field is tied to
the verb's argument (`Param` name) it fills, so an error about that argument is shown beside it.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from handlers.errors import CommandError
from handlers.registry import Registry
from handlers.reply import Code, Line, Mention, Reply
from handlers.tokens import split_project, tokenize
from handlers.values import column_limit
from storage.models import Decision, Deliverable, Kpi, Risk
from storage.vocab import Health, RiskCategory

PROJECT_FIELD = "project"  # a project picker, where a form is opened with no channel to tell it
_KEY = re.compile(r"[a-z][a-z0-9-]{1,19}")  # a project key, as `project new` makes them
_UNSET = ("", "false")  # a flag's value when its box is not ticked


@dataclass(frozen=True)
class Input:
    """One field. `param` is the verb argument it fills; `option` says it is typed after that
    argument's name (`p "4"`) rather than in its place among the verb's positional arguments."""

    name: str
    label: str
    kind: str  # text, long text, number, choice, person, date or flag
    param: str
    option: bool = True
    optional: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, label); a flag's one box is its label
    initial: str | None = None
    max_length: int | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Form:
    verb: str
    title: str  # at most 24 characters
    submit: str
    inputs: tuple[Input, ...]

    def field(self, name: str) -> Input | None:
        return next((f for f in self.inputs if f.name == name), None)


class FieldError(Exception):
    """A form filled in a way no command can express; shown beside the field `field`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _scale(words: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return tuple((str(n), f"{n} — {word}") for n, word in enumerate(words, start=1))


PROBABILITIES = _scale(["rare", "unlikely", "possible", "likely", "almost certain"])
IMPACTS = _scale(["negligible", "minor", "moderate", "major", "severe"])
HEALTHS = tuple((h.value, h.value) for h in Health)
CATEGORIES = tuple((c.value, c.value) for c in RiskCategory)

STATUS = Form(
    "status",
    "Post a status",
    "Post",
    (
        Input("health", "Health", "choice", "health", option=False, choices=HEALTHS),
        Input("what", "What happened", "long text", "what happened", option=False, max_length=2000),
    ),
)
RISK_ADD = Form(
    "risk add",
    "Add a risk",
    "Add",
    (
        Input("title", "Title", "text", "title", option=False, max_length=column_limit(Risk, "title")),
        Input("p", "Probability", "choice", "p", choices=PROBABILITIES, initial="3"),
        Input("i", "Impact", "choice", "i", choices=IMPACTS, initial="3"),
        Input("owner", "Owner", "person", "owner", optional=True),
        Input("category", "Category", "choice", "category", optional=True, choices=CATEGORIES),
        Input("mitigation", "Mitigation", "long text", "mitigation", optional=True, max_length=2000),
        Input("review", "Review by", "date", "review", optional=True),
    ),
)
DECISION = Form(
    "decision",
    "Record a decision",
    "Record",
    (
        Input("title", "Decision", "text", "title", option=False, max_length=column_limit(Decision, "title")),
        Input("because", "Because", "long text", "because", max_length=2000),
        Input("alternatives", "Alternatives considered", "long text", "alternatives", optional=True),
    ),
)
DELIVERABLE_ADD = Form(
    "deliverable add",
    "Add a deliverable",
    "Add",
    (
        Input("title", "Title", "text", "title", option=False, max_length=column_limit(Deliverable, "title")),
        Input(
            "owner", "Owner", "person", "owner", optional=True, hint="A person, or an outside party below."
        ),
        Input(
            "party",
            "…or an outside party",
            "text",
            "owner",
            optional=True,
            max_length=column_limit(Deliverable, "owner_party"),
            hint="Such as “IT data team”.",
        ),
        Input("due", "Due", "date", "due"),
    ),
)
KPI_ADD = Form(
    "kpi add",
    "Define a success KPI",
    "Define",
    (
        Input("name", "Name", "text", "name", option=False, max_length=column_limit(Kpi, "name")),
        Input("baseline", "Baseline", "number", "baseline", hint="Where it stands now, in its own unit."),
        Input("target", "Target", "number", "target"),
        Input("unit", "Unit", "text", "unit", optional=True, max_length=column_limit(Kpi, "unit")),
        Input(
            "lower_is_better",
            "Direction",
            "flag",
            "lower-is-better",
            optional=True,
            choices=(("lower-is-better", "Lower is better (latency, cost…)"),),
        ),
    ),
)
FORMS = {form.verb: form for form in (STATUS, RISK_ADD, DECISION, DELIVERABLE_ADD, KPI_ADD)}
TYPED_ALONE = ("risk add", "decision", "deliverable add", "kpi add")  # typed alone, these show their form
BUTTONS = {"status": ("Post a status", "status")}  # verb typed alone → (label, form) under its answer


# -- the submission


def is_project_key(text: str) -> bool:
    return bool(_KEY.fullmatch(text))


def quote(value: str) -> str:
    """`value` as one quoted word. A `"` inside becomes ”; since ” also ends a word in straight quotes,
    text holding one goes in «…», where only » (made ›) or `"` would end it."""
    value = value.replace('"', "”")
    if "”" not in value:
        return f'"{value}"'
    return "«" + value.replace("»", "›") + "»"


def _typed(kind: str, raw: str | None) -> str | None:
    """A field's value as it would be typed, or None when it was left empty."""
    if kind == "flag":
        return "" if raw is not None and raw.strip().lower() not in _UNSET else None
    return quote(raw) if raw is not None and raw.strip() else None


@dataclass(frozen=True)
class Submission:
    text: str  # the command, as it would be typed
    supplied: dict[str, str]  # param → the field whose value filled it


def command_text(
    form: Form,
    values: Mapping[str, str | None],
    *,
    project: str | None = None,
    link: str | None = None,
) -> Submission:
    """The command a submitted form stands for: the verb, its arguments in order, then its options.

    `values` maps field names to what was entered, as it would be typed (a person as a mention the
    platform's commands carry, a date as YYYY-MM-DD, a choice as its value; a flag is set by any value
    but "" and "false"); `project` is a key given with the command that showed the form, overridden by
    a project picked in the form; `link` is a decision's source message."""
    positional: list[str] = []
    options: list[str] = []
    supplied: dict[str, str] = {}
    for field in form.inputs:
        typed = _typed(field.kind, values.get(field.name))
        if typed is None:
            continue
        if field.param in supplied:
            earlier = form.field(supplied[field.param])
            label = earlier.label if earlier else supplied[field.param]
            raise FieldError(field.name, f"Fill in either “{label}” or this, not both.")
        supplied[field.param] = field.name
        if not field.option:
            positional.append(typed)
        else:
            options.append(f"{field.param} {typed}".rstrip())
    if link and form.verb == "decision":
        options.append(f"link {quote(link)}")
    chosen = values.get(PROJECT_FIELD)
    if chosen is not None and not is_project_key(chosen):
        raise FieldError(PROJECT_FIELD, "Pick one of the projects.")
    project = chosen or project
    words = [form.verb, *positional, *options]
    if project:
        words.append(f"--project {project}")
    return Submission(" ".join(words), supplied)


def _words(parts: Line) -> str:
    out = []
    for part in parts:
        if isinstance(part, Mention):
            out.append(f"@{part.user_id}")
        elif isinstance(part, Code):
            out.append(part.text)
        else:
            out.append(part.replace("`", ""))
    return "".join(out).strip()


def field_errors(form: Form, reply: Reply, submission: Submission, *, has_project: bool) -> dict[str, str]:
    """A refused command's message beside the field it is about, else beside the first field (the
    project picker, when the form has one)."""
    first = PROJECT_FIELD if has_project else form.inputs[0].name
    param = reply.param or ""
    target = submission.supplied.get(param) or next((f.name for f in form.inputs if f.param == param), first)
    return {target: _words(reply.headline)[:2000] or "Please check this."}


# -- forms in place of typed commands


@dataclass(frozen=True)
class Bare:
    """A verb typed with nothing after it, and the project it was typed for, if one was named."""

    verb: str
    project: str | None


def bare_verb(registry: Registry, text: str) -> Bare | None:
    try:
        project, rest = split_project(text)
        verb, after = registry.match(tokenize(rest))
    except CommandError:
        return None
    return None if after else Bare(verb.name, project)
