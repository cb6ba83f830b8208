"""Put docs/state-diagram.dot into the ```dot block of README.md (called by `make diagram`)."""

import re
from pathlib import Path

root = Path(__file__).resolve().parent.parent
dot = (root / "docs" / "state-diagram.dot").read_text().strip()
readme = root / "README.md"
text, count = re.subn(
    r"```dot\n.*?```", lambda _: f"```dot\n{dot}\n```", readme.read_text(), flags=re.S
)
if count != 1:
    raise SystemExit("README.md must have exactly one ```dot block")
readme.write_text(text)
