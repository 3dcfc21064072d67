"""The smtp_server fixture: a real SMTP server that keeps what it receives, byte for byte."""

import email.policy
import smtplib
from email.message import EmailMessage

import pytest

SUBJECT = "교류 회의 초대 · 交流会议邀请"
BODY = "안녕하세요, 김지수 님.\n您好，金智秀。\n"
BODY_ON_THE_WIRE = BODY.replace("\n", "\r\n")  # SMTP lines end in CRLF


def _message(policy=email.policy.default) -> EmailMessage:
    message = EmailMessage(policy=policy)
    message["From"] = "长春外事办 <office@example.org>"
    message["To"] = "김지수 <jisu.kim@example.kr>"
    message["Subject"] = SUBJECT
    message.set_content(BODY)
    return message


def _send(server, message, **kwargs):
    with smtplib.SMTP(server.host, server.port, timeout=10) as connection:
        return connection.send_message(message, **kwargs)


def test_starts_empty_on_loopback(smtp_server):
    assert smtp_server.host == "127.0.0.1"
    assert smtp_server.port > 0
    assert smtp_server.messages == []


def test_receives_korean_and_chinese_subject_intact(smtp_server):
    refused = _send(smtp_server, _message())

    assert refused == {}
    [received] = smtp_server.messages
    assert received.mail_from == "office@example.org"
    assert received.rcpt_tos == ("jisu.kim@example.kr",)
    assert received.message["Subject"] == SUBJECT
    assert str(received.message["To"]) == "김지수 <jisu.kim@example.kr>"
    assert received.message.get_content() == BODY_ON_THE_WIRE
    # Without SMTPUTF8 the headers travel as RFC 2047 encoded words: 7-bit on the wire.
    headers = received.raw.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii()
    assert b"Subject: =?utf-8?" in headers


def test_receives_raw_utf8_with_smtputf8(smtp_server):
    message = _message(policy=email.policy.SMTPUTF8)
    _send(smtp_server, message, mail_options=["SMTPUTF8"])

    [received] = smtp_server.messages
    assert received.message["Subject"] == SUBJECT
    assert f"Subject: {SUBJECT}".encode() in received.raw
    assert received.message.get_content() == BODY_ON_THE_WIRE


def test_envelope_recipients_are_recorded_separately_from_headers(smtp_server):
    _send(
        smtp_server,
        _message(),
        from_addr="bounce@example.org",
        to_addrs=["a@example.kr", "b@example.cn"],
    )

    [received] = smtp_server.messages
    assert received.mail_from == "bounce@example.org"
    assert received.rcpt_tos == ("a@example.kr", "b@example.cn")
    assert str(received.message["To"]) == "김지수 <jisu.kim@example.kr>"


def test_messages_are_kept_in_order_and_clear_forgets_them(smtp_server):
    for subject in ("첫째", "第二"):
        message = _message()
        message.replace_header("Subject", subject)
        _send(smtp_server, message)

    assert [m.message["Subject"] for m in smtp_server.messages] == ["첫째", "第二"]
    smtp_server.clear()
    assert smtp_server.messages == []


def test_data_without_a_recipient_is_refused_and_not_recorded(smtp_server):
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as connection:
        connection.ehlo()
        connection.mail("office@example.org")
        with pytest.raises(smtplib.SMTPDataError) as refused:
            connection.data(_message().as_bytes())

    assert refused.value.smtp_code == 503
    assert smtp_server.messages == []
