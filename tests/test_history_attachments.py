"""Meeting attachments through the pages: checked by content, stored by random names."""

import io
import re

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.history.attachments.models import MAX_ATTACHMENT_BYTES, Attachment
from tests.conftest import count
from tests.history_outcome_support import (
    mark_held,
    ole_bytes,
    ooxml_bytes,
    outcome_signals,
    pdf_bytes,
    png_bytes,
    xlsx_bytes,
)
from tests.visits_support import newest

OOXML = "application/vnd.openxmlformats-officedocument"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"  # noqa: E501
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x000\x01\x00\x9d\x01*\x01\x00\x01\x00\x02\x00"


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    """Attachments go to a fresh instance/uploads folder of this test."""
    folder = tmp_path / "instance" / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def meeting(auth, client, make_meeting, uploads):
    meeting = make_meeting(organizer=auth.login("coordinator", locale="zh"))
    mark_held(client, meeting)
    return meeting


def _upload(client, meeting, content: bytes, name: str, content_type=None):
    data = {"file": (io.BytesIO(content), name, content_type)} if name is not None else {}
    return client.post(
        f"/meetings/{meeting.id}/attachments", data=data, content_type="multipart/form-data"
    )


def _stored_files(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_upload_and_download_a_pdf_with_a_chinese_name(auth, client, db, meeting, uploads):
    content = pdf_bytes()
    with outcome_signals() as received:
        response = _upload(client, meeting, content, "2026年 合作备忘录.pdf", "application/pdf")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{meeting.id}#attachments"
    assert received == [meeting.id]
    attachment = newest(db, Attachment)
    assert (attachment.meeting_id, attachment.original_name) == (
        meeting.id,
        "2026年 合作备忘录.pdf",
    )
    assert (attachment.content_type, attachment.size_bytes) == ("application/pdf", len(content))
    assert attachment.uploaded_by_id == auth.user.id
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    assert _stored_files(uploads) == [attachment.stored_name]
    assert (uploads / attachment.stored_name).read_bytes() == content
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'<a href="/attachments/{attachment.id}">2026年 合作备忘录.pdf</a>' in page
    auth.logout()
    auth.login("viewer", locale="ko")
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == content
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"2026 .pdf\"; filename*=UTF-8''"
        "2026%E5%B9%B4%20%E5%90%88%E4%BD%9C%E5%A4%87%E5%BF%98%E5%BD%95.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_upload_is_audited(auth, client, db, meeting):
    _upload(client, meeting, png_bytes(), "现场照片.png")
    attachment = newest(db, Attachment)
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "attachments", AuditEntry.object_id == attachment.id
        )
    )
    assert (entry.action, entry.user_id, entry.object_label) == (
        "create",
        auth.user.id,
        "现场照片.png",
    )
    assert entry.changes["size_bytes"] == [None, len(png_bytes())]


def test_downloads_need_a_signed_in_user(auth, client, db, meeting):
    _upload(client, meeting, pdf_bytes(), "minutes.pdf")
    attachment = newest(db, Attachment)
    auth.logout()
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert client.get("/attachments/999999").status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("议程.docx", ooxml_bytes("word/document.xml"), f"{OOXML}.wordprocessingml.document"),
        ("名单.xlsx", xlsx_bytes(), f"{OOXML}.spreadsheetml.sheet"),
        ("발표.pptx", ooxml_bytes("ppt/presentation.xml"), f"{OOXML}.presentationml.presentation"),
        ("old.doc", ole_bytes("WordDocument"), "application/msword"),
        ("old.xls", ole_bytes("Workbook"), "application/vnd.ms-excel"),
        ("old.ppt", ole_bytes("PowerPoint Document"), "application/vnd.ms-powerpoint"),
        ("photo.PNG", png_bytes(), "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("logo.gif", GIF, "image/gif"),
        ("logo.webp", WEBP, "image/webp"),
    ],
)
def test_accepted_types_are_checked_by_content(client, db, meeting, name, content, content_type):
    assert _upload(client, meeting, content, name).status_code == 302
    attachment = newest(db, Attachment)
    assert (attachment.original_name, attachment.content_type) == (name, content_type)
    response = client.get(f"/attachments/{attachment.id}")
    assert (response.headers["Content-Type"], response.data) == (content_type, content)


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("report.pdf", png_bytes(), None),
        ("photo.png", pdf_bytes(), None),
        ("invite.pdf", b"<html><script>alert(1)</script></html>", None),
        ("photo.jpg", b"GIF89a" + b"\x00" * 40, None),
        ("list.docx", xlsx_bytes(), None),
        ("list.xlsx", ooxml_bytes("word/document.xml"), None),
        ("plain.docx", b"PK\x03\x04" + b"\x00" * 100, None),
        ("old.xls", ole_bytes("WordDocument"), None),
        ("old.doc", b"MZ\x90\x00" + b"\x00" * 600, None),
        ("minutes.pdf", pdf_bytes(), "text/html"),
        ("photo.png", png_bytes(), "image/svg+xml"),
    ],
)
def test_content_contradicting_the_name_is_refused(
    client, db, meeting, uploads, translated, name, content, declared
):
    response = _upload(client, meeting, content, name, declared)
    assert response.status_code == 400
    message = translated("zh", "The content of this file does not match its name or type.")
    assert message in response.get_data(as_text=True)
    assert count(Attachment) == 0
    assert _stored_files(uploads) == []


@pytest.mark.parametrize("name", ["setup.exe", "page.html", "drawing.svg", "notes.txt", "README"])
def test_other_kinds_of_file_are_refused(client, meeting, uploads, translated, name):
    response = _upload(client, meeting, b"%PDF-1.4 pretending", name)
    assert response.status_code == 400
    assert translated("zh", "This kind of file cannot be attached. Attach a PDF, an Office "
                      "document (Word, Excel, PowerPoint) or an image (PNG, JPEG, GIF, WebP).") in (
        response.get_data(as_text=True)
    )  # fmt: skip
    assert count(Attachment) == 0 and _stored_files(uploads) == []


@pytest.mark.parametrize(
    ("raw_name", "shown"),
    [
        ("../../x.pdf", "x.pdf"),
        ("C:\\Users\\kim\\x.pdf", "x.pdf"),
        ("/etc/cron.d/회의록.pdf", "회의록.pdf"),
        ("..\\..\\..\\evil\u202egpj.pdf", "evilgpj.pdf"),
        ("  .hidden.pdf ", "hidden.pdf"),
    ],
)
def test_paths_are_stripped_from_names(client, db, meeting, uploads, raw_name, shown):
    # Built by hand: the test client would not escape the backslashes of a Windows path.
    quoted = raw_name.replace("\\", "\\\\").replace('"', '\\"')
    body = (
        (
            f'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf_bytes()
        + b"\r\n--b0undary--\r\n"
    )
    response = client.post(
        f"/meetings/{meeting.id}/attachments",
        data=body,
        content_type="multipart/form-data; boundary=b0undary",
    )
    assert response.status_code == 302
    attachment = newest(db, Attachment)
    assert attachment.original_name == shown
    assert _stored_files(uploads) == [attachment.stored_name]
    assert not (uploads.parent / "x.pdf").exists()


def test_a_name_that_is_only_a_path_is_refused(client, meeting, uploads, translated):
    response = _upload(client, meeting, pdf_bytes(), "../../")
    assert response.status_code == 400
    assert translated("zh", "Choose a file to attach.") in response.get_data(as_text=True)
    assert count(Attachment) == 0 and _stored_files(uploads) == []


def test_empty_and_missing_files_are_refused(client, meeting, uploads, translated):
    response = _upload(client, meeting, b"", "empty.pdf")
    assert response.status_code == 400
    assert translated("zh", "The file is empty.") in response.get_data(as_text=True)
    response = _upload(client, meeting, b"", None)
    assert response.status_code == 400
    assert translated("zh", "Choose a file to attach.") in response.get_data(as_text=True)
    assert count(Attachment) == 0 and _stored_files(uploads) == []


def test_size_limit(client, db, meeting, uploads, translated):
    message = translated("zh", "A file may be at most %(max)d MB.", max=20)
    response = _upload(client, meeting, pdf_bytes(MAX_ATTACHMENT_BYTES + 1), "big.pdf")
    assert response.status_code == 413
    assert message in response.get_data(as_text=True)
    response = _upload(client, meeting, pdf_bytes(MAX_ATTACHMENT_BYTES + 200_000), "bigger.pdf")
    assert response.status_code == 413
    assert count(Attachment) == 0 and _stored_files(uploads) == []
    assert _upload(client, meeting, pdf_bytes(MAX_ATTACHMENT_BYTES), "exact.pdf").status_code == 302
    assert newest(db, Attachment).size_bytes == MAX_ATTACHMENT_BYTES


def test_large_upload_passes_csrf_and_the_site_limit(
    app, client, db, meeting, uploads, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # after signing in without it
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="attachment-form".*?</form>', page, re.S).group(0)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    six_mb = pdf_bytes(6 * 1024 * 1024)
    data = {"csrf_token": token, "file": (io.BytesIO(six_mb), "scan.pdf")}
    url = f"/meetings/{meeting.id}/attachments"
    assert client.post(url, data=data, content_type="multipart/form-data").status_code == 302
    assert newest(db, Attachment).size_bytes == len(six_mb)
    data = {"csrf_token": token, "file": (io.BytesIO(pdf_bytes(25 * 1024 * 1024)), "huge.pdf")}
    assert client.post(url, data=data, content_type="multipart/form-data").status_code == 413
    assert count(Attachment) == 1 and len(_stored_files(uploads)) == 1


def test_viewer_cannot_upload_or_delete(auth, client, db, meeting, uploads):
    _upload(client, meeting, pdf_bytes(), "minutes.pdf")
    attachment = newest(db, Attachment)
    auth.logout()
    auth.login("viewer", locale="zh")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'id="attachment-form"' not in page and "/delete" not in page
    assert _upload(client, meeting, pdf_bytes(), "other.pdf").status_code == 403
    assert client.post(f"/attachments/{attachment.id}/delete").status_code == 403
    assert count(Attachment) == 1 and _stored_files(uploads) == [attachment.stored_name]


def test_delete_removes_row_and_file_and_is_audited(auth, client, db, meeting, uploads):
    _upload(client, meeting, pdf_bytes(), "minutes.pdf")
    attachment = newest(db, Attachment)
    attachment_id, stored_name = attachment.id, attachment.stored_name
    auth.logout()
    other = auth.login("coordinator", locale="zh")
    with outcome_signals() as received:
        response = client.post(f"/attachments/{attachment_id}/delete")
    assert response.status_code == 302 and received == [meeting.id]
    assert count(Attachment) == 0 and _stored_files(uploads) == []
    entry = newest(db, AuditEntry)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "delete",
        "attachments",
        attachment_id,
    )
    assert entry.user_id == other.id
    assert entry.changes["original_name"] == ["minutes.pdf", None]
    assert entry.changes["stored_name"] == [stored_name, None]
    assert client.get(f"/attachments/{attachment_id}").status_code == 404
    assert client.post(f"/attachments/{attachment_id}/delete").status_code == 404


def _failing_listener(meeting, **_details):
    raise sa.exc.OperationalError("INSERT", {}, Exception("disk full"))


def test_failed_write_leaves_no_orphan_file(app, client, meeting, uploads):
    from scheduler.history.signals import outcome_changed

    outcome_changed.connect(_failing_listener)
    try:
        with pytest.raises(sa.exc.OperationalError):
            _upload(client, meeting, pdf_bytes(), "minutes.pdf")
    finally:
        outcome_changed.disconnect(_failing_listener)
    assert count(Attachment) == 0
    assert _stored_files(uploads) == []


def test_failed_delete_keeps_the_file(app, client, db, meeting, uploads):
    from scheduler.history.signals import outcome_changed

    _upload(client, meeting, pdf_bytes(), "minutes.pdf")
    attachment = newest(db, Attachment)
    outcome_changed.connect(_failing_listener)
    try:
        with pytest.raises(sa.exc.OperationalError):
            client.post(f"/attachments/{attachment.id}/delete")
    finally:
        outcome_changed.disconnect(_failing_listener)
    assert count(Attachment) == 1
    assert _stored_files(uploads) == [attachment.stored_name]
    assert client.get(f"/attachments/{attachment.id}").data == pdf_bytes()


def test_names_are_escaped_on_the_page(client, db, meeting):
    assert (
        _upload(client, meeting, pdf_bytes(), "<img src=x onerror=alert(1)>.pdf").status_code == 302
    )
    response = client.get(f"/meetings/{meeting.id}")
    page = response.get_data(as_text=True)
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page


def test_missing_meeting_and_missing_file(client, db, meeting, uploads):
    assert _upload(client, meeting, pdf_bytes(), "a.pdf").status_code == 302
    attachment = newest(db, Attachment)
    (uploads / attachment.stored_name).unlink()
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
    response = client.post(
        "/meetings/999999/attachments",
        data={"file": (io.BytesIO(pdf_bytes()), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404


def test_upload_on_a_meeting_that_is_not_held_yet(auth, client, db, make_meeting, uploads):
    meeting = make_meeting()
    auth.login("coordinator", locale="ko")
    assert _upload(client, meeting, pdf_bytes(), "초청장.pdf").status_code == 302
    assert newest(db, Attachment).original_name == "초청장.pdf"


def test_check_uploads_finds_and_removes_stray_files(app, client, db, meeting, uploads):
    import json
    import os
    import time

    _upload(client, meeting, pdf_bytes(), "kept.pdf")
    kept = newest(db, Attachment)
    old_stray, new_stray = uploads / ("a" * 32), uploads / ("b" * 32)
    for stray in (old_stray, new_stray):
        stray.write_bytes(b"%PDF-1.4 left behind by a killed process")
    two_hours_ago = time.time() - 7200
    os.utime(old_stray, (two_hours_ago, two_hours_ago))
    (uploads / "notes.txt").write_text("not ours")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["history", "check-uploads", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "orphan_files": ["a" * 32, "b" * 32], "missing_files": [], "deleted_files": [],
    }  # fmt: skip
    result = runner.invoke(args=["history", "check-uploads", "--delete-orphans"])
    assert result.output.splitlines() == [
        f"file without a row: {'a' * 32}",
        f"file without a row: {'b' * 32}",
        "orphan files 2, missing files 0, deleted 1",
    ]
    assert _stored_files(uploads) == sorted([kept.stored_name, "b" * 32, "notes.txt"])
    (uploads / kept.stored_name).unlink()
    result = runner.invoke(args=["history", "check-uploads"])
    assert result.exit_code == 1
    assert f"attachment {kept.id}: file missing" in result.output.splitlines()


def test_other_pages_keep_the_site_wide_body_limit(
    app, client, db, meeting, translated, monkeypatch
):
    _upload(client, meeting, pdf_bytes(), "a.pdf")
    attachment = newest(db, Attachment)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # CSRF reads every form first
    big = {"minutes": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)}
    message = translated("zh", "The uploaded file is too large.")
    for url in (f"/meetings/{meeting.id}/outcome", f"/attachments/{attachment.id}/delete"):
        response = client.post(url, data=big)
        assert response.status_code == 413
        assert message in response.get_data(as_text=True)
    assert count(Attachment) == 1
