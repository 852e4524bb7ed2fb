"""Hotline mail: .eml messages and .mbox mailboxes written with the stdlib, attachments, charsets, bad messages."""

from __future__ import annotations

import io
import json
from email.message import EmailMessage

import docx

from recruitwatch.ingest import read_source
from recruitwatch.ingest.folder import detect_format

SENDER = "Aziz Karimov <aziz.karimov@example.org>"
TEXT_RU = ("Здравствуйте. 3 апреля 2024 года в Екатеринбурге моего брата, гражданина Таджикистана, "
           "задержали на рынке и в отделе полиции заставили подписать контракт с Минобороны.")
TEXT_EN = "Hello. Our cousin from Kyrgyzstan was promised a construction job near Moscow and was sent to the front."


def message(subject: str, body: str | None, *, charset: str = "utf-8", html: str | None = None,
            date: str = "Wed, 03 Apr 2024 18:20:00 +0300") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = "hotline@example.net"
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = "<20240403.aziz.karimov@example.org>"
    if body is not None:
        msg.set_content(body, charset=charset)
    if html is not None:
        if body is None:
            msg.set_content(html, subtype="html", charset=charset)
        else:
            msg.add_alternative(html, subtype="html", charset=charset)
    return msg


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_message_with_attachments(tmp_path, split, make_pdf):
    msg = message("Брата заставили подписать контракт", TEXT_RU, charset="windows-1251")
    msg.add_attachment(make_pdf(["Заявление. " + TEXT_RU]), maintype="application", subtype="pdf",
                       filename="заявление.pdf")
    msg.add_attachment(docx_bytes(TEXT_EN), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="letter.docx")
    msg.add_attachment("Notes from the call: " + TEXT_EN, filename="notes.txt")
    msg.add_attachment(b"PK\x03\x04 spreadsheet", maintype="application", subtype="vnd.ms-excel", filename="list.xls")
    path = tmp_path / "call.eml"
    path.write_bytes(bytes(msg))
    docs, failures = split(read_source(path))
    assert failures == []
    mail, pdf, word, notes = docs
    assert mail.origin == str(path) and mail.text == TEXT_RU
    assert mail.title == "Брата заставили подписать контракт" and mail.published == "2024-04-03"
    assert mail.meta["format"] == "email" and mail.meta["body"] == "plain"
    assert [(a["name"], a["read"]) for a in mail.meta["attachments"]] == [
        ("заявление.pdf", "yes"), ("letter.docx", "yes"), ("notes.txt", "yes"),
        ("list.xls", "not read: application/vnd.ms-excel is not a report format")]
    assert [d.origin for d in (pdf, word, notes)] == [f"{path}#attachment-{n}" for n in (1, 2, 3)]
    assert [d.meta["format"] for d in (pdf, word, notes)] == ["pdf", "docx", "text"]
    assert all(d.meta["message_origin"] == str(path) and d.published == "2024-04-03" for d in (pdf, word, notes))
    assert word.text == TEXT_EN and pdf.title == "заявление.pdf"
    # the sender is a person at risk: no address, name or message id is kept anywhere
    stored = json.dumps([d.to_dict() for d in docs], ensure_ascii=False)
    for personal in ("karimov", "Aziz", "hotline@", "20240403"):
        assert personal not in stored


def test_an_html_only_message_in_koi8r(tmp_path, split):
    html = f"<html><head><style>p {{color: red}}</style></head><body><p>{TEXT_RU}</p><p>Помогите.</p></body></html>"
    path = tmp_path / "html.eml"
    path.write_bytes(bytes(message("Помогите", None, html=html, charset="koi8-r")))
    [doc], _ = split(read_source(path))
    assert doc.meta["body"] == "html"
    assert doc.text == TEXT_RU + "\n\nПомогите."


def test_plain_text_is_preferred_to_html(tmp_path, split):
    path = tmp_path / "both.eml"
    path.write_bytes(bytes(message("Both", TEXT_EN, html="<p>The HTML copy of the text.</p>")))
    [doc], _ = split(read_source(path))
    assert doc.text == TEXT_EN and doc.meta["body"] == "plain"


def test_an_undeclared_windows_1251_body_is_detected(tmp_path, split):
    raw = ("From: someone@example.org\nSubject: =?utf-8?b?0KHQvtC+0LHRidC10L3QuNC1?=\n"
           "Date: Thu, 04 Apr 2024 10:00:00 +0500\nContent-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n")
    path = tmp_path / "legacy.eml"
    path.write_bytes(raw.encode("ascii") + TEXT_RU.encode("cp1251"))
    [doc], _ = split(read_source(path))
    assert doc.text == TEXT_RU and doc.title == "Сообщение" and doc.published == "2024-04-04"


def mbox_entry(msg: bytes) -> bytes:
    return b"From MAILER-DAEMON Thu Apr  4 10:00:00 2024\n" + msg.replace(b"\r\n", b"\n").rstrip(b"\n") + b"\n\n"


def test_an_mbox_with_a_broken_message_goes_on_with_the_rest(tmp_path, split):
    forwarded = message("Fwd: report", "See the report forwarded below.")
    forwarded.add_attachment(message("Report", TEXT_EN))  # a forwarded message, attached whole
    broken = (b"From: x@example.org\nSubject: broken\nContent-Type: text/plain; charset=utf-8\n"
              b"Content-Transfer-Encoding: 8bit\n\n" + bytes(range(256)) * 4)
    path = tmp_path / "hotline.mbox"
    path.write_bytes(mbox_entry(bytes(message("Первое", TEXT_RU))) + mbox_entry(broken) + mbox_entry(bytes(forwarded)))
    docs, [failure] = split(read_source(path))
    assert failure.source == f"{path}#message-2"
    assert "is not text in any encoding" in failure.problem and "binary content" in failure.problem
    assert [d.origin for d in docs] == [f"{path}#message-1", f"{path}#message-3", f"{path}#message-3/attachment-1"]
    assert docs[0].text == TEXT_RU and docs[0].title == "Первое"
    assert docs[2].text == TEXT_EN and docs[2].title == "Report" and docs[2].meta["message_origin"] == docs[1].origin


def test_mailboxes_without_an_extension_are_recognised(tmp_path):
    path = tmp_path / "Inbox"  # Thunderbird's mbox files have no extension
    path.write_bytes(mbox_entry(bytes(message("Hello", TEXT_EN))))
    assert detect_format(path) == ("mbox", "")
    assert detect_format(tmp_path / "call.eml") == ("email", "")


def test_a_message_with_nothing_to_read(tmp_path, split):
    msg = message("Photo only", None)
    msg.add_attachment(b"\x89PNG\r\n\x1a\n", maintype="image", subtype="png", filename="passport.png")
    path = tmp_path / "photo.eml"
    path.write_bytes(bytes(msg))
    _, [failure] = split(read_source(path))
    assert failure.problem == "the message has no text and no attachment that could be read (attachments: image/png)"


def test_a_bad_attachment_is_its_own_failure(tmp_path, split):
    msg = message("With a broken PDF", TEXT_EN)
    msg.add_attachment(b"%PDF-1.7\n truncated", maintype="application", subtype="pdf", filename="cut.pdf")
    path = tmp_path / "cut.eml"
    path.write_bytes(bytes(msg))
    [doc], [failure] = split(read_source(path))
    assert doc.text == TEXT_EN and doc.meta["attachments"][0]["read"] == "failed"
    assert failure.source == f"{path}#attachment-1" and "corrupt or truncated PDF" in failure.problem


def test_not_a_mailbox(tmp_path, split):
    path = tmp_path / "notes.mbox"
    path.write_text("just some notes\n", encoding="utf-8")
    _, [failure] = split(read_source(path))
    assert failure.problem.startswith("not an mbox mailbox")


def test_photos_attached_to_mail_are_read_with_ocr(tmp_path, split):
    import io as iolib

    from ingest_pages import REPORT_EN, render_page
    from PIL import Image

    from recruitwatch.ingest import OcrOptions

    photo, logo = iolib.BytesIO(), iolib.BytesIO()
    render_page(REPORT_EN, size=(1240, 420)).save(photo, "PNG")
    Image.new("L", (300, 100), 255).save(logo, "PNG")  # a signature logo: nothing to read
    msg = message("Photo of the report", "The photo is attached.")
    msg.add_attachment(photo.getvalue(), maintype="image", subtype="png", filename="report.png")
    msg.add_attachment(logo.getvalue(), maintype="image", subtype="png", filename="logo.png")
    path = tmp_path / "photo.eml"
    path.write_bytes(bytes(msg))
    [mail], _ = split(read_source(path))
    assert [a["read"] for a in mail.meta["attachments"]] == ["not read: photos attached to mail are read by OCR "
                                                             "only with --ocr"] * 2
    [mail, report], failures = split(read_source(path, ocr=OcrOptions(folders=True)))
    assert failures == []  # the blank logo is noted, not failed
    assert report.origin == f"{path}#attachment-1" and report.meta["text_from"] == "ocr"
    assert "Uzbek workers at a building site" in report.text
    assert mail.meta["attachments"][1]["read"].startswith("not read: OCR found no readable text")
