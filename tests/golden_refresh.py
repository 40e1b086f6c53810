"""Rewrite the golden charts under ``tests/golden/``: ``make goldens``.

Each example topology's chart (chart version ``0.1.0``) is written to
``tests/golden/<example>/``; ``tests/test_render.py`` compares fresh renders
with these files and never writes them itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from svcgen.render import render_chart
from tests.examples import EXAMPLES

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
GOLDEN_VERSION = "0.1.0"


def golden_files(example: Path) -> dict[str, str]:
    """The chart files of one example, as the goldens hold them."""
    return render_chart(yaml.safe_load(example.read_text()), GOLDEN_VERSION)


def main() -> None:
    """Replace ``tests/golden/`` with the charts of every example."""
    shutil.rmtree(GOLDEN_DIR, ignore_errors=True)
    for example in EXAMPLES:
        for rel, text in golden_files(example).items():
            path = GOLDEN_DIR / example.stem / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN_DIR / example.stem}")


if __name__ == "__main__":
    main()
