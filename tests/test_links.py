"""Signed links: what a link carries comes back unchanged until it expires; a changed character, a
link signed with another key, or an expired one opens nothing and says why."""

from datetime import UTC, datetime, timedelta

import pytest

from handlers.links import ExpiredLinkError, InvalidLinkError, Links

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
WEEK = timedelta(days=7)


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_a_link_carries_its_payload_under_the_public_address_until_it_expires():
    links = Links(b"k" * 32, "https://pmbot.example.com/")
    url = links.url("/dashboard", {"tenant": "T1", "project": "churn"}, now=NOW, ttl=WEEK)
    assert url.startswith("https://pmbot.example.com/dashboard/")
    assert links.read(token_of(url), now=NOW + WEEK - timedelta(seconds=1)) == {
        "tenant": "T1",
        "project": "churn",
    }
    with pytest.raises(ExpiredLinkError, match="expired"):
        links.read(token_of(url), now=NOW + WEEK)


@pytest.mark.parametrize("change", ["payload", "signature", "key", "cut"])
def test_a_changed_link_opens_nothing(change):
    links = Links(b"k" * 32)
    token = token_of(links.url("/dashboard", {"tenant": "T1"}, now=NOW, ttl=WEEK))
    body, signature = token.split(".")
    other = token_of(links.url("/dashboard", {"tenant": "T2"}, now=NOW, ttl=WEEK)).split(".")[0]
    forged = {
        "payload": f"{other}.{signature}",  # another tenant's payload under this signature
        "signature": f"{body}.{signature[:-2]}AA",
        "key": token_of(Links(b"x" * 32).url("/dashboard", {"tenant": "T1"}, now=NOW, ttl=WEEK)),
        "cut": body,
    }[change]
    with pytest.raises(InvalidLinkError, match="not valid"):
        links.read(forged, now=NOW)
