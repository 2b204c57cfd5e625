"""E-mail over SMTP, against a real SMTP server on a local port: the address, the subject and
the Chinese text arrive as sent (UTF-8); without SMTP configured, a message to an address stays
in the outbox."""

from mediation.notices import outbox
from tests.domain.notices.smtp_server import SENDER, smtp_server

TEXT = (
    "【南海区里水镇劳动争议联合调解中心】调解期限将至："
    "案件（(2024)南里调字第3号）的调解期限于2024年5月12日届满。"
)
SUBJECT = "调解期限将至：(2024)南里调字第3号"


def test_a_message_to_an_address_goes_by_email_in_chinese(db):
    with smtp_server() as inbox:
        message = outbox.send(
            db, "zhang.mediator@example.org", TEXT, "deadline_near", params={"subject": SUBJECT}
        )
    assert message.channel == "email" and message.status == "sent"
    (mail,) = inbox.received
    assert mail["To"] == "zhang.mediator@example.org" and mail["From"] == SENDER
    assert mail["Subject"] == SUBJECT
    assert mail.get_content_charset() == "utf-8" and mail.get_content().strip() == TEXT
    assert inbox.envelopes == [("notice@mediation.example.org", ["zhang.mediator@example.org"])]
    assert message.provider_ref == mail["Message-ID"]  # what the message is known by


def test_a_refusing_server_marks_the_message_failed_with_its_reason(db):
    with smtp_server(refuse=True) as inbox:
        message = outbox.send(db, "nobody@example.org", TEXT, "deadline_near")
    assert message.status == "failed" and inbox.received == []
    assert message.error.startswith("550") and "Mailbox unavailable" in message.error


def test_an_address_stays_in_the_outbox_without_smtp(db):
    message = outbox.send(db, "zhang.mediator@example.org", TEXT, "deadline_near")
    assert message.channel == "outbox" and message.status == "sent"
    assert outbox.latest(db, "zhang.mediator@example.org", limit=1)[0].text == TEXT
