"""pmbot's forms (handlers/forms.py) as Adaptive Cards, and reading one that was submitted.

A form's button is an Action.Execute (Teams answers its `adaptiveCard/action` invoke by replacing the
card) that falls back to an Action.Submit (a message whose value holds the fields) where Universal
Actions are not shown; both carry the form's id in their data, which Teams merges with the fields.
A submission becomes the command a person would have typed (handlers/forms.py), so it goes through the
verb's own checks; what was wrong is shown beside its field, on the same card filled in again.

A person is typed in a text field, as Teams cards have no people picker outside Graph: their name as
Teams shows it, or their first name, with or without an @, among the people pmbot has seen in the tenant.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.teams.cards import AAD_ID, SCHEMA, VERSION, escape
from handlers import forms
from handlers.forms import BUTTONS, Bare, FieldError, Form, Input, Submission
from handlers.reply import Reply, Tone

FORM = "form"  # data["pmbot"] of a form's submit button; data["form"] is the form's verb
EXECUTE = "pmbot.form"  # the verb of a form's Action.Execute

Named = Callable[[str], list[str]]  # the ids of the people in the tenant called this


def _data(form: Form, project: str | None) -> dict[str, str]:
    data = {"pmbot": FORM, "form": form.verb}
    return data | {"project": project} if project else data


def _submit(form: Form, project: str | None) -> dict[str, Any]:
    data = _data(form, project)
    fallback = {"type": "Action.Submit", "title": form.submit, "data": data, "style": "positive"}
    return {
        "type": "Action.Execute",
        "title": form.submit,
        "verb": EXECUTE,
        "data": data,
        "style": "positive",
        "fallback": fallback,
    }


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _input(field: Input, value: str | None) -> dict[str, Any]:
    kind = field.kind
    element: dict[str, Any] = {"id": field.name, "label": field.label, "isRequired": not field.optional}
    if kind in ("text", "long text", "person"):
        element |= {"type": "Input.Text", "isMultiline": kind == "long text"}
        if field.max_length:
            element["maxLength"] = field.max_length
        placeholder = field.hint or ("Their name, as Teams shows it" if kind == "person" else None)
        if placeholder:
            element["placeholder"] = placeholder
        if value:
            element["value"] = value[: field.max_length] if field.max_length else value
    elif kind == "number":
        element["type"] = "Input.Number"
        if field.hint:
            element["placeholder"] = field.hint
        if _number(value) is not None:
            element["value"] = _number(value)
    elif kind == "choice":
        choices = [{"title": label, "value": choice} for choice, label in field.choices]
        element |= {"type": "Input.ChoiceSet", "style": "compact", "choices": choices}
        if value in dict(field.choices):
            element["value"] = value
    elif kind == "date":
        element["type"] = "Input.Date"
        if value:
            element["value"] = value
    elif kind == "flag":
        (on, title), *_ = field.choices
        element |= {"type": "Input.Toggle", "title": title, "valueOn": on, "valueOff": "false"}
        element["value"] = on if value and value != "false" else "false"
    else:
        raise ValueError(f"unknown input kind {kind!r}")
    if element["isRequired"]:
        element["errorMessage"] = f"{field.label} is needed."
    return element


def _error(message: str) -> dict[str, Any]:
    text = "❌ " + escape(message)
    return {
        "type": "TextBlock",
        "text": text,
        "wrap": True,
        "color": "Attention",
        "size": "Small",
        "spacing": "Small",
    }


def fields(
    form: Form, values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The form's inputs, filled with `values` (field name → as submitted), each followed by what was
    wrong with it, if anything."""
    values, errors = values or {}, errors or {}
    out = []
    for field in form.inputs:
        out.append(_input(field, values.get(field.name, field.initial)))
        if field.name in errors:
            out.append(_error(errors[field.name]))
    return out


def card(
    form: Form,
    *,
    project: str | None = None,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The form as a card of its own; `project` is a key typed with the command that asked for it."""
    title = form.title + (f" in {project}" if project else "")
    heading = {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True}
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "fallbackText": title,
        "body": [heading, *fields(form, values, errors)],
        "actions": [_submit(form, project)],
        "msteams": {"width": "Full"},
    }


def again(filled: "Filled", errors: Mapping[str, str]) -> dict[str, Any]:
    """The submitted form once more, as it was filled in, with what was wrong beside its fields."""
    return card(filled.form, project=filled.project, values=filled.values, errors=errors)


def buttons(bare: Bare | None, reply: Reply) -> list[dict[str, Any]]:
    """Under the answer to a verb typed alone that has a form (`status`), a button that unfolds it."""
    if bare is None or bare.verb not in BUTTONS or reply.tone is Tone.ERROR:
        return []
    label, verb = BUTTONS[bare.verb]
    form = forms.FORMS[verb]
    unfolded = {"type": "AdaptiveCard", "body": fields(form), "actions": [_submit(form, bare.project)]}
    return [{"type": "Action.ShowCard", "title": label, "card": unfolded}]


# -- a submitted form


@dataclass(frozen=True)
class Filled:
    form: Form
    project: str | None
    values: dict[str, str]  # field name → as submitted


def filled(data: Any) -> Filled | None:
    """The form submitted, when `data` (an Action.Submit's value, an Action.Execute's data) is one."""
    if not isinstance(data, dict) or data.get("pmbot") != FORM:
        return None
    form = forms.FORMS.get(str(data.get("form")))
    if form is None:
        return None
    project = data.get("project")
    if not isinstance(project, str) or not forms.is_project_key(project):
        project = None
    values = {f.name: str(data[f.name]) for f in form.inputs if data.get(f.name) is not None}
    return Filled(form, project, values)


def _person(field: Input, typed: str, named: Named) -> str:
    """`@<id>` of the person typed in the field: an Entra object id, or a name pmbot knows."""
    name = " ".join(typed.strip().removeprefix("@").split())
    if AAD_ID.fullmatch(name):
        return f"@{name}"
    found = named(name)
    if len(found) == 1:
        return f"@{found[0]}"
    if found:
        raise FieldError(field.name, f"More than one person is called “{name}”: type their whole name.")
    raise FieldError(
        field.name,
        f"I do not know anyone called “{name}” here. Type their name as Teams shows it; "
        "someone who has never written to pmbot should say hello to it first.",
    )


def command_text(submitted: Filled, named: Named) -> Submission:
    """The command the submitted form stands for (raises FieldError)."""
    values: dict[str, str | None] = dict(submitted.values)
    for field in submitted.form.inputs:
        typed = values.get(field.name)
        if field.kind == "person" and typed and typed.strip():
            values[field.name] = _person(field, typed, named)
    return forms.command_text(submitted.form, values, project=submitted.project)
