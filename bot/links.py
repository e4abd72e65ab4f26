"""The key that signs pmbot's links, the address they point to and how long they last, from the settings."""

import hashlib
import hmac
import logging
from dataclasses import replace
from datetime import timedelta

from bot.settings import Settings
from handlers.links import Links

log = logging.getLogger(__name__)


def create_links(settings: Settings) -> Links:
    """Sign with PMBOT_LINK_SECRET; else with a key derived from the Slack signing secret or the Teams
    app password (so links survive a restart with no extra setting); else with a key of this process."""
    web = settings.web
    base_url = web.public_url or f"http://localhost:{settings.core.port or 3000}"
    ttl = timedelta(days=web.link_days)
    if web.link_secret is not None:
        return Links(web.link_secret.get_secret_value().encode(), base_url, ttl)
    shared = settings.slack.signing_secret or settings.teams.app_password
    if shared is not None:
        key = hmac.new(shared.get_secret_value().encode(), b"pmbot links", hashlib.sha256).digest()
        return Links(key, base_url, ttl)
    return replace(Links.ephemeral(base_url), ttl=ttl)


def warn_if_ephemeral(settings: Settings) -> None:
    """Said when the web server starts, the only time links are handed out and opened."""
    if not (settings.web.link_secret or settings.slack.signing_secret or settings.teams.app_password):
        log.warning(
            "PMBOT_LINK_SECRET is not set: dashboard and chart links stop working when pmbot restarts"
        )
