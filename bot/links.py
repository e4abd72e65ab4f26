"""The key that signs pmbot's links, and the address they point to, from the settings."""

import hashlib
import hmac
import logging

from bot.settings import Settings
from handlers.links import Links

log = logging.getLogger(__name__)


def create_links(settings: Settings) -> Links:
    """Sign with PMBOT_LINK_SECRET; else with a key derived from the Slack signing secret or the Teams
    app password (so links survive a restart with no extra setting); else with a key of this process."""
    web = settings.web
    base_url = web.public_url or f"http://localhost:{settings.core.port or 3000}"
    if web.link_secret is not None:
        return Links(web.link_secret.get_secret_value().encode(), base_url)
    shared = settings.slack.signing_secret or settings.teams.app_password
    if shared is not None:
        key = hmac.new(shared.get_secret_value().encode(), b"pmbot links", hashlib.sha256).digest()
        return Links(key, base_url)
    log.warning("PMBOT_LINK_SECRET is not set: dashboard links will stop working when pmbot restarts")
    return Links.ephemeral(base_url)
