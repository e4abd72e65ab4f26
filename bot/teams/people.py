"""What pmbot learns about people from the activities Teams sends: their display name (to mention them in
a card), their timezone (Teams adds it to what they send) and their Teams id (29:…, to open a chat with
them). Kept in memory; a person is learned again from their next message after a restart (names of
people pmbot has a personal chat with are also kept with that chat)."""

from dataclasses import dataclass


@dataclass
class Person:
    name: str | None = None
    timezone: str | None = None
    teams_id: str | None = None


class People:
    def __init__(self) -> None:
        self._known: dict[tuple[str, str], Person] = {}

    def learn(
        self,
        tenant_id: str,
        user_id: str,
        *,
        name: str | None = None,
        timezone: str | None = None,
        teams_id: str | None = None,
    ) -> None:
        person = self._known.setdefault((tenant_id, user_id), Person())
        person.name = name or person.name
        person.timezone = timezone or person.timezone
        person.teams_id = teams_id or person.teams_id

    def name(self, tenant_id: str, user_id: str) -> str | None:
        return self._known.get((tenant_id, user_id), Person()).name

    def timezone(self, tenant_id: str, user_id: str) -> str | None:
        return self._known.get((tenant_id, user_id), Person()).timezone

    def teams_id(self, tenant_id: str, user_id: str) -> str | None:
        return self._known.get((tenant_id, user_id), Person()).teams_id

    def named(self, tenant_id: str, name: str) -> list[str]:
        """Who in the tenant is called `name`, whole (“Bob Stone”) or by first name (“bob”), ignoring case."""
        wanted = " ".join(name.split()).casefold()
        known = [
            (user, p.name.casefold())
            for (tenant, user), p in self._known.items()
            if tenant == tenant_id and p.name
        ]
        whole = sorted(user for user, called in known if " ".join(called.split()) == wanted)
        return whole or sorted(user for user, called in known if called.split()[:1] == [wanted])
