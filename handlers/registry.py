"""The one registry of commands: matching a verb, reading its arguments, and the help built from them.

A verb is declared once, with `@verb(...)` on its handler. Its usage string and docstring are the help
text and the usage shown after bad input, so the two never drift apart. Who may run it is declared there
too (`manage`, handlers/permissions.py): the service checks it before the handler runs, `help` shows it,
and a test holds the README's "Who may do what" to it.
"""

import difflib
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from handlers.command import Context
from handlers.errors import CommandError
from handlers.permissions import Manage, require, who_may
from handlers.reply import Reply
from handlers.tokens import Token
from handlers.values import Reader

Handler = Callable[..., Reply]
# What a managed verb's refusal says the person may not do (“Only … can <doing>”): always the same, or
# worked out from its arguments, None when they only show (`phase` shows, `phase poc` moves).
Doing = str | Callable[[Mapping[str, Any]], str | None]


@dataclass(frozen=True)
class Param:
    """A positional argument or a named option (`name=value` or `name value`) of a verb.

    `words` > 1 lets an option's value span several bare words (`due next monday`); `rest` makes a
    positional take everything that follows, as typed; a `flag` option takes no value. A `greedy` last
    positional typed without quotes takes every other bare word (`risk add Label noise p=4`), while
    options are still read; typed in quotes it is exact, so a mistyped option is reported, not absorbed.
    """

    name: str
    read: Reader | None = None
    required: bool = False
    words: int = 1
    rest: bool = False
    flag: bool = False
    greedy: bool = False
    key: str | None = None  # the handler's keyword, when the name shown to people is not one

    @property
    def dest(self) -> str:
        return self.key or self.name.replace("-", "_")


@dataclass(frozen=True)
class Verb:
    name: str  # one or more words, e.g. "risk add"
    usage: str
    summary: str
    details: str
    handler: Handler
    args: tuple[Param, ...] = ()
    options: tuple[Param, ...] = ()
    project: bool = True  # needs the channel's or the named project
    writes: bool = False
    manage: Manage | None = None  # not for everyone: the project's owner, or the workspace's managers
    doing: Doing = ""

    def refused(self, values: Mapping[str, Any]) -> str | None:
        """What running this verb with `values` would do that not everyone may, or None if anyone may."""
        if self.manage is None:
            return None
        return self.doing(values) if callable(self.doing) else self.doing

    def authorize(self, ctx: Context, values: Mapping[str, Any]) -> None:
        """Refuse, saying who may, unless the person typing may run this verb with `values`."""
        doing = self.refused(values)
        if self.manage is not None and doing is not None:
            require(ctx, self.manage, doing)

    @property
    def who_may(self) -> str | None:
        """Who may run it, for `help`; a verb whose arguments decide says so in its docstring."""
        if self.manage is None or callable(self.doing):
            return None
        return who_may(self.manage, self.doing)

    def bind(self, tokens: Sequence[Token], text: str, ctx: Context) -> dict[str, Any]:
        """Read `tokens` (what follows the verb) into the handler's keyword arguments."""
        options = {o.name: o for o in self.options}
        values: dict[str, Any] = {}
        positional: list[Token] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            name, eq, _ = (token.word() or "").partition("=")
            option = options.get(name)
            if option is None or (self.args and self.args[-1].rest and positional):
                positional.append(token)
                i += 1
                continue
            if option.dest in values:
                raise CommandError(f"`{option.name}` is given twice.")
            if option.flag:
                values[option.dest] = True
                i += 1
            elif eq and len(token.text) > len(name) + 1:
                values[option.dest] = self._read(option, token.text[len(name) + 1 :], ctx)
                i += 1
            else:  # `name value`, or `name="value"`, where the quotes make the value its own token
                i, values[option.dest] = self._read_following(option, tokens, i + 1, ctx)
        values.update(self._positionals(positional, text, ctx))
        for param in (*self.args, *self.options):
            if param.required and param.dest not in values:
                raise CommandError(f"{_describe(param)} is missing.", param=param.name)
        return values

    def _read(self, param: Param, raw: str, ctx: Context) -> Any:
        if raw.strip() == "":
            raise CommandError(f"{_describe(param)} is empty.", param=param.name)
        try:
            return param.read(raw, ctx) if param.read else raw
        except CommandError as problem:
            problem.param = problem.param or param.name
            raise

    def _read_following(
        self, option: Param, tokens: Sequence[Token], start: int, ctx: Context
    ) -> tuple[int, Any]:
        """Read an option's value from the tokens after its name, trying the longest phrase first."""
        if start >= len(tokens):
            raise CommandError(f"`{option.name}` needs a value after it.", param=option.name)
        longest = 1
        while longest < option.words and start + longest < len(tokens) and not tokens[start + longest].quoted:
            longest += 1
        longest_error: CommandError | None = None
        for count in range(longest, 0, -1):
            raw = (
                tokens[start].value()
                if count == 1
                else " ".join(t.text for t in tokens[start : start + count])
            )
            try:
                return start + count, self._read(option, raw, ctx)
            except CommandError as problem:
                longest_error = longest_error or problem
        assert longest_error is not None
        raise longest_error

    def _positionals(self, tokens: list[Token], text: str, ctx: Context) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for index, param in enumerate(self.args):
            if index >= len(tokens):
                break
            rest = tokens[index:]
            if param.rest:
                raw = rest[0].text if len(rest) == 1 else text[rest[0].start : rest[-1].end]
                values[param.dest] = self._read(param, raw, ctx)
                return values
            if param.greedy and index == len(self.args) - 1 and not rest[0].quoted:
                values[param.dest] = self._read(param, " ".join(t.text for t in rest), ctx)
                return values
            values[param.dest] = self._read(param, tokens[index].value(), ctx)
        extra = tokens[len(self.args) :]
        if extra:
            raise CommandError(f"I did not expect “{extra[0].text}” there; put text with spaces in quotes.")
        return values


def _describe(param: Param) -> str:
    return f"<{param.name}>" if not param.flag else f"`{param.name}`"


def verb(
    name: str,
    *,
    usage: str,
    args: Sequence[Param] = (),
    options: Sequence[Param] = (),
    project: bool = True,
    writes: bool = False,
    manage: Manage | None = None,
    doing: Doing = "",
) -> Callable[[Handler], Verb]:
    """Declare a handler as the verb `name`; its docstring's first line is the summary in `help`.

    `manage` says who may run it (handlers/permissions.py), and `doing` what the refusal says they may not.
    """
    if (manage is None) != (not doing):
        raise ValueError(f"verb {name!r}: `manage` and `doing` go together")

    def declare(handler: Handler) -> Verb:
        doc = inspect.cleandoc(handler.__doc__ or "")
        summary, _, details = doc.partition("\n")
        return Verb(
            name=name,
            usage=usage,
            summary=summary.strip(),
            details=details.strip(),
            handler=handler,
            args=tuple(args),
            options=tuple(options),
            project=project,
            writes=writes,
            manage=manage,
            doing=doing,
        )

    return declare


@dataclass
class Registry:
    verbs: dict[str, Verb] = field(default_factory=dict)

    def include(self, module: ModuleType) -> None:
        """Register every verb a handler module declares, in the order it declares them."""
        for value in vars(module).values():
            if isinstance(value, Verb):
                self.add(value)

    def add(self, new: Verb) -> None:
        if new.name in self.verbs:
            raise ValueError(f"verb {new.name!r} is registered twice")
        self.verbs[new.name] = new

    def match(self, tokens: Sequence[Token]) -> tuple[Verb, list[Token]]:
        """The verb named by the longest run of leading bare words, and the tokens after it."""
        words: list[str] = []
        for token in tokens[:3]:
            word = token.word()
            if word is None:
                break
            words.append(word)
        for count in range(len(words), 0, -1):
            found = self.verbs.get(" ".join(words[:count]))
            if found is not None:
                return found, list(tokens[count:])
        family = self.family(words[0]) if words else []
        if family:
            usages = "\n".join(v.usage for v in family)
            raise CommandError(f"`{words[0]}` needs one of these after it:", usage=usages)
        raise CommandError(self.unknown(" ".join(words[:2]) or (tokens[0].text if tokens else "")))

    def unknown(self, typed: str) -> str:
        if not typed:
            return 'Type a command, for example `status on-track "what happened"`. `help` lists them all.'
        names = sorted({name for name in self.verbs} | {name.split()[0] for name in self.verbs})
        close = difflib.get_close_matches(typed, names, n=1, cutoff=0.5)
        close = close or difflib.get_close_matches(typed.split()[0], names, n=1, cutoff=0.6)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        return f"I don't know the command “{typed}”.{hint} `help` lists the commands."

    def family(self, words: str) -> list[Verb]:
        """The verbs `help <words>` is about: the verb itself and those that extend it."""
        return [v for v in self.verbs.values() if v.name == words or v.name.startswith(words + " ")]

    def __iter__(self) -> Iterator[Verb]:
        return iter(self.verbs.values())
