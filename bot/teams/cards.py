"""Replies as Adaptive Cards (schema 1.5, which Teams renders), with a plain-text fallback.

Every `str` part is made inert: user or LLM text can neither mention anyone nor become a markdown link.
Only `Mention` parts become Teams mentions (an `<at>…</at>` with its entity); `<at>` typed by someone is
broken with an invisible word joiner, as is the `]` that would start a link's target. A button is an
Action.Submit whose data carries the command it stands for (handlers.reply.Action), run as if typed.
"""

import json
import re
from collections.abc import Callable
from typing import Any

from handlers.reply import Action, Code, Line, Mention, Reply, Section, Tone

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
RUN = "run"  # data["pmbot"] of a button that runs data["command"]
ICONS = {Tone.OK: "✅ ", Tone.ERROR: "❌ ", Tone.INFO: ""}
COLOURS = {Tone.OK: "Good", Tone.ERROR: "Attention", Tone.INFO: "Default"}
MAX_CARD_BYTES = 24_000  # Teams refuses a message over about 28 KB; the envelope needs the rest
MAX_FALLBACK_TEXT = 3000
ELLIPSIS = "…"
_JOINER = "\u2060"  # WORD JOINER: invisible, but "<⁠at>" is no tag and "]⁠(" no link
_AT_TAG = re.compile(r"<(?=/?\s*at\b)", re.IGNORECASE)
_LINK_END = re.compile(r"\](?=\s*[(\[:])")
AAD_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)

Names = Callable[[str], str | None]  # a person's display name, when pmbot has seen it


def escape(text: str) -> str:
    """User or LLM text made inert in a card's markdown: no `<at>` mention, and no link (`[text](url)`,
    `[text][ref]`, `[ref]: url`), which all need a `]` right before their `(`, `[` or `:`."""
    return _LINK_END.sub("]" + _JOINER, _AT_TAG.sub("<" + _JOINER, text))


class _Mentions:
    """The mention entities a card needs, one per person mentioned."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.entities: dict[str, dict[str, Any]] = {}

    def text(self, part: Mention) -> str:
        name = self.names(part.user_id)
        if name is None or not AAD_ID.fullmatch(part.user_id):
            return escape(f"@{name or part.user_id}")
        tag = f"<at>{escape(name)}</at>"
        self.entities.setdefault(
            part.user_id,
            {"type": "mention", "text": tag, "mentioned": {"id": part.user_id, "name": name}},
        )
        return tag


def _markdown(parts: Line, mentions: _Mentions) -> str:
    out = []
    for part in parts:
        if isinstance(part, Mention):
            out.append(mentions.text(part))
        elif isinstance(part, Code):
            text = escape(part.text.replace("`", "").replace("\n", " "))
            out.append(f"`{text}`" if text.strip() else text)
        else:
            out.append(escape(part))
    return "".join(out)


def plain(parts: Line, names: Names) -> str:
    """A line as plain text, for the fallback: mentions as @name."""
    out = []
    for part in parts:
        if isinstance(part, Mention):
            out.append(f"@{names(part.user_id) or part.user_id}")
        else:
            out.append(part.text if isinstance(part, Code) else part)
    return escape("".join(out))


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text or "—", "wrap": True, **style}


def button(action: Action) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": action.label, "data": {"pmbot": RUN, "command": action.command}}


def _section(section: Section, mentions: _Mentions) -> list[dict[str, Any]]:
    out = [_text(escape(section.title), weight="Bolder")] if section.title.strip() else []
    if not section.actions:  # one block per item, so that a card too long loses whole items
        return out + [_text(f"- {_markdown(item, mentions)}", spacing="None") for item in section.items]
    for index, item in enumerate(section.items):
        actions = section.actions_of(index)
        block: list[dict[str, Any]] = [_text(_markdown(item, mentions))]
        if actions:
            block.append({"type": "ActionSet", "actions": [button(a) for a in actions]})
        out.append({"type": "Container", "items": block, "separator": index > 0})
    return out


def _usage(usage: str | None) -> list[dict[str, Any]]:
    lines = [u.replace("`", "").strip() for u in (usage or "").splitlines() if u.strip()]
    if not lines:
        return []
    text = "\n\n".join(f"`{escape(u)}`" for u in lines)
    return [_text(f"Usage: {text}", isSubtle=True, size="Small")]


def _image(reply: Reply, names: Names) -> list[dict[str, Any]]:
    """A chart that goes with the reply, by the address pmbot's web server serves it at (a card cannot
    carry the image itself), described for screen readers by the reply's headline."""
    attached = reply.attachment
    if attached is None or not attached.is_image or not attached.url:
        return []
    return [
        {"type": "Image", "url": attached.url, "altText": plain(reply.headline, names), "size": "Stretch"}
    ]


def body(reply: Reply, mentions: _Mentions) -> list[dict[str, Any]]:
    """The card's elements: headline, fields, sections, an image (a chart), then notes and usage in small
    print."""
    headline = ICONS[reply.tone] + _markdown(reply.headline, mentions)
    out = [_text(headline, weight="Bolder", size="Medium", color=COLOURS[reply.tone])]
    if reply.fields:
        facts = [
            {"title": escape(f.label), "value": _markdown(f.value, mentions) or "—"} for f in reply.fields
        ]
        out.append({"type": "FactSet", "facts": facts})
    for section in reply.sections:
        out += _section(section, mentions)
    out += _image(reply, mentions.names)
    notes = [_markdown(note, mentions) for note in reply.notes]
    out += [_text(note, isSubtle=True, size="Small") for note in notes if note.strip()]
    return out + _usage(reply.usage)


def fallback_text(reply: Reply, names: Names) -> str:
    """The whole reply as plain text: for notifications and clients that cannot show the card."""
    lines = [ICONS[reply.tone] + plain(reply.headline, names)]
    lines += [f"{escape(f.label)}: {plain(f.value, names)}" for f in reply.fields]
    for section in reply.sections:
        if section.title.strip():
            lines.append(escape(section.title))
        lines += [f"• {plain(item, names)}" for item in section.items]
    lines += [plain(note, names) for note in reply.notes]
    usages = [u.strip() for u in (reply.usage or "").splitlines() if u.strip()]
    if usages:
        lines.append("Usage: " + escape("\n".join(usages)))
    text = "\n".join(lines).strip() or "—"
    return text if len(text) <= MAX_FALLBACK_TEXT else text[: MAX_FALLBACK_TEXT - 1] + ELLIPSIS


def _downloads(reply: Reply) -> list[dict[str, Any]]:
    """A file other than an image (an export) as a button that opens its signed link: Teams does not
    let a bot post files in a channel."""
    attached = reply.attachment
    if attached is None or attached.is_image or attached.url is None:
        return []
    return [{"type": "Action.OpenUrl", "title": f"Download {attached.filename}", "url": attached.url}]


def card(reply: Reply, names: Names = lambda _user: None) -> dict[str, Any]:
    """The reply as an Adaptive Card; cut short (saying how much was left out) to fit in one message."""
    mentions = _Mentions(names)
    elements = body(reply, mentions)
    content: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "fallbackText": fallback_text(reply, names),
        "body": elements,
        "msteams": {"width": "Full", "entities": list(mentions.entities.values())},
    }
    downloads = _downloads(reply)
    if downloads:
        content["actions"] = downloads
    dropped = 0
    while len(json.dumps(content).encode()) > MAX_CARD_BYTES and len(elements) > 1:
        elements.pop(-2 if dropped else -1)
        dropped += 1
        if dropped == 1:
            elements.append(_text("", isSubtle=True, size="Small"))
        elements[-1]["text"] = f"{ELLIPSIS} and {dropped} more not shown"
    return content


def attachment(reply: Reply, names: Names = lambda _user: None) -> dict[str, Any]:
    return {"contentType": CONTENT_TYPE, "content": card(reply, names)}
