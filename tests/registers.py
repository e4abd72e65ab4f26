"""A RAID log with a bit of everything, recorded through the real commands, and the records of a
project as plain values to compare (tests of exports and imports)."""

import io
import zipfile
from typing import Any

from sqlmodel import col, select

from storage.db import Database
from storage.models import Decision, Deliverable, Project, Risk

FORMULA_TITLE = "=1+2 looks like a formula"
COMMANDS = (
    'risk add "Label noise in Q3 data" p=4 i=3 owner @bob category data mitigation "Relabel a sample" review in 2 weeks',
    f'risk add "{FORMULA_TITLE}" p=2 i=2',
    'risk add "Vendor lock-in, and a comma; it\'s sticky" p=2 i=5 owner @carol',
    "risk update R-3 status mitigating",
    'risk close R-2 "Checked: it is plain text"',
    'decision "Use gradient boosting" because "cheaper, and explainable" alternatives "deep nets; rules" link https://example.com/notes',
    'decision supersede D-1 "Use LightGBM" because "faster to train"',
    'deliverable add "Extract Q3 data" owner @bob due in 3 days',
    'deliverable add "Benchmark" owner "Vendor X" due in 5 days',
    'deliverable add "Label guide" owner @carol due tomorrow',
    "deliverable done A-3",
    'deliverable add "Old plan" owner @bob due in 4 days',
    "deliverable cancel A-4",
    "deliverable snooze A-1 in 2 days",
    'status at-risk "F1 dropped to 0.71 after retraining"',
    'kpi add "Recall" baseline 0.5 target 0.8',
    'kpi set "Recall" 0.6',
    'phase next go --accept-gaps "The sponsor wants results"',
)


def fill(chat: Any, clock: Any) -> None:
    """Record `COMMANDS` in the chat's project, ten minutes apart."""
    for command in COMMANDS:
        reply = chat(command)
        assert not reply.startswith("✗"), (command, reply)
        clock.advance(minutes=10)


def records(database: Database, key: str, tenant_id: str = "T1") -> dict[str, list[dict[str, Any]]]:
    """The project's risks, deliverables and decisions as values, without what an import makes anew
    (ids, when a row was last changed, a gate decision's snapshot, which CSV does not carry)."""
    dropped = {"id", "tenant_id", "project_id", "updated_at", "snapshot"}
    with database.session(write=False) as db:
        project = db.exec(select(Project).where(Project.tenant_id == tenant_id, Project.key == key)).one()
        found = {}
        for name, model in (("risks", Risk), ("deliverables", Deliverable), ("decisions", Decision)):
            rows = db.exec(
                select(model).where(model.project_id == project.id).order_by(col(model.number))
            ).all()
            found[name] = [row.model_dump(exclude=dropped) for row in rows]
        return found


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}
