"""The modals that stand in for `/pm` commands: their Block Kit, and the command a submission becomes.

A submission is turned back into the text a person would have typed, so it goes through the very same
verb, readers and checks as the typed command: only the shape of each form lives here. Every value is
put in quotes, so whatever someone writes in one field stays that field's value. Each input block is
tied to the verb's argument (`Param` name) it fills, so an error about that argument shows beside it.
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from handlers.errors import CommandError
from handlers.registry import Registry
from handlers.reply import Code, Line, Mention, Reply, Tone
from handlers.tokens import split_project, tokenize
from handlers.values import column_limit
from storage.models import Decision, Deliverable, Kpi, Risk
from storage.vocab import Health, RiskCategory

CALLBACK_PREFIX = "form:"  # a modal's callback_id is this and the verb it stands in for
OPEN_FORM = "open_form"  # the action_id of buttons that open a form
PROJECT_BLOCK = "project"
MAX_OPTIONS = 100  # per static_select
MAX_OPTION_TEXT = 75
MAX_PREFILL = 3000  # a plain_text_input's initial_value
_KEY = re.compile(r"[a-z][a-z0-9-]{1,19}")  # a project key, as `project new` makes them


@dataclass(frozen=True)
class Input:
    """One input block. `param` is the verb argument it fills; `option` says it is typed after that
    argument's name (`p "4"`) rather than in its place among the verb's positional arguments."""

    block_id: str
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

    @property
    def callback_id(self) -> str:
        return CALLBACK_PREFIX + self.verb


@dataclass(frozen=True)
class Metadata:
    """What a submission needs that its fields do not hold; kept in the view's private_metadata."""

    channel: str | None = None  # where the command would have been typed; None from a global shortcut
    project: str | None = None  # a key typed with the command (`churn: risk add`)
    link: str | None = None  # a decision's source message
    response_url: str | None = None  # of the command, button or shortcut that opened the form

    def dumps(self) -> str:
        return json.dumps({key: value for key, value in asdict(self).items() if value is not None})

    @classmethod
    def loads(cls, text: str) -> "Metadata":
        data = json.loads(text or "{}")
        return cls(**{field.name: data.get(field.name) for field in fields(cls)})


class FieldError(Exception):
    """A form filled in a way no command can express; shown beside `block_id`."""

    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message)
        self.block_id = block_id
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
TYPED_ALONE = ("risk add", "decision", "deliverable add", "kpi add")  # `/pm <verb>` alone opens these
BUTTONS = {"status": ("Post a status", "status")}  # verb typed alone → (label, form) under its answer


# -- the view


def _plain(text: str, limit: int = 3000) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def _options(choices: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"text": _plain(label, MAX_OPTION_TEXT), "value": value} for value, label in choices]


def _element(field: Input, initial: str | None) -> dict[str, Any]:
    kind = field.kind
    element: dict[str, Any]
    if kind in ("text", "long text"):
        element = {"type": "plain_text_input", "multiline": kind == "long text"}
        if field.max_length:
            element["max_length"] = field.max_length
        if initial:
            element["initial_value"] = initial[: min(field.max_length or MAX_PREFILL, MAX_PREFILL)]
    elif kind == "number":
        element = {"type": "number_input", "is_decimal_allowed": True}
    elif kind == "choice":
        element = {"type": "static_select", "options": _options(field.choices)}
        chosen = [option for option in element["options"] if option["value"] == initial]
        if chosen:
            element["initial_option"] = chosen[0]
    elif kind == "person":
        element = {"type": "users_select"}
    elif kind == "date":
        element = {"type": "datepicker"}
    elif kind == "flag":
        element = {"type": "checkboxes", "options": _options(field.choices)}
    else:
        raise ValueError(f"unknown input kind {kind!r}")
    element["action_id"] = "value"
    return element


def _input_block(field: Input, initial: str | None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": field.block_id,
        "label": _plain(field.label, 2000),
        "element": _element(field, initial),
        "optional": field.optional,
    }
    if field.hint:
        block["hint"] = _plain(field.hint, 2000)
    return block


def project_choices(projects: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """(key, name) pairs as a select's choices; a select holds at most 100."""
    return tuple((key, f"{key} — {name}") for key, name in projects[:MAX_OPTIONS])


def view(
    form: Form,
    metadata: Metadata,
    *,
    prefill: Mapping[str, str] | None = None,
    projects: Sequence[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The modal for `form`; `prefill` maps block ids to initial values; `projects` ((key, name)
    pairs) adds a project select first, for forms opened where there is no channel."""
    inputs = []
    if projects is not None:
        inputs.append(
            _input_block(
                Input(PROJECT_BLOCK, "Project", "choice", "", choices=project_choices(projects)), None
            )
        )
    inputs += [_input_block(f, (prefill or {}).get(f.block_id, f.initial)) for f in form.inputs]
    return {
        "type": "modal",
        "callback_id": form.callback_id,
        "title": _plain(form.title, 24),
        "submit": _plain(form.submit, 24),
        "close": _plain("Cancel", 24),
        "private_metadata": metadata.dumps(),
        "blocks": inputs,
    }


def notice(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something, such as why a form cannot be filled in yet."""
    return {
        "type": "modal",
        "title": _plain(title, 24),
        "close": _plain("Close", 24),
        "blocks": [{"type": "section", "text": _plain(text)}],
    }


def result(title: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """A modal showing an answer that has nowhere else to go, with a Close button."""
    return {"type": "modal", "title": _plain(title, 24), "close": _plain("Close", 24), "blocks": blocks}


# -- the submission


def quote(value: str) -> str:
    """`value` as one quoted word. A `"` inside becomes ”; since ” also ends a word in straight quotes,
    text holding one goes in «…», where only » (made ›) or `"` would end it."""
    value = value.replace('"', "”")
    if "”" not in value:
        return f'"{value}"'
    return "«" + value.replace("»", "›") + "»"


def _typed(kind: str, state: Mapping[str, Any]) -> str | None:
    """A field's value as it would be typed, or None when it was left empty."""
    if kind == "flag":
        return "" if state.get("selected_options") else None
    if kind == "choice":
        raw = (state.get("selected_option") or {}).get("value")
    elif kind == "person":
        user = state.get("selected_user")
        raw = f"<@{user}>" if user else None
    elif kind == "date":
        raw = state.get("selected_date")
    else:
        raw = state.get("value")
    return quote(raw) if raw is not None and str(raw).strip() else None


def _states(view_payload: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    values = (view_payload.get("state") or {}).get("values") or {}
    return {block_id: next(iter(actions.values()), {}) for block_id, actions in values.items() if actions}


@dataclass(frozen=True)
class Submission:
    text: str  # the command, as it would be typed
    supplied: dict[str, str]  # param → the block whose value filled it


def command_text(form: Form, view_payload: Mapping[str, Any], metadata: Metadata) -> Submission:
    """The command a submitted form stands for: the verb, its arguments in order, then its options."""
    states = _states(view_payload)
    positional: list[str] = []
    options: list[str] = []
    supplied: dict[str, str] = {}
    for field in form.inputs:
        typed = _typed(field.kind, states.get(field.block_id, {}))
        if typed is None:
            continue
        if field.param in supplied:
            earlier = next(f for f in form.inputs if f.block_id == supplied[field.param])
            raise FieldError(field.block_id, f"Fill in either “{earlier.label}” or this, not both.")
        supplied[field.param] = field.block_id
        if not field.option:
            positional.append(typed)
        else:
            options.append(f"{field.param} {typed}".rstrip())
    if metadata.link and form.verb == "decision":
        options.append(f"link {quote(metadata.link)}")
    chosen = (states.get(PROJECT_BLOCK, {}).get("selected_option") or {}).get("value")
    if chosen is not None and not _KEY.fullmatch(chosen):
        raise FieldError(PROJECT_BLOCK, "Pick one of the projects.")
    project = chosen or metadata.project
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
    """A refused command's message beside the field it is about, else beside the first field."""
    blocks = [f.block_id for f in form.inputs]
    first = PROJECT_BLOCK if has_project else blocks[0]
    param = reply.param or ""
    target = submission.supplied.get(param) or next(
        (f.block_id for f in form.inputs if f.param == param), first
    )
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


def buttons(registry: Registry, text: str, reply: Reply) -> list[dict[str, Any]]:
    """An actions block under the answer to a verb typed alone that has a form (`status`: show the
    latest, and a button to post one), unless the answer is an error."""
    bare = bare_verb(registry, text)
    if bare is None or bare.verb not in BUTTONS or reply.tone is Tone.ERROR:
        return []
    label, form = BUTTONS[bare.verb]
    value = json.dumps({"form": form, "project": bare.project})
    button = {"type": "button", "action_id": OPEN_FORM, "text": _plain(label, 75), "value": value}
    return [{"type": "actions", "elements": [button]}]
