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
from svcgen.values import clear_block_cache

from .topologies import wide


@dataclass(frozen=True)
class ChartTiming:
    """Best-of-N seconds for one topology size.

    :param components: the topology's component count.
    :param svcgen: render + archive, cold: no block of ``values.yaml`` is in the
        cache (:func:`svcgen.values.dump_values`), as for a topology never seen.
    :param svcgen_one_changed: render + archive of a new revision in which one
        component changed (its replicas): the other components' blocks are cached.
    :param helm: ``helm_python.package`` of the rendered chart directory.
    :param files: chart files.
    """

    components: int
    svcgen: float
    svcgen_one_changed: float
    helm: float
    files: int


def _best(action, repeat: int, before=lambda: None) -> float:
    action()  # warm caches (templates, imports) before timing
    times = []
    for _ in range(repeat):
        before()
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

    changing = document["components"][0]

    def ours_one_changed():
        changing["replicas"] = changing.get("replicas", 1) % 9 + 1
        ours()

    with tempfile.TemporaryDirectory() as tmp:
        chart = write_chart_dir(files, document["name"], Path(tmp) / "src")
        out = Path(tmp) / "out"
        out.mkdir()

        def theirs():
            helm_python.package(chart, destination=out)

        helm = _best(theirs, repeat)
    cold = _best(ours, repeat, before=clear_block_cache)
    return ChartTiming(components, cold, _best(ours_one_changed, repeat), helm, len(files))
