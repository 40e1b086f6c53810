"""Chart generation, in process: svcgen's render + archive against the real Helm
engine's ``helm_python.package`` of the same chart files.

A 300-component topology is over the document limit of 200 (DESIGN section 2):
this benchmark calls :func:`svcgen.render.render_chart` directly, which does not
validate, so the size can go past the limit.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from svcgen.archive import build_archive
from svcgen.render import render_chart, write_chart_dir

from .topologies import wide


@dataclass(frozen=True)
class ChartTiming:
    """Best-of-N seconds for one topology size.

    :param components: the topology's component count.
    :param svcgen: render + archive.
    :param helm: ``helm_python.package`` of the rendered chart directory.
    :param files: chart files.
    """

    components: int
    svcgen: float
    helm: float
    files: int


def _best(action, repeat: int) -> float:
    action()  # warm caches (templates, imports) before timing
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def time_chart(components: int, repeat: int = 5) -> ChartTiming:
    """Time svcgen and Helm on a topology of ``components`` components (see
    :func:`bench.topologies.wide`)."""
    import helm_python  # the Go runtime loads here, in this process only

    document = wide(components)
    files = render_chart(document, "0.1.0")

    def ours():
        build_archive(document["name"], render_chart(document, "0.1.0"))

    with tempfile.TemporaryDirectory() as tmp:
        chart = write_chart_dir(files, document["name"], Path(tmp) / "src")
        out = Path(tmp) / "out"
        out.mkdir()

        def theirs():
            helm_python.package(chart, destination=out)

        helm = _best(theirs, repeat)
    return ChartTiming(components, _best(ours, repeat), helm, len(files))
