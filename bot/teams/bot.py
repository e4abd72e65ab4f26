"""The Teams bot: each message for pmbot (and each click on a card's button) becomes a Command carried
out by pmbot's CommandService on the worker pool, never on the event loop; the answer is an Adaptive
Card in the same conversation (in a channel, in the message's thread).

A verb that has a form (handlers/forms.py) typed alone (`@pmbot risk add`) is answered with the form as
a card (bot/teams/forms.py); `status` alone shows the latest status with a button unfolding its form. A
submitted form is carried out as the command it stands for, once per activity, and on an error comes
back filled in as it was, with what was wrong beside the field: as the invoke's answer for an
Action.Execute, for an Action.Submit by updating the card's message (or in a new one).

Teams waits 15 seconds for the bot to take an activity, so the answer goes first and slow work a command
leaves (an LLM summary) runs after the turn, posted as a follow-up in the same conversation.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from copy import deepcopy
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    AdaptiveCardInvokeValue,
    Attachment,
    ConversationReference,
)

from bot.later import Later
from bot.teams import activities as read
from bot.teams import cards, forms
from bot.teams.people import People
from bot.teams.references import References
from handlers import forms as neutral
from handlers.command import Command
from handlers.later import Job, Outcome
from handlers.reply import Reply, Tone, error, sent_directly
from handlers.service import CommandService
from scheduler.notifier import Notifier, NotifierError

log = logging.getLogger(__name__)

EXECUTE = "pmbot.run"  # the verb of an Action.Execute whose data["command"] is run as if typed


def card_message(content: dict[str, Any]) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        summary=content["fallbackText"],
        attachments=[Attachment(content_type=cards.CONTENT_TYPE, content=content)],
    )


def message(reply: Reply, names: cards.Names, actions: list[dict[str, Any]] | None = None) -> Activity:
    content = cards.card(reply, names)
    if actions:  # after the card's own (a file's Download button)
        content["actions"] = [*content.get("actions", []), *actions]
    return card_message(content)


class PmBot(TeamsActivityHandler):  # type: ignore[misc]  # the SDK is untyped
    def __init__(
        self,
        commands: CommandService,
        pool: Executor,
        later: Later,
        *,
        app_id: str | None,
        people: People,
        references: References,
    ) -> None:
        super().__init__()
        self.commands = commands
        self.pool = pool
        self.later = later
        self.app_id = app_id or ""
        self.people = people
        self.references = references
        self._follow_ups: set[asyncio.Task[None]] = set()  # held, so that none is collected half-way
        self.notifier: Notifier | None = None  # for direct replies: the Teams notifier, set beside it

    # -- turning an activity into a command

    def names(self, tenant_id: str) -> cards.Names:
        return lambda user_id: self.people.name(tenant_id, user_id)

    async def _people_mentioned(self, turn_context: TurnContext, tenant_id: str) -> dict[str, str]:
        """The Entra object id of each person mentioned other than pmbot (Teams mentions carry only the
        Teams id), asked of the conversation's members; one pmbot cannot look up stays a plain name."""
        activity = turn_context.activity
        bot = activity.recipient.id if activity.recipient else None
        found: dict[str, str] = {}
        for mention in read.mentions_of(activity):
            if mention.id == bot or mention.id in found:
                continue
            try:
                member = await TeamsInfo.get_member(turn_context, mention.id)
            except Exception as problem:  # the connector refused or could not be reached
                log.warning("could not look up %s in Teams: %s", mention.name, problem)
                continue
            if member.aad_object_id:
                found[mention.id] = str(member.aad_object_id)
                name = member.name or mention.name
                self.people.learn(tenant_id, found[mention.id], name=name, teams_id=mention.id)
        return found

    @staticmethod
    def tenant_of(activity: Activity) -> str:
        return read.tenant_of(activity) or f"{activity.channel_id}-local"  # the Emulator has no tenant

    async def _command(self, turn_context: TurnContext, text: str | None = None) -> Command:
        """The activity as a command: what it says, or `text` (a clicked button's, a form's)."""
        activity = turn_context.activity
        tenant_id = self.tenant_of(activity)
        user_id, zone = read.user_of(activity), read.timezone_of(activity)
        sender = activity.from_property
        self.people.learn(tenant_id, user_id, name=sender.name, timezone=zone, teams_id=sender.id)
        people = await self._people_mentioned(turn_context, tenant_id)
        return Command(
            tenant_id=tenant_id,
            user_id=user_id,
            channel_id=read.channel_of(activity),
            text=read.command_text(activity, people) if text is None else text,
            request_id=read.request_id_of(activity),
            user_tz=zone,
        )

    async def carry_out(self, command: Command) -> Outcome:
        return await asyncio.get_running_loop().run_in_executor(self.pool, self.commands.handle, command)

    # -- what Teams sends

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        submitted = forms.filled(turn_context.activity.value)
        if submitted is not None:
            await self._on_submit(turn_context, submitted)
            return
        if not read.addressed(turn_context.activity):
            return
        command = await self._command(turn_context)
        bare = neutral.bare_verb(self.commands.registry, command.text)
        if bare is not None and bare.verb in neutral.TYPED_ALONE:
            form = forms.card(neutral.FORMS[bare.verb], project=bare.project)
            await turn_context.send_activity(card_message(form))
            await self._keep(turn_context)
            return
        outcome = await self.carry_out(command)
        if outcome.repeated:  # a redelivery: the first delivery was answered
            return
        names = self.names(command.tenant_id)
        reply = await self._direct(turn_context, command, outcome.reply)
        await turn_context.send_activity(message(reply, names, forms.buttons(bare, reply)))
        self.follow_up(turn_context, command.tenant_id, outcome.later)
        await self._keep(turn_context)

    async def _carry_out_form(
        self, turn_context: TurnContext, submitted: forms.Filled
    ) -> tuple[Outcome | None, dict[str, Any] | None]:
        """Carry out a submitted form: its outcome, and the form again with what was wrong beside its
        fields when it was refused (no outcome when it could not even be made a command)."""
        tenant_id = self.tenant_of(turn_context.activity)
        try:
            submission = forms.command_text(submitted, lambda name: self.people.named(tenant_id, name))
        except neutral.FieldError as problem:
            return None, forms.again(submitted, {problem.field: problem.message})
        command = await self._command(turn_context, submission.text)
        outcome = await self.carry_out(command)
        if outcome.reply.tone is not Tone.ERROR:
            self.follow_up(turn_context, tenant_id, outcome.later)
            return outcome, None
        errors = neutral.field_errors(submitted.form, outcome.reply, submission, has_project=False)
        return outcome, forms.again(submitted, errors)

    async def _on_submit(self, turn_context: TurnContext, submitted: forms.Filled) -> None:
        """An Action.Submit: the answer in the conversation, or the form again in place of the card."""
        outcome, again = await self._carry_out_form(turn_context, submitted)
        if outcome is not None and outcome.repeated:
            return
        if again is None:
            assert outcome is not None
            names = self.names(self.tenant_of(turn_context.activity))
            await turn_context.send_activity(message(outcome.reply, names))
        else:
            await self._show_again(turn_context, card_message(again))
        await self._keep(turn_context)

    async def _show_again(self, turn_context: TurnContext, form: Activity) -> None:
        """Replace the card that was submitted with `form`, or post it when that card is not known."""
        card_id = turn_context.activity.reply_to_id
        if card_id:
            form.id = card_id
            try:
                await turn_context.update_activity(form)
                return
            except Exception as problem:  # the card is gone, or cannot be changed by pmbot
                log.warning("could not update the card %s in Teams: %s", card_id, problem)
            form.id = None
        await turn_context.send_activity(form)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        """pmbot installed in a team, a group chat or for a person: keep where to post there."""
        activity = turn_context.activity
        bot = activity.recipient.id if activity.recipient else None
        if any(member.id == bot for member in activity.members_added or ()):
            await self._keep(turn_context)
        await super().on_conversation_update_activity(turn_context)

    async def _keep(self, turn_context: TurnContext) -> None:
        try:
            await self.references.keep(turn_context.activity, self.tenant_of(turn_context.activity))
        except Exception:  # the answer is out; the next message tries again
            log.exception("could not keep the Teams conversation reference")

    async def on_adaptive_card_invoke(
        self, turn_context: TurnContext, invoke_value: AdaptiveCardInvokeValue
    ) -> AdaptiveCardInvokeResponse:
        """An Action.Execute: the card is replaced by the answer to the command it carries, or to the
        form submitted (by the form again, with what was wrong beside its fields)."""
        data = invoke_value.action.get("data") or {}
        verb = invoke_value.action.get("verb")
        submitted = forms.filled(data) if verb == forms.EXECUTE else None
        if submitted is not None:
            outcome, again = await self._carry_out_form(turn_context, submitted)
            if again is None:
                assert outcome is not None
                again = cards.card(outcome.reply, self.names(self.tenant_of(turn_context.activity)))
            return AdaptiveCardInvokeResponse(status_code=200, type=cards.CONTENT_TYPE, value=again)
        if verb != EXECUTE or not isinstance(data.get("command"), str):
            return AdaptiveCardInvokeResponse(
                status_code=400,
                type="application/vnd.microsoft.error",
                value={"code": "BadRequest", "message": "pmbot does not know this action."},
            )
        command = await self._command(turn_context, data["command"])
        outcome = await self.carry_out(command)
        self.follow_up(turn_context, command.tenant_id, outcome.later)
        return AdaptiveCardInvokeResponse(
            status_code=200,
            type=cards.CONTENT_TYPE,
            value=cards.card(
                sent_directly(outcome.reply)
                if outcome.repeated and outcome.reply.direct  # a redelivered click: the link went already
                else await self._direct(turn_context, command, outcome.reply),
                self.names(command.tenant_id),
            ),
        )

    async def _direct(self, turn_context: TurnContext, command: Command, reply: Reply) -> Reply:
        """A reply meant for the person's direct messages (a private link): in a personal chat it is the
        answer; from a channel or a group chat it goes to their personal chat with pmbot, and the answer
        where they asked says so, or why it could not go."""
        if not reply.direct or read.kind_of(turn_context.activity) == "personal":
            return reply
        try:
            if self.notifier is None:
                raise NotifierError("no notifier to reach personal chats", retryable=False)
            await self.notifier.direct(command.tenant_id, command.user_id, reply)
        except NotifierError as problem:
            log.warning("could not send %s a personal message: %s", command.user_id, problem.message)
            return error(
                "I could not send you a personal message, so nothing was sent. "
                "Open a chat with pmbot and ask there."
            )
        return sent_directly(reply)

    # -- after the answer

    def follow_up(self, turn_context: TurnContext, tenant_id: str, jobs: tuple[Job, ...]) -> None:
        """Run the slow work a command left once this turn is over, and post what it says there."""
        if not jobs:
            return
        reference = TurnContext.get_conversation_reference(turn_context.activity)
        task = asyncio.ensure_future(self._run_later(turn_context.adapter, reference, tenant_id, jobs))
        self._follow_ups.add(task)
        task.add_done_callback(self._follow_ups.discard)

    async def _run_later(
        self, adapter: BotAdapter, reference: ConversationReference, tenant_id: str, jobs: tuple[Job, ...]
    ) -> None:
        for job in jobs:
            reply = await self.later.run(job)
            if reply is None:
                continue
            try:
                await self.send(adapter, reference, message(reply, self.names(tenant_id)))
            except Exception:
                log.exception(
                    "could not post a follow-up in Teams conversation %s", reference.conversation.id
                )

    async def send(self, adapter: BotAdapter, reference: ConversationReference, activity: Activity) -> Any:
        """Post `activity` in the conversation of `reference`, outside any turn: as a reply to the
        reference's activity when it has one, else as a new message; the connector's answer. A refusal
        of the connector is raised here (the adapter would pass it to on_turn_error, which only logs)."""
        sent: list[Any] = []

        async def post(turn_context: TurnContext) -> None:
            outgoing = TurnContext.apply_conversation_reference(deepcopy(activity), reference)
            sent.extend(await turn_context.adapter.send_activities(turn_context, [outgoing]))

        await self._continue(adapter, reference, post)
        return sent[0] if sent else None

    async def _continue(
        self,
        adapter: BotAdapter,
        reference: ConversationReference,
        logic: Callable[[TurnContext], Awaitable[None]],
    ) -> None:
        """`adapter.continue_conversation`, raising what `logic` raised instead of swallowing it."""
        failed: list[Exception] = []

        async def run(turn_context: TurnContext) -> None:
            try:
                await logic(turn_context)
            except Exception as problem:
                failed.append(problem)

        await adapter.continue_conversation(reference, run, self.app_id)
        if failed:
            raise failed[0]

    async def update(self, adapter: BotAdapter, reference: ConversationReference, activity: Activity) -> None:
        """Replace what the message `activity.id` in the conversation of `reference` says."""

        async def put(turn_context: TurnContext) -> None:
            outgoing = TurnContext.apply_conversation_reference(deepcopy(activity), reference)
            outgoing.id = activity.id
            await turn_context.adapter.update_activity(turn_context, outgoing)

        await self._continue(adapter, reference, put)


async def on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    """A turn that failed (the connector refused a reply): logged, since nothing can be said in Teams."""
    conversation = turn_context.activity.conversation
    log.error(
        "a Teams turn failed in %s",
        conversation.id if conversation else "?",
        exc_info=(type(error), error, error.__traceback__),
    )
