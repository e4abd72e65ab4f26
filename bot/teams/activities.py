"""Teams activities as pmbot Commands: who, where, in which tenant, and what they asked.

- The tenant is the Teams tenant (channelData.tenant.id), so Teams and Slack data never mix.
- A person is their Microsoft Entra object id (from.aadObjectId): the same in every chat and channel,
  and short enough to be mentioned in a command (`@<id>`), which a Teams mention of someone becomes.
- A channel is the Teams channel (channelData.channel.id, whatever thread the message is in), a group chat
  its conversation, a personal chat `personal:<person>`.
- In channels and group chats pmbot answers only when mentioned, and the mention is removed from the
  command; in a personal chat everything is for pmbot. A card's button (Action.Submit) arrives as a
  message whose value holds the command.
"""

import hashlib
import html
import re
from dataclasses import dataclass
from typing import Any

from botbuilder.schema import Activity

from bot.teams.cards import RUN

MAX_ID = 64  # the longest channel id pmbot's tables keep
_AT_TAG = re.compile(r"</?at>", re.IGNORECASE)


def _data(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def tenant_of(activity: Activity) -> str | None:
    tenant = _data(_data(activity.channel_data).get("tenant")).get("id")
    conversation = activity.conversation
    return str(tenant or (conversation.tenant_id if conversation else None) or "") or None


def user_of(activity: Activity) -> str:
    person = activity.from_property
    return str(person.aad_object_id or person.id) if person else ""


def kind_of(activity: Activity) -> str:
    """`personal`, `groupChat` or `channel` (the Bot Framework Emulator's chats count as personal)."""
    return str((activity.conversation.conversation_type if activity.conversation else None) or "personal")


def short_id(value: str) -> str:
    """An id that fits pmbot's columns: itself when short enough, else a stable digest of it."""
    if len(value) <= MAX_ID:
        return value
    return "teams:" + hashlib.sha256(value.encode()).hexdigest()[: MAX_ID - len("teams:")]


def channel_of(activity: Activity) -> str:
    kind = kind_of(activity)
    if kind == "personal":
        return short_id(f"personal:{user_of(activity)}")
    channel = _data(_data(activity.channel_data).get("channel")).get("id")
    conversation = str(activity.conversation.id if activity.conversation else "")
    return short_id(str(channel or conversation.split(";messageid=")[0]))


def request_id_of(activity: Activity) -> str:
    """The same for a redelivery of this activity, different for every other one in the tenant."""
    conversation = str(activity.conversation.id if activity.conversation else "")
    return f"teams-{short_id(conversation)}-{activity.id}"


def timezone_of(activity: Activity) -> str | None:
    """The person's IANA timezone, from the clientInfo entity Teams adds to what people send."""
    for entity in activity.entities or ():
        if (entity.type or "").lower() == "clientinfo":
            zone = (entity.additional_properties or {}).get("timezone")
            return str(zone) if zone else None
    return None


@dataclass(frozen=True)
class Mentioned:
    """Someone mentioned in a message: their Teams id (29:…), their name, and the text standing for them."""

    id: str
    name: str
    text: str


def mentions_of(activity: Activity) -> list[Mentioned]:
    found = []
    for entity in activity.entities or ():
        if (entity.type or "").lower() != "mention":
            continue
        extra = entity.additional_properties or {}
        mentioned = _data(extra.get("mentioned"))
        if mentioned.get("id"):
            name = str(mentioned.get("name") or "")
            found.append(Mentioned(str(mentioned["id"]), name, str(extra.get("text") or f"<at>{name}</at>")))
    return found


def button_command(activity: Activity) -> str | None:
    """The command a card's button (Action.Submit) stands for, when this message is such a click."""
    value = _data(activity.value)
    command = value.get("command")
    return str(command) if value.get("pmbot") == RUN and isinstance(command, str) else None


def addressed(activity: Activity) -> bool:
    """Whether the message is for pmbot: anything in a personal chat, a mention of it elsewhere, a click."""
    if kind_of(activity) == "personal" or button_command(activity) is not None:
        return True
    bot = activity.recipient.id if activity.recipient else None
    return any(m.id == bot for m in mentions_of(activity))


def command_text(activity: Activity, people: dict[str, str]) -> str:
    """What the person asked, without pmbot's mention; `people` maps the Teams id of each other person
    mentioned to their Entra object id, which takes the mention's place as `@<id>`."""
    clicked = button_command(activity)
    if clicked is not None:
        return clicked
    text = activity.text or ""
    bot = activity.recipient.id if activity.recipient else None
    for mention in mentions_of(activity):
        if mention.id == bot:
            text = text.replace(mention.text, " ")
        elif mention.id in people:
            text = text.replace(mention.text, f"@{people[mention.id]}")
    return " ".join(html.unescape(_AT_TAG.sub("", text)).split())
