"""What a command answers, in platform-neutral parts that each adapter renders its own way.

Plain `str` parts are text as people typed it or as we wrote it: adapters escape them. Mentions and
code are separate parts so that only pmbot, never user text, can produce a ping or a formatted span.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Mention:
    user_id: str


@dataclass(frozen=True)
class Code:
    text: str


Inline = str | Mention | Code
Line = tuple[Inline, ...]


def line(*parts: Inline) -> Line:
    return tuple(part for part in parts if part != "")


class Tone(StrEnum):
    OK = "ok"  # something was recorded
    INFO = "info"  # something was shown
    ERROR = "error"  # nothing was recorded; the headline says why


@dataclass(frozen=True)
class Field:
    label: str
    value: Line


@dataclass(frozen=True)
class Action:
    """Something a person can do with an item at one click: the command they would otherwise type
    (with its project, `churn: deliverable done A-3`), carried out like a typed one."""

    label: str
    command: str


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Line, ...]
    actions: tuple[tuple[Action, ...], ...] = ()  # for each item, in the same order; () when none

    def actions_of(self, index: int) -> tuple[Action, ...]:
        return self.actions[index] if index < len(self.actions) else ()


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a reply, where the platform allows: a Markdown report, a chart (PNG), an
    export (ZIP). `url`, when pmbot's web server serves the same file under a signed link: platforms
    that show images only by address (Teams cards) use it."""

    filename: str
    data: bytes
    url: str | None = None

    @property
    def is_image(self) -> bool:
        return self.filename.lower().endswith(".png")


@dataclass(frozen=True)
class Reply:
    headline: Line
    tone: Tone = Tone.INFO
    fields: tuple[Field, ...] = ()
    sections: tuple[Section, ...] = ()
    usage: str | None = None
    notes: tuple[Line, ...] = field(default=())
    public: bool = False  # a record the whole channel should see; otherwise only the person who typed
    param: str | None = None  # on an error, the argument the bad value belongs to: forms show it there
    attachment: Attachment | None = None
    direct: bool = False  # for the person's direct messages only (a signed link): never shown in a channel


def sent_directly(reply: Reply) -> Reply:
    """What is shown in place of a `direct` reply once it is in the person's direct messages."""
    return Reply(headline=line("I sent you this by direct message: ", *reply.headline), tone=Tone.OK)


def error(*headline: Inline, usage: str | None = None, param: str | None = None) -> Reply:
    return Reply(headline=line(*headline), tone=Tone.ERROR, usage=usage, param=param)


def _inline_to_json(part: Inline) -> Any:
    if isinstance(part, Mention):
        return {"mention": part.user_id}
    if isinstance(part, Code):
        return {"code": part.text}
    return part


def _inline_from_json(data: Any) -> Inline:
    if isinstance(data, str):
        return data
    return Mention(data["mention"]) if "mention" in data else Code(data["code"])


def _line_to_json(parts: Line) -> list[Any]:
    return [_inline_to_json(part) for part in parts]


def _line_from_json(data: list[Any]) -> Line:
    return tuple(_inline_from_json(part) for part in data)


def _attachment_to_json(attachment: Attachment) -> list[Any]:
    """Its name and address, not its bytes: a repeated request is answered without the file, which went
    out the first time, so a chart or an export is not kept once more with every request."""
    return [attachment.filename, attachment.url]


def _attachment_from_json(data: list[Any]) -> Attachment:
    filename, url = data
    return Attachment(filename, b"", url)


def to_json(reply: Reply) -> dict[str, Any]:
    """The reply as JSON, kept with a handled request so that a retry gets the same answer."""
    return {
        "headline": _line_to_json(reply.headline),
        "tone": reply.tone.value,
        "fields": [[f.label, _line_to_json(f.value)] for f in reply.fields],
        "sections": [
            [
                s.title,
                [_line_to_json(i) for i in s.items],
                [[[a.label, a.command] for a in row] for row in s.actions],
            ]
            for s in reply.sections
        ],
        "usage": reply.usage,
        "notes": [_line_to_json(n) for n in reply.notes],
        "public": reply.public,
        "param": reply.param,
        "attachment": _attachment_to_json(reply.attachment) if reply.attachment else None,
        "direct": reply.direct,
    }


def _section_from_json(title: str, items: list[Any], actions: list[Any] | None = None) -> Section:
    return Section(
        title,
        tuple(_line_from_json(i) for i in items),
        tuple(tuple(Action(label, command) for label, command in row) for row in actions or ()),
    )


def from_json(data: dict[str, Any]) -> Reply:
    return Reply(
        headline=_line_from_json(data["headline"]),
        tone=Tone(data["tone"]),
        fields=tuple(Field(label, _line_from_json(value)) for label, value in data["fields"]),
        sections=tuple(_section_from_json(*section) for section in data["sections"]),
        usage=data["usage"],
        notes=tuple(_line_from_json(n) for n in data["notes"]),
        public=data.get("public", False),
        param=data.get("param"),
        attachment=_attachment_from_json(data["attachment"]) if data.get("attachment") else None,
        direct=data.get("direct", False),
    )
