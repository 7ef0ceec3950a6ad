"""Refresh the screenshots in docs/img from the browser tests' pictures.

The browser tests save full-page pictures in ``test-artifacts/screens/`` (``tests/browser.py``'s
``screenshot``: ``<name>-1400.png`` and ``<name>-390.png``; the map's own in
``tests/maps/test_map_sample_city_browser.py``). Run those tests, then this script: every picture
docs/img already holds is replaced by the test's picture of the same name, reduced to 256 colours
(flat interface colours survive; a picture shrinks to about a third). A picture docs/img holds
but the tests did not save is named and left as it is.

    .venv/bin/pytest -q tests/pages/*_browser.py tests/maps/test_map_sample_city_browser.py
    .venv/bin/python scripts/docs_img.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SCREENS = ROOT / "test-artifacts" / "screens"
DOCS_IMG = ROOT / "docs" / "img"


def main() -> int:
    missing = []
    for target in sorted(DOCS_IMG.glob("*.png")):
        source = SCREENS / target.name
        if not source.exists():
            missing.append(target.name)
            continue
        picture = Image.open(source).convert("RGB")
        picture.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            target, "PNG", optimize=True)
        print(f"{target.name}: {target.stat().st_size // 1024} KiB")
    for name in missing:
        print(f"{name}: no picture in {SCREENS}; left as it is", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
