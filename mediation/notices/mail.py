"""E-mail over SMTP, with the standard library (smtplib, email).

Staff get notices by e-mail when their account has an address (the deadline approaching). The
operator sets the relay (SMTP_HOST, SMTP_PORT), the account (SMTP_USER, SMTP_PASSWORD), whether
to upgrade to TLS (SMTP_STARTTLS; port 465 is TLS from the start) and the sender (MAIL_FROM).
The text goes as UTF-8 plain text; the subject is the message's `subject` value, else a general
one. The message's Message-ID is what the message is known by afterwards.
"""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from mediation.notices.outbox import EMAIL_CHANNEL, ChannelError
from models import Message

DEFAULT_SUBJECT = "劳动争议调解通知"
IMPLICIT_TLS_PORT = 465


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    sender: str
    port: int = 587
    user: str = ""
    password: str = ""
    starttls: bool = True
    timeout: float = 30.0


class SmtpChannel:
    name = EMAIL_CHANNEL

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def compose(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.settings.sender
        mail["To"] = message.recipient
        mail["Subject"] = str(message.params.get("subject") or DEFAULT_SUBJECT)
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = make_msgid(domain=_domain(self.settings.sender))
        mail.set_content(message.text, charset="utf-8")
        return mail

    def deliver(self, message: Message) -> str | None:
        mail = self.compose(message)
        settings = self.settings
        try:
            if settings.port == IMPLICIT_TLS_PORT:
                smtp = smtplib.SMTP_SSL(
                    settings.host,
                    settings.port,
                    timeout=settings.timeout,
                    context=ssl.create_default_context(),
                )
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            with smtp:
                if settings.starttls and settings.port != IMPLICIT_TLS_PORT:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.user:
                    smtp.login(settings.user, settings.password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            code, reason = next(iter(error.recipients.values()))
            raise ChannelError(f"{code}: {_text(reason)}") from None
        except smtplib.SMTPResponseException as error:
            raise ChannelError(f"{error.smtp_code}: {_text(error.smtp_error)}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise ChannelError(f"邮件服务器无法送达：{error}") from None
        return mail["Message-ID"]


def _domain(sender: str) -> str:
    """The sender's domain, for the Message-ID (调解中心 <notice@example.org> → example.org)."""
    return sender.rpartition("@")[2].strip(" >") or "localhost"


def _text(reason: bytes | str) -> str:
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
