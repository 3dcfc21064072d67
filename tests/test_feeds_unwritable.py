"""A feed cache folder that cannot be written (full disk, no permission) never costs a feed:
the body is sent from memory, the same bytes, and nothing is left behind in the folder."""

import errno
import gzip
import os
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from tests.feeds_support import _fresh_feed_state, new_feed  # noqa: F401

GZIP = {"Accept-Encoding": "gzip"}


def _fill(folder) -> None:
    """Write until the file system says it is full."""
    with (folder / "filler").open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC


@pytest.fixture(params=["disk full", "no permission"])
def unwritable_cache(request, tmp_path):
    """FEED_CACHE_FOLDER on a full file system (a tiny tmpfs: needs root) or read-only by
    its mode (root ignores modes): each kind runs where it can really be made."""
    folder = tmp_path / "feed-cache"
    folder.mkdir()
    if request.param == "disk full":
        mount = ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)]
        if os.geteuid() != 0 or subprocess.run(mount, check=False).returncode != 0:
            pytest.skip("a full disk is made by mounting a tiny tmpfs, which needs root")
        request.addfinalizer(lambda: subprocess.run(["umount", str(folder)], check=True))
        _fill(folder)
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into a read-only folder anyway")
        folder.chmod(0o555)
        request.addfinalizer(lambda: folder.chmod(0o755))
    return folder


def _soon() -> dict:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    return {"start_dt": start, "end_dt": start + timedelta(hours=1), "status": "confirmed"}


def test_an_unwritable_cache_folder_serves_the_same_bytes_from_memory(
    app, client, db, make_meeting, tmp_path, monkeypatch, unwritable_cache
):
    make_meeting(title_ko="디스크가 가득 찬 날의 회의", **_soon())
    path = new_feed(app, "--partner", "seoul")
    monkeypatch.setitem(app.config, "FEED_CACHE_FOLDER", str(tmp_path / "writable"))
    reference = client.get(path)
    packed_reference = client.get(path, headers=GZIP)
    folder = unwritable_cache
    monkeypatch.setitem(app.config, "FEED_CACHE_FOLDER", str(folder))
    before = sorted(p.name for p in folder.iterdir())

    plain = client.get(path)
    assert plain.status_code == 200 and plain.data == reference.data
    assert plain.headers["Content-Length"] == str(len(reference.data))
    assert plain.headers["ETag"] == reference.headers["ETag"]
    packed = client.get(path, headers=GZIP)
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == reference.data
    assert packed.data == packed_reference.data
    assert packed.headers["Content-Length"] == str(len(packed.data))
    revalidated = client.get(path, headers={"If-None-Match": plain.headers["ETag"]})
    assert revalidated.status_code == 304
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing half-written left
