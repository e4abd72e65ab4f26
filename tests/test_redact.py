import pytest

from handlers.redact import Redacted, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail maria@example.com today", "mail [email] today"),
        ("mail Maria.Lopez+pm@mail.example.co.uk.", "mail [email]."),
        ("<mailto:bob@example.org|bob@example.org>", "<mailto:[email]|[email]>"),
        ("mail 0612345678@sms.example.fr", "mail [email]"),
    ],
)
def test_email_addresses(text, expected):
    assert redact(text) == Redacted(expected, {"email": expected.count("[email]")})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call +33 6 12 34 56 78 now", "call [phone] now"),
        ("call +33612345678", "call [phone]"),
        ("call +1 (555) 123-4567", "call [phone]"),
        ("call +1-555-123-4567", "call [phone]"),
        ("call (555) 123-4567.", "call [phone]."),
        ("call (555)123-4567", "call [phone]"),
        ("call 555-123-4567", "call [phone]"),
        ("call 555.123.4567", "call [phone]"),
        ("call 06 12 34 56 78", "call [phone]"),
        ("call 06.12.34.56.78", "call [phone]"),
        ("call 0612345678", "call [phone]"),
        ("call 020 7946 0958", "call [phone]"),
        ("call 07700 900123", "call [phone]"),
        ("call +44 20 7946 0958 or +49 30 1234567", "call [phone] or [phone]"),
        ("call +33 612 345 678", "call [phone]"),
    ],
)
def test_phone_numbers(text, expected):
    assert redact(text) == Redacted(expected, {"phone": expected.count("[phone]")})


@pytest.mark.parametrize(
    "text",
    [
        "F1 0.71, p95 340 ms, 12,400 requests, 12400 rows",
        "go-live 2026-12-01, 2026/12/01, 01.12.2026, 01-12-2026 or 01/12/2026",
        "up 12%, 12 %, 12 34 56 78%",
        "version 1.2.3, v10.22.333, build 4.12.1234",
        "12 400 000 users, 1 234 567 890 events, 12.400.000 rows, +12 400 000 users",
        "2026-2027 roadmap, years 2026 - 2027",
        "12345678 rows, 123456789012 bytes",
        "pi is 3.14159265, ratio 0.123456789",
        "server 192.168.100.200 and 10.100.200.30",
        "sprint 1 2 3, call at 10:30",
        "€1 200 000 and $12,400,000",
        "short 555-1234 and 12 34 56",
    ],
)
def test_metric_numbers_are_never_taken_for_phones(text):
    assert redact(text) == Redacted(text, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN [iban] please"),
        ("IBAN DE89370400440532013000.", "IBAN [iban]."),
        ("IBAN GB82 WEST 1234 5698 7654 32", "IBAN [iban]"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189", "IBAN [iban]"),
        ("IBAN NL91 ABNA 0417 1643 00 and BE68 5390 0754 7034", "IBAN [iban] and [iban]"),
        ("IBAN NO93 8601 1117 947", "IBAN [iban]"),
        ("IBAN DE89 3704 0044 0532 0130 00 2026", "IBAN [iban] 2026"),
    ],
)
def test_ibans_with_a_good_check(text, expected):
    assert redact(text) == Redacted(expected, {"iban": expected.count("[iban]")})


@pytest.mark.parametrize(
    "text",
    [
        "IBAN DE89 3704 0044 0532 0130 01",  # wrong check digits
        "IBAN DE88 3704 0044 0532 0130 00",
        "IBAN NO93 8601 1117 948",
        "IBAN DE89 3704 0044 0532 0130 0",  # too short for Germany
        "IBAN DE89370400440532013000123",  # too long
        "IBAN ZZ89 3704 0044 0532 0130 00",  # no such country
        "ticket AB12 CDEF GHIJ KLMN OP",
    ],
)
def test_what_only_looks_like_an_iban_is_left_alone(text):
    assert redact(text) == Redacted(text, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111 1111 1111 1111 exp 12/27", "card [card] exp 12/27"),
        ("card 4111-1111-1111-1111", "card [card]"),
        ("card 4111111111111111.", "card [card]."),
        ("card 5555 5555 5555 4444", "card [card]"),
        ("amex 3782 822463 10005", "amex [card]"),
        ("visa 4222222222222", "visa [card]"),
        ("long 4000 0000 0000 0000 006", "long [card]"),
        ("in 2026 4111 1111 1111 1111", "in 2026 [card]"),
    ],
)
def test_luhn_valid_card_numbers(text, expected):
    assert redact(text) == Redacted(expected, {"card": 1})


@pytest.mark.parametrize(
    "text",
    [
        "card 4111 1111 1111 1112",  # Luhn-invalid
        "card 4111111111111112",
        "long 4000 0000 0000 0000 005",
        "id 41111111111111110000",  # 20 digits
        "rate 0.4111111111111111",
    ],
)
def test_luhn_invalid_or_wrong_length_numbers_are_not_cards(text):
    assert redact(text) == Redacted(text, {})


OPENAI = "sk-abcdefghijklmnopqrstuvwxyz012345"
OPENAI_PROJECT = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_0-AbCd"
SLACK_BOT = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_USER = "xoxp-123456789012-123456789012-1234567890123-0123456789abcdef0123456789abcdef"
SLACK_APP = "xapp-1-A0123456789-1234567890123-0123456789abcdef"
GITHUB = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
GITHUB_OAUTH = "gho_0123456789abcdefghijABCDEFGHIJ012345"
GITHUB_PAT = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ"
AWS = "AKIAIOSFODNN7EXAMPLE"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)


@pytest.mark.parametrize(
    "secret",
    [OPENAI, OPENAI_PROJECT, SLACK_BOT, SLACK_USER, SLACK_APP, GITHUB, GITHUB_OAUTH, GITHUB_PAT, AWS, JWT],
)
def test_secrets_with_a_known_shape(secret):
    assert redact(f"use {secret} now") == Redacted("use [secret] now", {"secret": 1})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc123def456ghi789", "Authorization: Bearer [secret]"),
        ("bearer 0123456789abcdef==", "bearer [secret]"),
        (f"Authorization: Bearer {JWT}", "Authorization: Bearer [secret]"),
        ("password=hunter2", "password=[secret]"),
        ("PASSWORD = hunter2 ok", "PASSWORD = [secret] ok"),
        ("DB_PASSWORD=s3cr3t", "DB_PASSWORD=[secret]"),
        ("SLACK_BOT_TOKEN=abc", "SLACK_BOT_TOKEN=[secret]"),
        ("api_key=abc123", "api_key=[secret]"),
        ("apikey=abc123", "apikey=[secret]"),
        ("api-key=abc123", "api-key=[secret]"),
        ("client_secret=abc", "client_secret=[secret]"),
        ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG", "AWS_SECRET_ACCESS_KEY=[secret]"),
        ("https://x.example/cb?token=abc123&page=2", "https://x.example/cb?token=[secret]&page=2"),
        ('{"password": "correct horse"}', '{"password": "[secret]"}'),
        ("password: hunter2", "password: [secret]"),
        ("token: 'abc'", "token: '[secret]'"),
        ("https://bob:s3cr3t@db.example.com/x", "https://bob:[secret]@db.example.com/x"),
        ("postgres://app:p%40ss@db:5432/pm", "postgres://app:[secret]@db:5432/pm"),
        (f"token={SLACK_BOT}", "token=[secret]"),
    ],
)
def test_secrets_after_a_key_or_in_a_header_or_url(text, expected):
    assert redact(text) == Redacted(expected, {"secret": 1})


@pytest.mark.parametrize(
    "text",
    [
        "Secret: the launch moves",
        "token: expired",
        "max_tokens=4000, prompt_tokens=12",
        "The bearer of bad news",
        "the task-manager and sk-short",
        "https://example.com/path and bob@example.com is not a password",
        "passwordless login",
    ],
)
def test_prose_and_near_misses_are_not_secrets(text):
    assert redact(text).found.get("secret") is None


def test_all_kinds_together_are_counted():
    text = (
        "Ping maria@example.com or bob@example.com, +33 6 12 34 56 78, pay DE89 3704 0044 0532 0130 00 "
        f"with 4111 1111 1111 1111 using {OPENAI}; F1 0.71 on 2026-12-01, 12,400 rows."
    )
    assert redact(text) == Redacted(
        "Ping [email] or [email], [phone], pay [iban] with [card] using [secret]; F1 0.71 on 2026-12-01, "
        "12,400 rows.",
        {"secret": 1, "email": 2, "iban": 1, "card": 1, "phone": 1},
    )


def test_nothing_to_redact_leaves_the_text_as_it_was():
    text = "Retrained on Q3 data; F1 dropped from 0.78 to 0.71, p95 latency 340 ms."
    assert redact(text) == Redacted(text, {})


def test_placeholders_already_in_the_text_are_not_counted():
    assert redact("[email] and [card] and a@b.io") == Redacted("[email] and [card] and [email]", {"email": 1})
