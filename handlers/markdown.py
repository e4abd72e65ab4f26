"""A reply as a Markdown document, for a file people keep or forward (the steering report).

Text people typed is escaped so that it cannot turn into links, images or HTML in a Markdown viewer;
mentions are written as `@U…` (a file cannot ping anyone)."""

import re

from handlers.reply import Code, Line, Mention, Reply

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _line(parts: Line) -> str:
    out = []
    for part in parts:
        if isinstance(part, Mention):
            out.append(f"@{part.user_id}")
        elif isinstance(part, Code):
            out.append("`" + part.text.replace("`", "'").replace("\n", " ") + "`")
        else:
            out.append(_escape(part).replace("\n", "  \n"))
    return "".join(out)


def markdown(reply: Reply) -> str:
    """Headline as the title, fields as a list, each section under its own heading, notes at the end."""
    lines = [f"# {_line(reply.headline)}", ""]
    if reply.fields:
        lines += [f"- **{_escape(field.label)}**: {_line(field.value)}" for field in reply.fields] + [""]
    for section in reply.sections:
        if section.title.strip():
            lines += [f"## {_escape(section.title)}", ""]
        lines += [f"- {_line(item)}" for item in section.items] + [""]
    lines += [f"_{_line(note)}_" if note else "" for note in reply.notes]
    return "\n".join(lines).rstrip() + "\n"
