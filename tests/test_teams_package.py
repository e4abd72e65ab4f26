"""`pmbot teams-package` writes the zip to upload in Teams: the manifest with the bot's app id, a 192×192
colour icon and a 32×32 outline icon (white on transparent)."""

import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

PMBOT = str(Path(sys.executable).with_name("pmbot"))
APP_ID = "00000000-0000-0000-0000-000000000000"


def _png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, bytes per pixel, rows) of an unfiltered 8-bit PNG, as package.py writes them."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8
    pixel = {2: 3, 6: 4}[colour]
    idat = data[data.index(b"IDAT") + 4 : data.index(b"IEND") - 8]
    raw = zlib.decompress(idat)
    stride = width * pixel + 1
    return width, height, pixel, [raw[i * stride + 1 : (i + 1) * stride] for i in range(height)]


def test_the_package_holds_the_manifest_and_both_icons(tmp_path):
    out = tmp_path / "p.zip"
    done = subprocess.run(
        [PMBOT, "teams-package", "--app-id", APP_ID, "--out", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        color, outline = _png(package.read("color.png")), _png(package.read("outline.png"))
    assert manifest["$schema"].endswith(f"/v{manifest['manifestVersion']}/MicrosoftTeams.schema.json")
    assert manifest["id"] == APP_ID
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    titles = [command["title"] for command in bot["commandLists"][0]["commands"]]
    assert titles[0] == "help"
    assert len(titles) <= 10
    assert all(len(c["description"]) <= 128 for c in bot["commandLists"][0]["commands"])
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert color[:3] == (192, 192, 3)
    assert outline[:3] == (32, 32, 4)
    pixels = {row[i : i + 4] for row in outline[3] for i in range(0, len(row), 4)}
    assert pixels == {b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"}  # white on transparent, nothing else


def test_an_app_id_that_is_no_guid_is_refused(tmp_path):
    done = subprocess.run(
        [PMBOT, "teams-package", "--app-id", "pmbot", "--out", str(tmp_path / "p.zip")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "is not a Microsoft App ID" in done.stderr
    assert not (tmp_path / "p.zip").exists()
