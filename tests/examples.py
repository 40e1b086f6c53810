"""Where the shared example topologies live: ``../shared/examples`` beside the repository
(as on a developer machine and in CI), or ``$SVCGEN_EXAMPLES``."""

from __future__ import annotations

import os
from pathlib import Path

EXAMPLES_DIR = Path(
    os.environ.get("SVCGEN_EXAMPLES", Path(__file__).resolve().parents[2] / "shared" / "examples")
)
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
if not EXAMPLES:
    raise RuntimeError(f"no example topologies in {EXAMPLES_DIR}; set SVCGEN_EXAMPLES")
