"""The modals that stand in for `/pm` commands: their Block Kit, and reading what Slack sends back.

The forms themselves (their fields, which verb argument each fills) and turning a submission into the
command a person would have typed are platform-neutral (handlers/forms.py); here each field becomes an
input block whose block_id is the field's name, and a view's state becomes the field values.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from handlers import forms
from handlers.forms import BUTTONS, PROJECT_FIELD, Form, Input, Submission, bare_verb
from handlers.registry import Registry
from handlers.reply import Reply, Tone

CALLBACK_PREFIX = "form:"  # a modal's callback_id is this and the verb it stands in for
OPEN_FORM = "open_form"  # the action_id of buttons that open a form
MAX_OPTIONS = 100  # per static_select
MAX_OPTION_TEXT = 75
MAX_PREFILL = 3000  # a plain_text_input's initial_value


def callback_id(form: Form) -> str:
    return CALLBACK_PREFIX + form.verb


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
        "block_id": field.name,
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
    """The modal for `form`; `prefill` maps field names to initial values; `projects` ((key, name)
    pairs) adds a project select first, for forms opened where there is no channel."""
    inputs = []
    if projects is not None:
        inputs.append(
            _input_block(
                Input(PROJECT_FIELD, "Project", "choice", "", choices=project_choices(projects)), None
            )
        )
    inputs += [_input_block(f, (prefill or {}).get(f.name, f.initial)) for f in form.inputs]
    return {
        "type": "modal",
        "callback_id": callback_id(form),
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


def _raw(kind: str, state: Mapping[str, Any]) -> str | None:
    """What an input block's state holds, as forms.command_text takes it."""
    if kind == "flag":
        return "on" if state.get("selected_options") else None
    if kind == "choice":
        value = (state.get("selected_option") or {}).get("value")
    elif kind == "person":
        user = state.get("selected_user")
        value = f"<@{user}>" if user else None
    elif kind == "date":
        value = state.get("selected_date")
    else:
        value = state.get("value")
    return None if value is None else str(value)


def _states(view_payload: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    values = (view_payload.get("state") or {}).get("values") or {}
    return {block_id: next(iter(actions.values()), {}) for block_id, actions in values.items() if actions}


def command_text(form: Form, view_payload: Mapping[str, Any], metadata: Metadata) -> Submission:
    """The command a submitted modal stands for (raises forms.FieldError)."""
    states = _states(view_payload)
    values = {f.name: _raw(f.kind, states.get(f.name, {})) for f in form.inputs}
    if PROJECT_FIELD in states:
        values[PROJECT_FIELD] = _raw("choice", states[PROJECT_FIELD])
    return forms.command_text(form, values, project=metadata.project, link=metadata.link)


# -- a button to a form under an answer


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
