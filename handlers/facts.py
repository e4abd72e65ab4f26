"""The fact check for written summaries: every number, percentage, date, money amount and person that a
summary names must also be in the source it summarises.

Each fact gets a key that makes equal what people write differently for the same fact, and nothing else:
0.71 = 0.710 = .71; 12,400 = 12400 = 12 400; 2k = 2,000; 1.2M = 1,200,000; €40k = 40k € = EUR 40,000
(money keeps its currency); 12% = 12 % = 12 percent, but 12% is not 12; 1 Dec 2026 = Dec 1, 2026 =
2026-12-01. A summary may be less precise than its source, never different: "3 Dec" and "Dec 2026" are
supported by a source date on that day or in that month, and a year by any source date in that year.

Keys: numbers as plain decimals ("12400", "-0.5"); percentages "12%" (percentage points "3pp"); money
"EUR 40000" ($ is USD, £ GBP, ¥ JPY); dates ISO ("2026-12-01", "--12-03" without a year, "2026-12" for a
month); names of things such as Q3, p95, F1, v2 and GPT-4 are of kind "number", keyed as the lower-cased
token ("q3"), so Q4 for Q3 is caught; people lower-cased ("maria lopez", "@alice", "<@u024be7lh>").

Known limits:
- A number is compared with numbers only: 71% is not 0.71, and "40k" is not "€40k".
- "1,5" is read as 1 and 5 (a comma is a thousands separator only before exactly three digits), "12.400"
  as 12.4, and "2 100" as 2100 (one space before exactly three digits groups thousands).
- A lowercase "m" means million only after a currency or a decimal ("$5m", "1.2m"): "5m" may be minutes.
- 01/12/2026 is compared as written, because day and month may be either way round.
- Words for numbers ("three") and times of day are not read.
- Names of people are found only as Slack mentions, @handles and two capitalised words in the middle of a
  sentence (after a bullet, emoji, colon or dash counts as the start), so "Maria Lopez said" at the start
  of a sentence, three-word names ("Mary Ann Smith") and lone first names are not checked; a capitalised
  phrase such as "Steering Committee" may be taken for a name, and passes only when the source says it too.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

_HIDDEN = "\x00"  # what a span already read (or not to be read) is replaced with
_SPACE = "[ \u00a0]"
_CODES = ("USD", "EUR", "GBP", "CHF", "JPY", "CNY", "INR", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN")
_CURRENCIES = {code.lower(): code for code in _CODES} | {
    "us$": "USD", "$": "USD", "dollar": "USD", "dollars": "USD",
    "€": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "¥": "JPY",
}  # fmt: skip
_MULTIPLIERS = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "million": 6, "b": 9, "bn": 9, "billion": 9}
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
# First words of capitalised phrases that are not names: those models write most, weekdays and months.
_STOP_WORDS = frozenset(
    (  # noqa: SIM905 (as a list literal, 56 words would take 56 lines)
        "The This That These Those Our We It Its A An In On At By For From To Of And But Or With After "
        "Before Next Business Project Sponsor Sponsors Impact Summary Headline Status Key Risk Risks "
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
        "August September October November December"
    ).split()
)

# Not facts: links, e-mail addresses, channel references and Slack's special mentions.
_NOT_FACTS = re.compile(
    r"https?://[^\s<>|]+|(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|<[#!][^>]*>"
)
_SLACK_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.@<])@([A-Za-z][\w.-]*[A-Za-z0-9_]|[A-Za-z])")
_BROADCASTS = {"channel", "here", "everyone"}
_LIST_MARKER = re.compile(r"^[ \t]*\d{1,3}[.)](?=\s)", re.MULTILINE)

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])(?:\.(?=[ \u00a0]*\d))?"
)
_YEAR = rf"(?:,?{_SPACE}+(?P<year>\d{{4}})(?!\d))"
_ISO_DATE = re.compile(
    r"(?<![\w.-])(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?!\d)"
)
_DAY_MONTH = re.compile(
    rf"(?<![\w.])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:{_SPACE}+of)?{_SPACE}+{_MONTH}{_YEAR}?", re.IGNORECASE
)
_MONTH_DAY = re.compile(
    rf"(?<!\w){_MONTH}{_SPACE}+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d){_YEAR}?(?!\w)", re.IGNORECASE
)
_MONTH_YEAR = re.compile(rf"(?<!\w){_MONTH}{_SPACE}+(?P<year>\d{{4}})(?!\d)", re.IGNORECASE)
_NUMERIC_DATE = re.compile(
    r"(?<![\w./])(?P<day>\d{1,2})(?P<sep>[/.])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\w/]|\.\d)"
)

_VERSION = re.compile(r"(?<![\w.])\d+(?:\.\d+){2,}(?!\w)")
# Q3, p95, F1, v2.1, GPT-4o: names of things, compared whole.
_NAME_OF_THING = re.compile(
    rf"(?<!\w)(?!(?:{'|'.join(_CODES)})\d)"  # "EUR40k" is money
    r"[A-Za-z]+-?\d+(?:\.\d+)*[A-Za-z0-9]*"  # Q3, p95, GPT-4o, v2.1
    r"(?:-\d[A-Za-z0-9]*(?:\.\d+)*)*(?!\w)"  # Llama-3.1-70B
)

_CODE = rf"(?:{'|'.join(_CODES)})(?![A-Za-z])"
_QUANTITY = re.compile(
    rf"""
    (?<![\w.{_HIDDEN}])
    (?:(?<![^\s(\[{{:=~/])(?P<sign>[-−+]))?         # a sign only after a space or an opening
    (?:(?P<pre>US\$|[$€£¥]|{_CODE}){_SPACE}?)?
    (?P<sign2>[-−])?
    (?P<number>\d{{1,3}}(?:,\d{{3}}(?!\d))+(?:\.\d+)?
      |\d{{1,3}}(?:[ \u00a0\u202f\u2009]\d{{3}}(?!\d))+(?:\.\d+)?
      |\d+(?:\.\d+)?
      |\.\d+)
    (?!\d)
    (?:{_SPACE}?(?P<multiplier>k|K|M|B|bn|mn|m|b|million|billion|thousand)(?!\w))?
    (?:{_SPACE}?(?P<percent>%|percent(?!\w)|per{_SPACE}cent(?!\w)|pp(?!\w)|percentage{_SPACE}points?(?!\w)))?
    (?:{_SPACE}?(?P<post>[$€£¥]|{_CODE}|euros?(?!\w)|dollars?(?!\w)))?
    """,
    re.VERBOSE,
)
_RANGE = re.compile(r"\s?[-–—]\s?|\s+to\s+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_LINE_START = re.compile(r"[\W_]*(?:\d{1,3}[.)])?[\W_]*")  # nothing but bullets, emoji or a list number


@dataclass(frozen=True)
class Fact:
    kind: str  # "number", "percent", "date", "money", "person"
    text: str  # as written
    key: str  # normalised for comparison


_Found = tuple[int, int, str, str]  # start, end, kind, key


def facts_in(text: str) -> list[Fact]:
    """The facts of `text` in the order they are written, repeats included."""
    found: list[_Found] = []
    hidden = _hide(text, [m.span() for m in _NOT_FACTS.finditer(text)])
    hidden = _hide(hidden, [m.span() for m in _LIST_MARKER.finditer(hidden)])
    finders: list[Callable[[str], list[_Found]]] = [
        _mentions,
        _dates,
        _names_of_things,
        _quantities,
        _people,
    ]
    for finder in finders:
        spans = finder(hidden)
        found += spans
        hidden = _hide(hidden, [(start, end) for start, end, _, _ in spans])
    return [Fact(kind, text[start:end], key) for start, end, kind, key in sorted(found)]


def unsupported(summary: str, source: str) -> list[Fact]:
    """The facts of `summary` that `source` does not give, each once, in the order they are written."""
    given = facts_in(source)
    keys = {(fact.kind, fact.key) for fact in given}
    dates = {fact.key for fact in given if fact.kind == "date"}
    people = [fact for fact in given if fact.kind == "person"]
    missing: list[Fact] = []
    seen: set[tuple[str, str]] = set()
    for fact in facts_in(summary):
        if (fact.kind, fact.key) in seen:
            continue
        seen.add((fact.kind, fact.key))
        if (fact.kind, fact.key) in keys:
            continue
        if fact.kind == "date" and _date_supported(fact.key, dates):
            continue
        if fact.kind == "number" and _year_supported(fact.key, dates):
            continue
        if fact.kind == "person" and _person_supported(fact, source, people):
            continue
        missing.append(fact)
    return missing


def _hide(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = _HIDDEN * (end - start)
    return "".join(chars)


# Persons


def _mentions(text: str) -> list[_Found]:
    found: list[_Found] = [
        (*m.span(), "person", f"<@{m.group(1).lower()}>") for m in _SLACK_MENTION.finditer(text)
    ]
    for m in _HANDLE.finditer(text):
        if m.group(1).lower() not in _BROADCASTS:
            found.append((*m.span(), "person", f"@{m.group(1).lower()}"))
    return found


def _people(text: str) -> list[_Found]:
    """Two capitalised words in the middle of a sentence ("… by Maria Lopez"), as a run of such words.

    A run that starts a sentence loses its first word (capitalised by grammar, not as a name), and
    stop-listed first words ("Sponsor Maria Lopez") are dropped; what is left is a name only when it is
    exactly two words.
    """
    found: list[_Found] = []
    run: list[re.Match[str]] = []
    for word in [*_WORD.finditer(text), None]:
        if word is not None and _name_shaped(word.group()):
            if run and not re.fullmatch(_SPACE, text[run[-1].end() : word.start()]):
                found += _name_in(run, text)
                run = []
            run.append(word)
            continue
        found += _name_in(run, text)
        run = []
    return found


def _name_in(run: list[re.Match[str]], text: str) -> list[_Found]:
    if run and _starts_sentence(text, run[0].start()):
        run = run[1:]
    while run and run[0].group() in _STOP_WORDS:
        run = run[1:]
    if len(run) != 2:
        return []
    first, last = run
    return [(first.start(), last.end(), "person", f"{first.group().lower()} {last.group().lower()}")]


def _name_shaped(word: str) -> bool:
    return word[0].isupper() and any(ch.islower() for ch in word)


def _starts_sentence(text: str, start: int) -> bool:
    before = text[text.rfind("\n", 0, start) + 1 : start].rstrip(" \t\u00a0*_\"'“‘«([{").lstrip(_HIDDEN)
    return _LINE_START.fullmatch(before) is not None or before[-1] in ".!?:;|-–—"


def _person_supported(fact: Fact, source: str, people: list[Fact]) -> bool:
    """A person the source names, as the same mention, handle or full name, or by first name.

    A handle ("@maria", "<@U1|maria>") and a name match by first name or with dots for spaces
    ("@maria.lopez"); "Maria Lopez" is also supported by "Maria" on its own (not by "Maria Garcia" and
    not by "maria", which may be a word), "@alice" by "alice" or "Alice Smith".
    """
    if fact.key.startswith("<@"):
        return False  # a Slack user id is the same id or not at all
    handles = {_handle_as_name(f.key[1:]) for f in people if f.key.startswith("@")}
    handles |= {_handle_as_name(label) for label in _mention_labels(source)}
    if fact.key.startswith("@"):
        name = _handle_as_name(fact.key[1:])
        full_names = {f.key for f in people if not f.key.startswith(("@", "<@"))}
        return (
            name in handles
            or name in full_names
            or name in {n.split()[0] for n in full_names}
            or _says(source, name.split()[:1])  # a user name, so "alice" counts in lower case too
        )
    first = fact.key.split()[0]
    return (
        _says(source, fact.key.split())
        or fact.key in handles
        or first in handles
        or _says_first_name(source, fact.text.split()[0])
    )


def _mention_labels(source: str) -> list[str]:
    return [m.group(2).lower() for m in _SLACK_MENTION.finditer(source) if m.group(2)]


def _handle_as_name(handle: str) -> str:
    return " ".join(re.split(r"[._-]+", handle.lower().lstrip("@")))


def _says(source: str, words: list[str]) -> bool:
    pattern = r"(?<![\w@.])" + r"\s+".join(map(re.escape, words)) + r"(?![\w@])"
    return re.search(pattern, source, re.IGNORECASE) is not None


def _says_first_name(source: str, first_name: str) -> bool:
    """The first name capitalised in `source` and not followed by another capitalised word (a surname)."""
    capitalised = rf"{re.escape(first_name[0].upper())}(?i:{re.escape(first_name[1:])})"
    return re.search(rf"(?<![\w@.]){capitalised}(?![\w'’-])(?!{_SPACE}+[A-Z])", source) is not None


# Dates


def _dates(text: str) -> list[_Found]:
    found: list[_Found] = []
    for pattern in (_ISO_DATE, _DAY_MONTH, _MONTH_DAY, _MONTH_YEAR, _NUMERIC_DATE):
        for m in pattern.finditer(text):
            key = _date_key(m)
            if key is not None:
                found.append((*m.span(), "date", key))
        text = _hide(text, [(start, end) for start, end, _, _ in found])
    return found


def _date_key(m: re.Match[str]) -> str | None:
    if m.re is _NUMERIC_DATE:  # 01/12/2026: day and month may be either way round, so kept as written
        day, sep, month, year = m.groups()
        if len(year) == 2 and sep == ".":
            return None  # 3.11.12 is a version
        year = year if len(year) == 4 else f"20{year}"
        return f"{int(day):02d}{sep}{int(month):02d}{sep}{year}"
    month_text = m.group("month")
    if month_text == "may":
        return None  # "3 may slip", "we may 2x it": lowercase, it is the verb
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text[:3].lower()]
    year = m.group("year")
    if "day" not in m.groupdict():
        return f"{year}-{month:02d}" if 1 <= month <= 12 else None
    day = int(m.group("day"))
    try:
        date(int(year) if year else 2000, month, day)  # 2000: a leap year lets 29 Feb without a year pass
    except ValueError:
        return m.group() if m.re is _ISO_DATE else None  # 2026-02-30 is no day, but it is no number either
    return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def _date_supported(key: str, dates: set[str]) -> bool:
    """A day without a year, or a month, that some full date of the source falls on."""
    full = [d for d in dates if len(d) == 10 and d[4] == "-"]
    if key.startswith("--"):
        return any(d[4:] == key[1:] for d in full)
    if len(key) == 7:
        return any(d.startswith(f"{key}-") for d in full)
    return False


def _year_supported(key: str, dates: set[str]) -> bool:
    return re.fullmatch(r"(19|20|21)\d\d", key) is not None and any(d.startswith(f"{key}-") for d in dates)


# Numbers


def _names_of_things(text: str) -> list[_Found]:
    found: list[_Found] = [(*m.span(), "number", m.group()) for m in _VERSION.finditer(text)]
    text = _hide(text, [(start, end) for start, end, _, _ in found])
    found += [(*m.span(), "number", m.group().lower()) for m in _NAME_OF_THING.finditer(text)]
    return found


@dataclass
class _Quantity:
    start: int
    end: int
    value: Decimal
    power: int | None  # the power of ten a multiplier ("k", "M") gives
    percent: str | None  # "%" or "pp"
    currency: str | None


def _quantities(text: str) -> list[_Found]:
    quantities = [_quantity(m) for m in _QUANTITY.finditer(text)]
    for before, after in pairwise(quantities):
        if _RANGE.fullmatch(text[before.end : after.start]):
            _share(before, after)
    return [(q.start, q.end, *_kind_and_key(q)) for q in quantities]


def _quantity(m: re.Match[str]) -> _Quantity:
    number = re.sub(r"[,\s]", "", m.group("number"))
    value = Decimal(number)
    if m.group("sign") in ("-", "−") or m.group("sign2"):
        value = -value
    currency_text = m.group("pre") or m.group("post")
    currency = _CURRENCIES[currency_text.lower()] if currency_text else None
    multiplier = m.group("multiplier")
    power = None
    if multiplier and (multiplier not in ("m", "b") or currency or (multiplier == "m" and "." in number)):
        power = _MULTIPLIERS[multiplier.lower()]
    percent = m.group("percent")
    if percent:
        percent = "pp" if percent == "pp" or percent.lower().startswith("percentage") else "%"
    return _Quantity(m.start(), m.end(), value, power, percent, currency)


def _share(low: _Quantity, high: _Quantity) -> None:
    """A range ("3-4 weeks", "10–12%", "€30–40k"): each end takes the unit the other one names."""
    low.percent = low.percent or high.percent
    high.percent = high.percent or low.percent
    low.currency = low.currency or high.currency
    high.currency = high.currency or low.currency
    if low.power is None and high.power is not None and low.value < high.value:
        low.power = high.power  # "30-40k", but not "500-1k"


def _kind_and_key(q: _Quantity) -> tuple[str, str]:
    value = q.value.scaleb(q.power or 0)
    digits = "0" if value == 0 else format(value.normalize(), "f")
    if q.currency:
        return "money", f"{q.currency} {digits}"
    if q.percent:
        return "percent", f"{digits}{q.percent}"
    return "number", digits
