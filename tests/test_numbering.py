"""R-n, D-n and A-n stay unique and gapless per project when people type at the same moment."""

import re
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from storage.models import Decision, Deliverable, Risk

PEOPLE = 6
EACH = 8


def test_concurrent_commands_get_distinct_consecutive_numbers(churn, database):
    def work(person: int) -> list[str]:
        me = churn.as_(f"user{person}")
        replies = []
        for n in range(EACH):
            replies.append(me(f'risk add "Risk {person}.{n}" p=2 i=2'))
            replies.append(me(f'decision "Decision {person}.{n}" because "reasons"'))
            replies.append(me(f'deliverable add "Thing {person}.{n}" owner @user{person} due friday'))
        return replies

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        replies = [r for batch in pool.map(work, range(PEOPLE)) for r in batch]

    assert all(r.startswith("✓ Recorded") for r in replies), [r for r in replies if not r.startswith("✓")][:3]
    expected = list(range(1, PEOPLE * EACH + 1))
    for letter, model in (("R", Risk), ("D", Decision), ("A", Deliverable)):
        announced = sorted(int(m) for r in replies for m in re.findall(rf"^✓ Recorded {letter}-(\d+)", r))
        assert announced == expected
        with database.session(write=False) as db:
            stored = sorted(row.number for row in db.exec(select(model)).all())
        assert stored == expected
