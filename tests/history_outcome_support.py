"""Helpers shared by the outcome and attachment tests."""

from contextlib import contextmanager

from scheduler.history.signals import outcome_changed


def mark_held(client, meeting) -> None:
    """Confirm *meeting* and mark it held through the pages (the client is signed in)."""
    for action in ("confirm", "held"):
        response = client.post(
            f"/meetings/{meeting.id}/{action}", data={"version": meeting.version}
        )
        assert response.status_code == 302, response.get_data(as_text=True)


@contextmanager
def outcome_signals():
    """The ids of the meetings `outcome_changed` was sent for while inside the block."""
    received = []

    def listener(meeting, **_details):
        received.append(meeting.id)

    outcome_changed.connect(listener)
    try:
        yield received
    finally:
        outcome_changed.disconnect(listener)


def png_bytes() -> bytes:
    """A real 1×1 PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf_bytes(size: int = 0) -> bytes:
    """A small PDF, padded with a comment to *size* bytes when asked."""
    body = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    return body + b"%" + b"0" * (size - len(body) - 2) + b"\n" if size else body


def ooxml_bytes(main_part: str) -> bytes:
    """An Office Open XML package holding [Content_Types].xml and *main_part*."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        package.writestr(main_part, '<?xml version="1.0"?><root/>')
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """A workbook written by openpyxl."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "협약"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ole_bytes(stream_name: str) -> bytes:
    """The start of an OLE2 compound file whose directory names *stream_name*."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entry = (stream_name.encode("utf-16-le") + b"\x00\x00").ljust(128, b"\x00")
    return header + b"\xff" * 512 + entry + b"\x00" * 384
