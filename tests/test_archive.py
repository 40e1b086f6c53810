"""The chart archive: reproducible bytes that Helm loads."""

from __future__ import annotations

import hashlib
import io
import tarfile
import zlib

import pytest
import yaml

from svcgen.archive import ENTRY_MTIME, build_archive
from svcgen.render import render_chart
from tests.examples import EXAMPLES


@pytest.fixture(scope="module")
def seed():
    document = yaml.safe_load((EXAMPLES[0].parent / "seed-shop.yaml").read_text())
    return document["name"], render_chart(document, "0.3.0")


def test_same_files_give_the_same_bytes_whatever_their_order(seed):
    name, files = seed
    first = build_archive(name, files)
    assert build_archive(name, files) == first
    assert build_archive(name, dict(reversed(list(files.items())))) == first


def test_different_content_gives_different_bytes(seed):
    name, files = seed
    changed = dict(files, **{"values.yaml": files["values.yaml"] + "# changed\n"})
    assert build_archive(name, changed) != build_archive(name, files)
    assert build_archive("other", files) != build_archive(name, files)


def test_gzip_header_has_no_timestamp_and_no_file_name(seed):
    data = build_archive(*seed)
    assert data[:3] == b"\x1f\x8b\x08"
    flags, mtime = data[3], int.from_bytes(data[4:8], "little")
    assert flags & 0x08 == 0  # FNAME (RFC 1952 section 2.3.1)
    assert mtime == 0


def test_entries_are_sorted_owned_by_root_with_fixed_mode_and_mtime(seed):
    name, files = seed
    with tarfile.open(fileobj=io.BytesIO(build_archive(name, files)), mode="r:gz") as tar:
        members = tar.getmembers()
        assert [m.name for m in members] == [f"{name}/{p}" for p in sorted(files)]
        for member in members:
            assert member.isfile()
            assert (member.uid, member.gid, member.uname, member.gname) == (0, 0, "", "")
            assert member.mode == 0o644
            assert member.mtime == ENTRY_MTIME
            text = tar.extractfile(member).read().decode("utf-8")
            assert text == files[member.name.removeprefix(f"{name}/")]


def test_helm_loads_and_renders_the_archive(seed, tmp_path):
    import helm_python

    name, files = seed
    data = build_archive(name, files)
    with helm_python.Chart.load_archive(data) as chart:
        assert chart.metadata["name"] == name
        assert chart.version == "0.3.0"
        manifests = chart.render(name="rel", namespace="default")
        assert f"{name}/templates/web-service.yaml" in manifests
    path = tmp_path / f"{name}-0.3.0.tgz"
    path.write_bytes(data)
    with helm_python.Chart.load(path) as chart:
        assert chart.values["web"]["service"]["type"] == "NodePort"
    assert helm_python.digest(path) == "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("bad", ["", "/etc/passwd", "../escape", "templates/../../x"])
def test_paths_outside_the_chart_are_refused(bad):
    with pytest.raises(ValueError, match="not inside the chart"):
        build_archive("shop", {bad: "x"})


def test_the_archive_is_a_single_gzip_member(seed):
    data = build_archive(*seed)
    member = zlib.decompressobj(wbits=31)  # one gzip member; nothing may follow it
    assert member.decompress(data)[257:262] == b"ustar"
    assert member.eof and member.unused_data == b""


def test_same_entries_as_helm_package(seed, tmp_path):
    import helm_python

    from svcgen.render import write_chart_dir

    name, files = seed
    chart_dir = write_chart_dir(files, name, tmp_path / "src")
    packaged = helm_python.package(chart_dir, destination=tmp_path)
    with tarfile.open(packaged, mode="r:gz") as tar:
        helm_entries = sorted(m.name for m in tar.getmembers() if m.isfile())
    with tarfile.open(fileobj=io.BytesIO(build_archive(name, files)), mode="r:gz") as tar:
        ours = sorted(m.name for m in tar.getmembers())
    assert ours == helm_entries
