"""Replies as plain text for a terminal."""

from handlers.reply import Code, Line, Mention, Reply, Tone

MARKS = {Tone.OK: "✓ ", Tone.ERROR: "✗ ", Tone.INFO: ""}


def render_line(parts: Line) -> str:
    out = []
    for part in parts:
        if isinstance(part, Mention):
            out.append(f"@{part.user_id}")
        elif isinstance(part, Code):
            out.append(f"`{part.text}`")
        else:
            out.append(part)
    return "".join(out)


def render(reply: Reply) -> str:
    lines = [MARKS[reply.tone] + render_line(reply.headline)]
    lines += [f"  {field.label}: {render_line(field.value)}" for field in reply.fields]
    for section in reply.sections:
        if section.title:
            lines.append(f"{section.title}:")
        lines += [f"  • {render_line(item)}" for item in section.items]
    lines += [f"  {render_line(note)}" for note in reply.notes]
    if reply.usage:
        usages = reply.usage.splitlines()
        lines.append(f"  Usage: {usages[0]}")
        lines += [f"         {usage}" for usage in usages[1:]]
    return "\n".join(lines)
