"""Replies as Slack Block Kit, plus the plain `text` that Slack shows in notifications.

Every `str` part is escaped, so nothing a user or the LLM wrote can ping, link or mention: only
`Mention` parts become `<@U…>`. Slack's size limits are enforced by truncating with "…", because a
reply must always post.
"""

import re
from typing import Any

from handlers.reply import Action, Code, Line, Mention, Reply, Section, Tone

ICONS = {Tone.OK: "✅ ", Tone.ERROR: "❌ ", Tone.INFO: ""}

MAX_BLOCKS = 50  # per message
MAX_SECTION_TEXT = 3000  # section text, and each context element
MAX_FIELD_TEXT = 2000  # each item of a section's fields
MAX_FIELDS = 10  # per section
MAX_FALLBACK_TEXT = 3000
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_OPTION_VALUE = 150  # an overflow menu's option
ELLIPSIS = "…"
RUN = "pmbot-run"  # action_id prefix of the buttons that run their value as a command (actions.py)
EMPTY = "—"  # Slack rejects empty text objects

_USER_ID = re.compile(r"[UW][A-Z0-9]+")
_BROADCAST_WORD = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
# U+2060 WORD JOINER: invisible, so "@⁠here" still reads as "@here", but it is no longer the word
# "@here". Slack only pings bare @here/@channel/@everyone when a message is posted with
# link_names=true, which pmbot never sets; the joiner keeps text that is echoed back harmless
# even if that changes, or if someone copies it into a message of their own.
_WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """User or LLM text made inert in mrkdwn: `<!here>`, `<@U1>` and `<http://x|y>` show as typed."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST_WORD.sub("@" + _WORD_JOINER, text)


def _mention(part: Mention) -> str:
    if _USER_ID.fullmatch(part.user_id):
        return f"<@{part.user_id}>"
    return escape(f"@{part.user_id}")


def _code_text(part: Code) -> str:
    # A code span cannot contain a backtick (mrkdwn has no escape for it) nor span lines.
    return escape(part.text.replace("`", "").replace("\n", " "))


def mrkdwn(parts: Line) -> str:
    """A line as mrkdwn. `*`, `_`, `~` and backticks in text stay as typed: mrkdwn cannot escape them."""
    out = []
    for part in parts:
        if isinstance(part, Mention):
            out.append(_mention(part))
        elif isinstance(part, Code):
            text = _code_text(part)
            out.append(f"`{text}`" if text.strip() else text)
        else:
            out.append(escape(part))
    return "".join(out)


def plain(parts: Line) -> str:
    """A line as plain text for notifications: like `mrkdwn`, but code without backticks."""
    out = []
    for part in parts:
        if isinstance(part, Mention):
            out.append(_mention(part))
        elif isinstance(part, Code):
            out.append(_code_text(part))
        else:
            out.append(escape(part))
    return "".join(out)


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, ending in "…" when cut; never cuts an `&amp;` or a `<@U…>` in two."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    for opening, closing in (("&", ";"), ("<", ">")):
        start = cut.rfind(opening)
        if start > cut.rfind(closing):
            cut = cut[:start]
    return cut + ELLIPSIS


def _bold(text: str) -> str:
    # mrkdwn bold needs the asterisks next to non-space characters, and does not cross lines.
    return "\n".join(f"*{row.strip()}*" if row.strip() else "" for row in text.strip().splitlines())


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text or EMPTY, MAX_SECTION_TEXT)}}


def _headline(reply: Reply) -> dict[str, Any]:
    icon = ICONS[reply.tone]
    room = MAX_SECTION_TEXT - len(icon) - 2  # the two asterisks
    return _section((icon + _bold(truncate(mrkdwn(reply.headline).strip(), room))).strip())


def _field_sections(reply: Reply) -> list[dict[str, Any]]:
    texts = []
    for field in reply.fields:
        label = _bold(truncate(escape(field.label).strip(), MAX_FIELD_TEXT // 2))
        value = mrkdwn(field.value) or EMPTY
        texts.append(truncate(f"{label}\n{value}" if label else value, MAX_FIELD_TEXT))
    return [
        {"type": "section", "fields": [{"type": "mrkdwn", "text": text} for text in chunk]}
        for chunk in (texts[i : i + MAX_FIELDS] for i in range(0, len(texts), MAX_FIELDS))
    ]


def _plain_text(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text.strip() or EMPTY, limit), "emoji": True}


def _button(action: Action, n: int) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": f"{RUN}:{n}",  # unique within its actions block
        "text": _plain_text(action.label, MAX_BUTTON_TEXT),
        "value": action.command[:MAX_BUTTON_VALUE],
    }


def _overflow(actions: tuple[Action, ...]) -> dict[str, Any]:
    options = [
        {"text": _plain_text(a.label, MAX_BUTTON_TEXT), "value": a.command[:MAX_OPTION_VALUE]}
        for a in actions
    ]
    return {"type": "overflow", "action_id": f"{RUN}:menu", "options": options}


def _with_actions(section: Section, *, compact: bool) -> list[dict[str, Any]]:
    """Each item its own block with its buttons under it; `compact`, the buttons folded into a ⋯ menu
    beside the item (one block per item instead of two, for long lists)."""
    out = [_section(_bold(escape(section.title)))] if section.title.strip() else []
    for index, item in enumerate(section.items):
        block = _section(mrkdwn(item))
        actions = section.actions_of(index)
        if actions and compact:
            block["accessory"] = _button(actions[0], 0) if len(actions) == 1 else _overflow(actions[:5])
        out.append(block)
        if actions and not compact:
            out.append({"type": "actions", "elements": [_button(a, n) for n, a in enumerate(actions)]})
    return out


def _list_sections(reply: Reply, *, compact: bool = False) -> list[dict[str, Any]]:
    out = []
    for section in reply.sections:
        if section.actions:
            out += _with_actions(section, compact=compact)
            continue
        lines = [_bold(escape(section.title))] if section.title.strip() else []
        lines += [f"• {mrkdwn(item)}" for item in section.items]
        if lines:
            out.append(_section("\n".join(lines)))
    return out


def _usages(usage: str | None) -> list[str]:
    """Each usage line, escaped and without backticks, ready to go in a code span."""
    texts = (_code_text(Code(text)).strip() for text in (usage or "").splitlines())
    return [text for text in texts if text]


def _usage_lines(usage: str | None) -> list[str]:
    lines = _usages(usage)
    return [f"Usage: `{lines[0]}`", *(f"`{text}`" for text in lines[1:])] if lines else []


def _context(lines: list[str]) -> dict[str, Any]:
    text = truncate("\n".join(lines), MAX_SECTION_TEXT)
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def blocks(reply: Reply) -> list[dict[str, Any]]:
    """The reply as Block Kit: headline, fields, sections, then notes and usage in small print."""
    body = [_headline(reply), *_field_sections(reply), *_list_sections(reply)]
    if len(body) > MAX_BLOCKS - 1:  # too long with buttons under each item: menus beside them instead
        body = [_headline(reply), *_field_sections(reply), *_list_sections(reply, compact=True)]
    small_print = [text for text in (mrkdwn(note) for note in reply.notes) if text.strip()]
    small_print += _usage_lines(reply.usage)
    tail = [_context(small_print)] if small_print else []
    if len(body) + len(tail) > MAX_BLOCKS:
        keep = MAX_BLOCKS - len(tail) - 1
        body = [*body[:keep], _context([f"{ELLIPSIS} and {len(body) - keep} more not shown"])]
    return body + tail


def fallback_text(reply: Reply) -> str:
    """The whole reply as plain text: the `text` of a message, for notifications and screen readers."""
    lines = [ICONS[reply.tone] + plain(reply.headline)]
    lines += [f"{escape(field.label)}: {plain(field.value)}" for field in reply.fields]
    for section in reply.sections:
        if section.title.strip():
            lines.append(escape(section.title))
        lines += [f"• {plain(item)}" for item in section.items]
    lines += [plain(note) for note in reply.notes]
    usages = [
        text for text in (_code_text(Code(u)) for u in (reply.usage or "").splitlines()) if text.strip()
    ]
    if usages:
        lines.append("Usage: " + "\n".join(usages))
    return truncate("\n".join(lines).strip() or EMPTY, MAX_FALLBACK_TEXT)
