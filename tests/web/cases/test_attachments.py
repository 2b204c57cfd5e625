"""Scans of signed paper: upload (type by content, size), listing, download within scope, audit."""

import struct
import zlib

import pytest
from sqlmodel import select

from conftest import PDF, csrf_from, upload
from mediation import storage
from models import AccessKind, AccessRecord, Attachment, AuditEvent

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def folder(app, tmp_path, monkeypatch):
    """The old upload folder: scans no longer go there."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def case(make_case, make_user):
    return make_case("NH-LS", workers=2, actor=make_user("mediator", "NH-LS"))


def rows(db, case) -> list[Attachment]:
    return list(db.exec(select(Attachment).where(Attachment.case_id == case.id)))


def audit(db, case, action: str) -> list[str]:
    """The case's history of `action` (an upload); downloads are in the access log."""
    return list(
        db.exec(
            select(AuditEvent.summary).where(
                AuditEvent.case_id == case.id, AuditEvent.action == action
            )
        )
    )


def downloads(db, case) -> list[str]:
    """The access log's records of the case's scans being downloaded."""
    return list(
        db.exec(
            select(AccessRecord.detail).where(
                AccessRecord.case_id == case.id, AccessRecord.kind == AccessKind.SCAN
            )
        )
    )


def test_an_exe_renamed_pdf_is_refused_at_the_field(db, client, login_as, case, folder):
    login_as("mediator", "NH-LS")
    response = upload(client, case, EXE, "调解协议.pdf", note="双方已签章")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "只能上传PDF、JPEG或PNG格式的扫描件" in html
    assert 'value="双方已签章"' in html  # what was typed is kept
    assert rows(db, case) == []
    assert not folder.exists() or not any(folder.iterdir())


def test_a_real_pdf_is_stored_listed_and_downloadable(db, client, login_as, case, folder):
    login_as("mediator", "NH-LS")
    response = upload(client, case, PDF, "../../协议 扫描件.pdf", note="双方已签章")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}#attachments")
    [attachment] = rows(db, case)
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "协议 扫描件.pdf"
    assert storage.store.get(db, storage.scan_key(attachment.stored_name)) == PDF
    assert not folder.exists()  # in the database with the case, not on this node's disk
    assert "协议" not in attachment.stored_name  # a random name, not the user's
    assert audit(db, case, "upload")

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    url = f"/cases/{case.id}/attachments/{attachment.id}"
    assert url in page and "协议 扫描件.pdf" in page and "已签章的调解协议书" in page

    download = client.get(url)
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert ".pdf" in disposition and ".." not in disposition and "/" not in disposition
    assert download.headers["Cache-Control"] == "no-store"
    assert downloads(db, case) == ["下载附件「已签章的调解协议书」：协议 扫描件.pdf"]
    assert audit(db, case, "download") == []  # not in the case's history as well


def test_a_png_is_accepted_whatever_its_name(db, client, login_as, case, folder):
    login_as("centre_supervisor", "NH-LS")
    response = upload(client, case, png_bytes(), "回证.jpeg", kind="service_receipt")
    assert response.status_code == 302
    [attachment] = rows(db, case)
    assert attachment.content_type == "image/png"
    assert attachment.stored_name.endswith(".png")
    download = client.get(f"/cases/{case.id}/attachments/{attachment.id}")
    assert download.mimetype == "image/png"
    assert ".png" in download.headers["Content-Disposition"]


def test_missing_file_kind_and_oversized_files_are_refused(
    db, app, client, login_as, case, folder, monkeypatch
):
    login_as("mediator", "NH-LS")
    token = csrf_from(client, f"/cases/{case.id}")
    empty = client.post(
        f"/cases/{case.id}/attachments/new",
        data={"kind": "", "note": "", "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 422
    html = empty.get_data(as_text=True)
    assert "请选择要上传的文件" in html and "请选择附件类别" in html

    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    big = upload(client, case, PDF + b"0" * 2048, "大文件.pdf")
    assert big.status_code == 422
    assert "文件超过1.0 KB" in big.get_data(as_text=True)
    assert rows(db, case) == []


@pytest.mark.parametrize(
    "role,centre,district", [("centre_supervisor", "NH-LS", None), ("admin", None, None)]
)
def test_supervisors_and_admins_download_the_scans_they_see_in_full(
    db, client, login_as, make_user, case, folder, role, centre, district
):
    login_as("mediator", "NH-LS")
    upload(client, case, PDF, "scan.pdf")
    [attachment] = rows(db, case)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login_as(role, centre, district)
    assert client.get(f"/cases/{case.id}/attachments/{attachment.id}").status_code == 200
    assert downloads(db, case)


@pytest.mark.parametrize(
    "role,centre,district",
    [
        ("lawyer", "NH-LS", None),
        ("district_supervisor", None, "NH"),
        ("city_supervisor", None, None),
    ],
)
def test_scans_follow_the_personal_data_rule(
    db, client, login_as, case, folder, role, centre, district
):
    """A signed agreement carries ID numbers, phones and signatures in clear: those who see the
    case's personal data masked see that the scan exists, and may not download it (issue 15)."""
    login_as("mediator", "NH-LS")
    upload(client, case, PDF, "签署的协议.pdf")
    [attachment] = rows(db, case)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login_as(role, centre, district)
    assert client.get(f"/cases/{case.id}/attachments/{attachment.id}").status_code == 403
    assert downloads(db, case) == []
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "签署的协议.pdf" in page
    assert f"/attachments/{attachment.id}" not in page
    assert "含个人信息，无权下载" in page


@pytest.mark.parametrize(
    "role,centre,district", [("mediator", "CC-ZC", None), ("district_supervisor", None, "SD")]
)
def test_outside_scope_attachments_do_not_exist(
    db, client, login_as, case, folder, role, centre, district
):
    login_as("mediator", "NH-LS")
    upload(client, case, PDF, "scan.pdf")
    [attachment] = rows(db, case)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login_as(role, centre, district)
    assert client.get(f"/cases/{case.id}/attachments/{attachment.id}").status_code == 404
    assert downloads(db, case) == []


def test_an_attachment_is_only_found_under_its_own_case(
    db, client, login_as, make_case, case, folder
):
    other = make_case("NH-LS", workers=1)
    login_as("mediator", "NH-LS")
    upload(client, case, PDF, "scan.pdf")
    [attachment] = rows(db, case)
    assert client.get(f"/cases/{other.id}/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/cases/{case.id}/attachments/999999").status_code == 404


def test_a_missing_kind_does_not_hide_the_files_own_problems(
    db, app, client, login_as, case, folder
):
    login_as("mediator", "NH-LS")
    wrong_type = upload(client, case, EXE, "扫描件.pdf", kind="")
    html = wrong_type.get_data(as_text=True)
    assert wrong_type.status_code == 422
    assert "请选择附件类别" in html and "只能上传PDF、JPEG或PNG格式" in html
    assert html.count("请选择附件类别</") <= 2  # at the field and in the summary, not twice more
    assert 'href="#file"' in html and 'href="#kind"' in html
    assert "每个扫描件不超过10 MB，每次上传合计不超过20 MB" in html


def test_an_oversized_request_states_the_limits(app, client, login_as, case, folder):
    login_as("mediator", "NH-LS")
    response = client.post(
        f"/cases/{case.id}/attachments/new",
        data=b"0" * (21 << 20),  # 21 MB: refused by its length, before it is read
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert "每个扫描件不超过10 MB，每次上传合计不超过20 MB" in response.get_data(as_text=True)


def test_bidirectional_controls_are_stripped_from_upload_names(db, client, login_as, case, folder):
    """「\u202eFDP.exe」 would read as exe.PDF; the name is kept without its direction controls
    (issue 15)."""
    login_as("mediator", "NH-LS")
    upload(client, case, PDF, "协议\u202egpj.exe\u2066\u200f.pdf")
    [attachment] = rows(db, case)
    assert attachment.original_name == "协议gpj.exe.pdf"
    response = client.get(f"/cases/{case.id}/attachments/{attachment.id}")
    assert "\u202e" not in response.headers["Content-Disposition"]
