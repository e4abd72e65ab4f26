"""Privacy before text leaves for an LLM: e-mail addresses, people (mentions and @handles), phone numbers,
IBANs, national identity numbers, payment card numbers and secrets are replaced with "[email]",
"[person]", "[phone]", "[iban]", "[id]", "[card]" and "[secret]"; a caller may give people a stand-in of
its own instead of "[person]" (handlers/summaries/pseudonyms.py numbers them, to put them back in the
answer). What may still be personal but could
not be told for sure (`doubtful`) keeps the text from the LLM altogether: the summary is made offline.

The rules run in this order, because an earlier kind could otherwise be eaten by a later rule:
1. the password in a URL (https://user:pass@host), before `pass@host` reads as an e-mail address;
2. secrets with a known shape (API keys, tokens, JWTs), then "Bearer …" and password=/token=/api_key=/secret=
   values, before anything that reads digits: a token may hold a run of card-like digits;
3. e-mail addresses, whose local part may be digits; then people (Slack mentions, Teams mentions,
   @handles, and the ids a person is written as in a command: Slack U…/W…, Teams object ids and
   Bot Framework 29:… ids), so that an address is not read as a handle;
4. IBANs (country code, check digits, the bank's own number; checked with mod 97 and the length of the
   country's IBAN), whose digits would otherwise read as a card or a phone number; then national identity
   numbers (US SSN, UK National Insurance, Spanish DNI/NIE with their check letter, Italian codice fiscale);
5. payment card numbers (13 to 19 digits, Luhn-valid), before phones: a spaced card number also looks like
   a long phone number;
6. phone numbers last, and only what looks like one: at least 8 digits, with a "+", an area code in
   parentheses, a leading 0 or at least three groups, and never a date, an IP address, a decimal, a
   percentage or thousands written with spaces (12 400 000).

Known limits: a secret without a known shape is found only after a password=, token=, api_key= or secret=
style key ("password: x" with a colon needs a value with a letter and a digit, or quotes, so that prose
like "Secret: the launch" survives); a "Bearer" token needs a digit and 12 characters; an IBAN is found only
for the countries below, in capitals; a Luhn-valid 13 to 19 digit number that is not a card is redacted too.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Redacted:
    text: str
    found: dict[str, int]  # kind -> how many were replaced


_URL_PASSWORD = re.compile(r"\b([a-z][a-z0-9+.-]*://[^\s:/@]+:)([^\s/@]+)(?=@)", re.IGNORECASE)
_SHAPED_SECRETS = re.compile(
    r"""
    \bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}        # OpenAI (and alike) keys
    |\bxox[abprs]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}        # Slack tokens
    |\bgh[opusr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}   # GitHub tokens
    |\b(?:AKIA|ASIA)[0-9A-Z]{16}\b                                 # AWS access keys
    |\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*      # JWTs: base64url '{"' starts the header
    """,
    re.VERBOSE,
)
_BEARER = re.compile(r"\b(Bearer\s+)(?=[A-Za-z0-9._~+/-]*\d)([A-Za-z0-9._~+/-]{12,}=*)", re.IGNORECASE)
_CREDENTIAL_NAME = r"[\w-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key)"
_KEY_VALUE = re.compile(
    rf"""
    (?P<key>(?<![\w-])["']?{_CREDENTIAL_NAME}["']?\s*(?P<sign>[=:])\s*)
    (?:(?P<quote>["'])(?P<quoted>[^"'\n]+)(?P=quote)
      |(?P<bare>(?!\[)[^\s"'&,;<>]+))
    """,
    re.IGNORECASE | re.VERBOSE,
)
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_IBAN = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2})(\d{2})((?:[ \u00a0]?[A-Z0-9]){11,30})")
# The length of the IBAN in each country that has one (SWIFT IBAN registry, ISO 13616).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
# Possessive digit runs (\d++): "1111…x" must not be tried as every split of its digits into groups.
_DIGIT_RUN = re.compile(r"(?<![\w.,])\d++(?:[ -]\d++)*(?!\w|[.,]\d)")
_PHONE = re.compile(
    r"(?<![\w.,/+$€£¥#-])(?:\+[ \u00a0]?)?(?:\(\d{1,5}\)|\d++)(?:[ \u00a0.-]?(?:\(\d{1,5}\)|\d++)){0,11}"
    r"(?!\w|[.,]\d|[ \u00a0]?%)"
)
_IBAN_PREFIX = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}[ \u00a0]?$")
_PHONE_SEPARATOR = re.compile(r"[ \u00a0.\-()+]+")
_NOT_PHONE = re.compile(
    r"\d{4}([-./])\d{1,2}\1\d{1,2}|\d{1,2}([-./])\d{1,2}\2\d{4}"  # dates
    r"|\d{1,3}(?:\.\d{1,3}){3}"  # IPv4 addresses
)


# People: Slack mentions (<@U024BE7LH>, and <@U024BE7LH|maria.lopez> with the name), Teams mentions
# (<at>Maria Lopez</at>) and @handles, including the ids a mention becomes in a command (@U024BE7LH, a
# Teams person's object id @6f0b3a6e-…, which may start with a digit, or a Bot Framework id @29:1AbC…);
# never the @channel, @here and @everyone pings, nor "@10:30".
_PERSON = re.compile(
    r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>|<at\b[^>]*>.*?</at\s*>"
    r"|(?<![\w.@<\]/:+-])@(?:"
    r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}(?![\w-])"  # a Teams (Entra) object id
    r"|\d{1,2}:(?=[\w:-]*[a-z])[\w-]+(?::[\w-]+)*"  # a Bot Framework id: 29:1AbC…, 8:orgid:…
    r"|(?!(?:channel|here|everyone)\b)[a-z](?:[\w.-]*[a-z0-9_])?"  # a handle
    r")",
    re.IGNORECASE | re.DOTALL,
)
_SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")  # United States
_NINO = re.compile(r"(?<!\w)(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z]{2}(?: ?\d{2}){3} ?[A-D](?!\w)")  # UK
_CODICE_FISCALE = re.compile(r"(?<!\w)[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z](?!\w)")  # Italy
_DNI = re.compile(r"(?<![\w-])([XYZ]?)(\d{7,8})-?([A-Z])(?![\w-])")  # Spain: DNI and NIE, with their letter
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def _dni(m: re.Match[str]) -> str:
    prefix = str("XYZ".index(m.group(1))) if m.group(1) else ""  # an NIE's X, Y or Z counts as 0, 1 or 2
    number = int(prefix + m.group(2))
    return "[id]" if _DNI_LETTERS[number % 23] == m.group(3) else m.group()


def _national_ids(text: str) -> str:
    text = _SSN.sub("[id]", text)
    text = _NINO.sub("[id]", text)
    text = _CODICE_FISCALE.sub("[id]", text)
    return _DNI.sub(_dni, text)


def _one_way(_mention: str) -> str:
    return "[person]"


def redact(text: str, person: Callable[[str], str] = _one_way) -> Redacted:
    """`text` with personal data replaced; each mention of a person by `person(mention)`."""
    found: Counter[str] = Counter()
    people = 0

    def mentions(t: str) -> str:
        nonlocal people
        t, people = _PERSON.subn(lambda m: person(m.group()), t)
        return t

    steps: list[tuple[str, Callable[[str], str]]] = [
        ("secret", lambda t: _URL_PASSWORD.sub(r"\1[secret]", t)),
        ("secret", lambda t: _SHAPED_SECRETS.sub("[secret]", t)),
        ("secret", lambda t: _BEARER.sub(r"\1[secret]", t)),
        ("secret", lambda t: _KEY_VALUE.sub(_key_value, t)),
        ("email", lambda t: _EMAIL.sub("[email]", t)),
        ("person", mentions),
        ("iban", _ibans),
        ("id", _national_ids),
        ("card", lambda t: _DIGIT_RUN.sub(_cards, t)),
        ("phone", lambda t: _PHONE.sub(_phone, t)),
    ]
    for kind, step in steps:
        before = text.count(f"[{kind}]")
        text = step(text)
        found[kind] += text.count(f"[{kind}]") - before  # each rule only adds its placeholder
    found["person"] = people  # whatever stands for them
    return Redacted(text, {kind: n for kind, n in found.items() if n})


# What may still be personal after redaction, though no rule could tell for sure: an e-mail address
# written to dodge filters, an IBAN in lower case or of a country not listed, a card-length number that
# fails the Luhn check (a mistyped card). Text holding any of them is not sent to an LLM at all.
_DODGED_EMAIL = re.compile(
    r"[\w.+-]+\s*(?:\[at\]|\(at\)|\{at\}|\sat\s)\s*[\w-]+\s*(?:\[dot\]|\(dot\)|\{dot\}|\sdot\s)\s*[a-z]{2,}",
    re.IGNORECASE,
)
_IBAN_LIKE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \u00a0]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])")
_CARD_LIKE = re.compile(r"(?<![\w.,])\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}(?![\w]|[.,]\d)")


def doubtful(text: str) -> str | None:
    """What in (already redacted) `text` may be personal data that `redact` could not replace, or None."""
    for pattern in (_DODGED_EMAIL, _CARD_LIKE):
        found = pattern.search(text)
        if found:
            return found.group()
    for found in _IBAN_LIKE.finditer(text):
        if sum(ch.isdigit() for ch in found.group()) >= 10:
            return found.group()
    return None


def _key_value(m: re.Match[str]) -> str:
    quote = m.group("quote") or ""
    if m.group("sign") == ":" and not quote and not _looks_secret(m.group("bare")):
        return m.group()
    return f"{m.group('key')}{quote}[secret]{quote}"


def _looks_secret(value: str) -> bool:
    return re.search(r"[^\W\d_]", value) is not None and re.search(r"\d", value) is not None


def _ibans(text: str) -> str:
    parts: list[str] = []
    position = 0
    while (m := _IBAN.search(text, position)) is not None:
        end = _iban_end(m)
        if end is None:
            parts.append(text[position : m.start() + 1])
            position = m.start() + 1
            continue
        parts += [text[position : m.start()], "[iban]"]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _iban_end(m: re.Match[str]) -> int | None:
    """Where the IBAN that starts at `m` ends, when it has its country's length and passes mod 97."""
    length = IBAN_LENGTHS.get(m.group(1))
    if length is None:
        return None
    wanted, end = length - 4, m.start(3)
    for i, ch in enumerate(m.group(3)):
        if ch.isalnum():
            wanted -= 1
            if wanted == 0:
                end = m.start(3) + i + 1
                break
    if wanted or m.string[end : end + 1].isalnum():
        return None
    iban = re.sub(r"\s", "", m.string[m.start() : end])
    number = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return end if int(number) % 97 == 1 else None


def _cards(m: re.Match[str]) -> str:
    """A run of digit groups holds a card when whole groups of it make 13 to 19 digits that pass the
    Luhn check; the part with the most digits is the card ("2026 4111 1111 1111 1111")."""
    if _in_iban(m):
        return m.group()
    parts = re.split(r"([ -])", m.group())  # numbers at even places, separators at odd ones
    numbers = parts[::2]
    best: tuple[int, int, int] | None = None  # digits, first group, last group
    for first in range(len(numbers)):
        digits = ""
        for last in range(first, len(numbers)):
            digits += numbers[last]
            if len(digits) > 19:
                break
            if len(digits) >= 13 and _luhn(digits) and (best is None or len(digits) > best[0]):
                best = (len(digits), first, last)
    if best is None:
        return m.group()
    _, first, last = best
    return "".join([*parts[: 2 * first], "[card]", *parts[2 * last + 1 :]])


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _in_iban(m: re.Match[str]) -> bool:
    """The digits follow a country code and check digits: an IBAN that failed its check, left alone."""
    return _IBAN_PREFIX.search(m.string, max(0, m.start() - 6), m.start()) is not None


def _phone(m: re.Match[str]) -> str:
    return "[phone]" if _is_phone(m.group()) and not _in_iban(m) else m.group()


def _is_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if not 8 <= len(digits) <= 15 or _NOT_PHONE.fullmatch(candidate):
        return False
    groups = [g for g in _PHONE_SEPARATOR.split(candidate) if g]
    if "." in candidate and not all(2 <= len(g) <= 4 for g in groups):
        return False  # 0.123456789 is a decimal; 06.12.34.56.78 and 555.123.4567 are phones
    if sum(len(g) == 1 for g in groups) > 2:
        return False  # 1 2 3 4 5 6 7 8 is a list of numbers; +1 555 … and +33 6 … have one or two
    thousands = len(groups) >= 3 and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    if thousands:  # 12 400 000, unless it is clearly international: +33 612 345 678
        return candidate.startswith("+") and len(digits) >= 10
    if candidate.startswith("+") or "(" in candidate:
        return True
    if len(groups) == 1:
        return candidate.startswith("0") and len(digits) >= 9
    if len(groups) == 2:
        return candidate.startswith("0") and len(digits) >= 10
    return True
