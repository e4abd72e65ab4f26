"""Model output made safe before it is posted: no broadcast pings in any form, no mentions of people or
links the source did not have, no control characters, and a bounded length.

This is not escaping: each platform adapter escapes &, < and > for its own markup. It makes sure that
nothing dangerous survives as text, so that an adapter that forgot to escape, or a platform that parses
"@here" in plain text, still pings nobody.

Known limits: links are found by their http(s) scheme ("evil.example" alone is left as text, though Slack
may link it), and a link counts as in the source when it is written there exactly.
"""

import re
import unicodedata

_SLACK_SPECIAL = re.compile(r"<![^>]*>")  # <!channel>, <!here|here>, <!subteam^S123|@team>, <!date^…>
# After any character ("a@here" too), but not as the domain of an e-mail address (ops@here.com).
_BROADCAST = re.compile(r"@(?:channel|here|everyone)(?!\w|\.\w)", re.IGNORECASE)
_TEAMS_MENTION = re.compile(r"<at\b[^>]*>.*?</at\s*>", re.IGNORECASE | re.DOTALL)
_TEAMS_TAG = re.compile(r"</?at\b[^>]*>", re.IGNORECASE)
_SLACK_USER = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.@<])@([A-Za-z][\w.-]*\w|[A-Za-z])")
_LINK = re.compile(
    r"""
    <(?P<slack>(?:https?://|mailto:)[^|>\s]*)(?:\|(?P<slack_label>[^>]*))?>     # Slack <url|label>
    |!?\[(?P<md_label>[^\[\]\n]*)\]\(\s*<?(?P<md>[^)\s>]*)>?(?:\s+"[^"\n]*")?\s*\)  # Markdown [label](url)
    |(?P<bare>https?://[^\s<>"'|\[\]]+)                                        # a bare URL
    """,
    re.IGNORECASE | re.VERBOSE,
)
_URL_TAIL = ".,;:!?)'\""  # punctuation after a bare URL that belongs to the sentence
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def sanitize(text: str, *, source: str, limit: int) -> str:
    """`text` without pings, foreign mentions and links, control characters and runs of spaces, cut to
    at most `limit` characters at a word boundary, ending with "…" when cut."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    text = _cleaned(_without_controls(_LINE_BREAKS.sub("\n", text)), source)
    bounded = _bounded(text, limit)
    return bounded if bounded == text else _cleaned(bounded, source)  # a cut "@hereabouts" is "@here…"


def _cleaned(text: str, source: str) -> str:
    while True:  # a removal may join what is left into a new ping: "<!<!here>channel>"
        cleaned = _clean(text, source)
        if cleaned == text:
            break
        text = cleaned
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _without_controls(text: str) -> str:
    """Control and format characters out, newlines and tabs kept: zero-width and direction marks could
    hide a ping ("@\u200bhere") or reorder what a reader sees."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))


def _clean(text: str, source: str) -> str:
    text = _LINK.sub(lambda m: _link(m, source), text)
    text = _TEAMS_TAG.sub("", _TEAMS_MENTION.sub("", text))
    text = _BROADCAST.sub("", _SLACK_SPECIAL.sub("", text))
    text = _SLACK_USER.sub(lambda m: m.group() if _has_user(source, m.group(1)) else "", text)
    return _HANDLE.sub(lambda m: m.group() if _has_handle(source, m.group(1)) else "", text)


def _link(m: re.Match[str], source: str) -> str:
    """The link if the source has it; otherwise its label as plain text, or nothing."""
    if m.group("bare"):
        url = m.group("bare")
        kept = url.rstrip(_URL_TAIL)
        if kept.count("(") > kept.count(")") and url[len(kept) :].startswith(")"):
            kept += ")"  # https://en.wikipedia.org/wiki/Churn_(marketing)
        tail = url[len(kept) :]
        return url if kept in source else tail
    url = m.group("slack") if m.group("slack") is not None else m.group("md")
    label = m.group("slack_label") if m.group("slack") is not None else m.group("md_label")
    if url and url in source:
        return m.group()
    return label or ""


def additions(text: str, source: str) -> list[str]:
    """The pings, and the mentions and links `source` does not have, in `text`: what `sanitize` would
    remove. A model that wrote any of them was steered by the text it was given, so its answer is not used.
    """
    text = _without_controls(_LINE_BREAKS.sub("\n", text))  # "@\u200bhere" pings once the mark is gone
    found = [
        m.group() for pattern in (_SLACK_SPECIAL, _BROADCAST, _TEAMS_TAG) for m in pattern.finditer(text)
    ]
    found += [m.group() for m in _SLACK_USER.finditer(text) if not _has_user(source, m.group(1))]
    found += [m.group() for m in _HANDLE.finditer(text) if not _has_handle(source, m.group(1))]
    return found + [m.group() for m in _LINK.finditer(text) if _link(m, source) != m.group()]


# What a model writes when it obeyed instructions hidden in the data rather than its own: talk of its
# instructions or prompt, of being an AI, or a chat transcript's role labels.
_OBEYED = re.compile(
    r"""
    \b(?:ignor\w*|disregard\w*|forg[eo]t\w*|overrid\w*|bypass\w*)\b[^.\n]{0,40}
        \b(?:instructions?|rules|prompts?|guidelines|guardrails)\b
    |\b(?:my|the)\s+(?:previous\s+|original\s+|hidden\s+)?(?:instructions|system\s+prompt|guidelines)\b
    |\bsystem\s+(?:prompt|message)\b|\bdeveloper\s+mode\b|\bjailbr(?:eak|oken)\w*
    |\bas\s+an?\s+(?:ai|llm|(?:large\s+)?language\s+model|summari[sz]er)\b
    |(?:^|[.!?]\s+)(?:system|assistant|user)\s*:
    |\b(?:api|secret)[\s_-]?key\b|\bpwned\b
    """,
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)


def obeyed(text: str, source: str) -> str | None:
    """The words in `text` that show a model following instructions it found in the data, if any; words
    the team wrote themselves ("we rotated the API key") are theirs, not a sign."""
    written = source.casefold()
    return next((m.group() for m in _OBEYED.finditer(text) if m.group().casefold() not in written), None)


def _has_user(source: str, user_id: str) -> bool:
    return re.search(rf"<@{re.escape(user_id)}[|>]", source, re.IGNORECASE) is not None


def _has_handle(source: str, name: str) -> bool:
    handle = rf"(?<![\w.@<|])@{re.escape(name)}(?![\w.-]*\w)|<@[A-Z0-9]+\|{re.escape(name)}>"
    return re.search(handle, source, re.IGNORECASE) is not None


def _bounded(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace():
        space = max(cut.rfind(" "), cut.rfind("\n"))
        if space > 0:
            cut = cut[:space]
    return cut.rstrip(" \n.,;:–—-") + "…"
