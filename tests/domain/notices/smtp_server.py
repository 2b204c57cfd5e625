"""A real SMTP server on a free local port (aiosmtpd), for the e-mail channel's tests: it keeps
what it receives, or refuses every recipient as a relay does an unknown mailbox."""

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from mediation.notices import outbox
from mediation.notices.mail import SmtpChannel, SmtpSettings

SENDER = "佛山劳动争议调解 <notice@mediation.example.org>"
REFUSAL = "550 5.1.1 Mailbox unavailable"


class Inbox:
    def __init__(self, refuse: bool = False):
        self.refuse = refuse
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refused = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            self.refused += 1
            return REFUSAL
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(refuse: bool = False):
    """Start the server, register the e-mail channel pointing at it; undo both after."""
    inbox = Inbox(refuse)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings = SmtpSettings(host="127.0.0.1", port=port, starttls=False, sender=SENDER, timeout=5)
    outbox.register(SmtpChannel(settings))
    try:
        yield inbox
    finally:
        outbox.CHANNELS.pop(outbox.EMAIL_CHANNEL, None)
        controller.stop()
