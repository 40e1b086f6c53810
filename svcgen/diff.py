"""What changed between two revisions: in the document, field by field, and in
the chart, as a unified diff (:mod:`difflib`) per changed file.

Pure functions over plain data; the API feeds them stored documents and the
files of stored archives (:func:`svcgen.package.archive_files`).
"""

from __future__ import annotations

import difflib

Path = tuple[str | int, ...]


def _field(path: Path) -> str:
    return ".".join(str(p) for p in path)


def document_changes(old: object, new: object) -> dict[str, list[dict]]:
    """Fields added, removed and changed from ``old`` to ``new``.

    Maps are compared key by key, lists index by index (a list that grows has
    its new indices *added*); anything else, or a value whose type changes
    (a map becoming a list, ``80`` becoming ``"80"``), is *changed* as a whole.

    :param old: the older document (or any JSON value).
    :param new: the newer one.
    :returns: ``{"added": [{"path", "field", "new"}], "removed": [{"path",
        "field", "old"}], "changed": [{"path", "field", "old", "new"}]}``,
        ``path`` a list of keys and indices, ``field`` them joined with dots
        (``components.1.ports.0.nodePort``), each list in document order.
    """
    found: dict[str, list[dict]] = {"added": [], "removed": [], "changed": []}
    _compare(old, new, (), found)
    return found


def _compare(old: object, new: object, path: Path, found: dict[str, list[dict]]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if key in new:
                _compare(old[key], new[key], (*path, key), found)
            else:
                found["removed"].append(_item(path + (key,), old=old[key]))
        for key in new:
            if key not in old:
                found["added"].append(_item((*path, key), new=new[key]))
    elif isinstance(old, list) and isinstance(new, list):
        for index, (a, b) in enumerate(zip(old, new, strict=False)):
            _compare(a, b, (*path, index), found)
        for index in range(len(new), len(old)):
            found["removed"].append(_item((*path, index), old=old[index]))
        for index in range(len(old), len(new)):
            found["added"].append(_item((*path, index), new=new[index]))
    elif type(old) is not type(new) or old != new:
        found["changed"].append(_item(path, old=old, new=new))


def _item(path: Path, **values: object) -> dict:
    return {"path": list(path), "field": _field(path), **values}


def file_diffs(chart: str, old: dict[str, str], new: dict[str, str]) -> list[dict]:
    """A unified diff of every chart file that differs.

    :param chart: the chart's name (the archive's top directory, used in the
        ``---`` / ``+++`` headers: ``a/shop/values.yaml``, ``b/shop/values.yaml``).
    :param old: ``{path: text}`` of the older chart.
    :param new: ``{path: text}`` of the newer chart.
    :returns: ``[{"path", "status": "added" | "removed" | "changed", "diff"}]``
        sorted by path; ``diff`` is the text of :func:`difflib.unified_diff`
        with 3 lines of context (an added file diffs against nothing).
    """
    result = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        lines = difflib.unified_diff(
            _lines(before or ""),
            _lines(after or ""),
            fromfile="/dev/null" if before is None else f"a/{chart}/{path}",
            tofile="/dev/null" if after is None else f"b/{chart}/{path}",
        )
        result.append({"path": path, "status": status, "diff": "".join(lines)})
    return result


def _lines(text: str) -> list[str]:
    """Lines with their newline; a last line without one gets the marker
    ``diff`` writes, so that the diff stays line-oriented."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
