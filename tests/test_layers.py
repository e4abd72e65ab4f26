"""The layering of the design card: storage ← handlers ← scheduler ← bot, and platforms only in bot/."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_SDKS = {"slack_bolt", "slack_sdk", "botbuilder"}
MAY_NOT_IMPORT = {
    "storage": PLATFORM_SDKS | {"handlers", "scheduler", "bot"},
    "handlers": PLATFORM_SDKS | {"scheduler", "bot"},
    "scheduler": PLATFORM_SDKS | {"bot"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", sorted(MAY_NOT_IMPORT))
def test_layer_imports_nothing_above_it_and_no_platform_sdk(layer):
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files, f"{layer}/ has no Python files"
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in imported_packages(path) & MAY_NOT_IMPORT[layer]
    }
    assert not wrong


def test_the_check_sees_a_platform_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from slack_bolt.async_app import AsyncApp\nimport botbuilder.core\n")
    assert imported_packages(sample) == {"slack_bolt", "botbuilder"}
