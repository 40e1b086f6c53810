"""Profile of one chart generation (render + archive) of a 300-component
topology, with pyinstrument: ``python -m bench.profile_render [N]``.

This is what showed ``values.yaml`` emission (ruamel.yaml) to be most of a
render; see ``bench/README.md`` for before and after.
"""

from __future__ import annotations

import sys

from pyinstrument import Profiler

from svcgen.archive import build_archive
from svcgen.render import render_chart
from svcgen.values import clear_block_cache

from .topologies import wide


def main(components: int = 300) -> None:
    """Print the profile as text."""
    document = wide(components)
    render_chart(document, "0.1.0")  # warm: templates compiled, modules imported
    clear_block_cache()  # but cold values.yaml blocks, as for a topology never seen
    profiler = Profiler(interval=0.0005)
    with profiler:
        build_archive(document["name"], render_chart(document, "0.1.0"))
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
