"""The Teams app package: manifest.json (with the bot's app id filled in) and its two icons, zipped for
Teams' "Upload a custom app". The icons are drawn here, with the standard library only."""

import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

from handlers.commands import build_registry

APP_PACKAGE = Path(__file__).parent / "appPackage"
COLOR = (0x4B, 0x53, 0xBC)  # Teams purple: the colour icon's background
MAX_COMMANDS = 10  # Teams shows at most ten commands per scope
# the commands Teams suggests when someone types @pmbot, most used first
COMMANDS = (
    "help",
    "projects",
    "project",
    "status",
    "risks",
    "decisions",
    "deliverables",
    "kpis",
    "summary",
    "digest preview",
)


def _png(width: int, rows: list[bytes], *, alpha: bool) -> bytes:
    """A PNG of 8-bit RGB or RGBA rows."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, len(rows), 8, 6 if alpha else 2, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _inside_mark(x: float, y: float) -> bool:
    """pmbot's mark on a unit square: a check mark in a rounded frame."""
    frame = 0.18 <= x <= 0.82 and 0.18 <= y <= 0.82 and not (0.26 < x < 0.74 and 0.26 < y < 0.74)
    stroke = 0.06
    check = (0.32 <= x <= 0.46 and abs((y - 0.50) - (x - 0.32)) < stroke) or (
        0.44 <= x <= 0.70 and abs((y - 0.64) + (x - 0.44) * 1.1) < stroke
    )
    return frame or check


def color_icon(size: int = 192) -> bytes:
    """192×192, full colour: the mark in white on Teams purple."""
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            row += bytes((255, 255, 255) if _inside_mark((x + 0.5) / size, (y + 0.5) / size) else COLOR)
        rows.append(bytes(row))
    return _png(size, rows, alpha=False)


def outline_icon(size: int = 32) -> bytes:
    """32×32, white on transparent, as Teams requires of outline icons."""
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            inside = _inside_mark((x + 0.5) / size, (y + 0.5) / size)
            row += bytes((255, 255, 255, 255) if inside else (0, 0, 0, 0))
        rows.append(bytes(row))
    return _png(size, rows, alpha=True)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def manifest(app_id: str) -> dict[str, Any]:
    """appPackage/manifest.json with the bot's Microsoft App ID, and the command list from the registry."""
    data: dict[str, Any] = json.loads((APP_PACKAGE / "manifest.json").read_text())
    data["id"] = app_id
    summaries = {verb.name: verb.summary for verb in build_registry()}
    commands = [
        {"title": name, "description": _short(summaries[name], 128)} for name in COMMANDS if name in summaries
    ]
    for bot in data["bots"]:
        bot["botId"] = app_id
        bot["commandLists"] = [{"scopes": bot["scopes"], "commands": commands[:MAX_COMMANDS]}]
    return data


def write_package(app_id: str, out: Path) -> Path:
    """The zip to upload in Teams: manifest.json, color.png and outline.png at its root."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest(app_id), indent=2, ensure_ascii=False))
        package.writestr("color.png", color_icon())
        package.writestr("outline.png", outline_icon())
    return out
