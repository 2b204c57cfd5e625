"""Messages over a real provider go by jobs committed with the work that caused them: sent by
the worker, retried when the provider refuses, failed after the last attempt, never sent twice.
One-time codes, awaited on the page, go at once."""

import pytest
from sqlmodel import select

from jobs import queue
from jobs.kinds import queue_delivery
from mediation.notices import outbox
from models import Job, Message
from tests.domain.notices.smtp_server import smtp_server


class Flaky:
    """A provider that refuses the first `refusals` messages it is given."""

    name = "flaky"

    def __init__(self, refusals: int):
        self.refusals, self.delivered = refusals, []

    def deliver(self, message: Message) -> None:
        if self.refusals:
            self.refusals -= 1
            raise outbox.ChannelError("isv.BUSINESS_LIMIT_CONTROL")
        self.delivered.append(message.id)


@pytest.fixture
def provider():
    """Install a provider as the channel of messages, with the job queue; restore after."""

    def install(refusals: int) -> Flaky:
        channel = Flaky(refusals)
        outbox.register(channel)
        outbox.configure("flaky", outbox.PUBLIC_BASE_URL, queue_delivery)
        return channel

    yield install
    outbox.CHANNELS.pop("flaky", None)
    outbox.configure("outbox", outbox.PUBLIC_BASE_URL, None)


def work(app, db) -> None:
    """What the worker does: every queued job, until none is left."""
    while ids := db.exec(select(Job.id).where(Job.state == "queued")).all():
        for job_id in ids:
            queue.engine(app).send(job_id)
        queue.drain(app)
        db.expire_all()


def test_a_refused_message_is_retried_by_the_next_job(app, db, provider):
    channel = provider(refusals=1)
    message = outbox.send(db, "13800138000", "受理通知", "accepted")
    assert message.status == "queued" and channel.delivered == []
    work(app, db)
    db.refresh(message)
    assert message.status == "sent" and message.attempts == 2
    assert channel.delivered == [message.id]
    jobs = db.exec(select(Job.id).where(Job.kind == "deliver_message").order_by(Job.id)).all()
    assert jobs == [f"message-{message.id}-1", f"message-{message.id}-2"]


def test_a_message_refused_every_time_fails_after_the_last_attempt(app, db, provider):
    channel = provider(refusals=10)
    message = outbox.send(db, "13800138000", "受理通知", "accepted")
    work(app, db)
    db.refresh(message)
    assert message.status == "failed" and message.attempts == outbox.MAX_ATTEMPTS
    assert "BUSINESS_LIMIT_CONTROL" in message.error and channel.delivered == []


def test_a_sent_message_is_not_sent_again_by_a_repeated_job(app, db, provider):
    channel = provider(refusals=0)
    message = outbox.send(db, "13800138000", "受理通知", "accepted")
    work(app, db)
    db.exec(select(Job).where(Job.id == f"message-{message.id}-1")).one().state = "queued"
    db.flush()
    work(app, db)
    assert channel.delivered == [message.id]


def test_a_code_goes_at_once(app, db, provider):
    channel = provider(refusals=0)
    message = outbox.send(db, "13800138000", "验证码123456", "code", urgent=True)
    assert message.status == "sent" and channel.delivered == [message.id]
    assert db.exec(select(Job).where(Job.kind == "deliver_message")).first() is None


def test_an_email_refused_by_the_server_is_retried_then_failed_with_the_reason(app, db):
    """Against a real SMTP server that refuses the mailbox: one job per attempt, each one a
    real SMTP conversation, and the message failed after the last with the server's reply."""
    outbox.configure("outbox", outbox.PUBLIC_BASE_URL, queue_delivery)
    try:
        with smtp_server(refuse=True) as inbox:
            message = outbox.send(db, "gone@example.org", "调解期限将至", "deadline_near")
            assert message.channel == "email" and message.status == "queued"
            work(app, db)
    finally:
        outbox.configure("outbox", outbox.PUBLIC_BASE_URL, None)
    db.refresh(message)
    assert message.status == "failed" and message.attempts == outbox.MAX_ATTEMPTS
    assert inbox.refused == outbox.MAX_ATTEMPTS and inbox.received == []
    assert message.error == "550: 5.1.1 Mailbox unavailable"


def test_an_email_goes_by_a_job_once_the_server_takes_it(app, db):
    outbox.configure("outbox", outbox.PUBLIC_BASE_URL, queue_delivery)
    try:
        with smtp_server() as inbox:
            message = outbox.send(db, "li@example.org", "调解期限将至", "deadline_near")
            assert inbox.received == []  # not in the request: by the worker
            work(app, db)
    finally:
        outbox.configure("outbox", outbox.PUBLIC_BASE_URL, None)
    db.refresh(message)
    assert message.status == "sent" and message.attempts == 1
    assert [mail["To"] for mail in inbox.received] == ["li@example.org"]
    assert inbox.received[0].get_content().strip() == "调解期限将至"


def test_smtp_settings_turn_the_email_channel_on_and_messages_go_by_jobs(app, monkeypatch):
    from app import register_message_channels

    settings = {"SMTP_HOST": "mail.example.org", "SMTP_PORT": 465, "MAIL_FROM": "n@example.org"}
    try:
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)
        register_message_channels(app)
        assert outbox.channel_for("zhang@example.org") == "email"
        assert outbox.CHANNELS["email"].settings.port == 465 and outbox.QUEUE is queue_delivery
        monkeypatch.setitem(app.config, "MAIL_FROM", "")
        with pytest.raises(RuntimeError, match="MAIL_FROM"):
            register_message_channels(app)
    finally:
        monkeypatch.undo()
        register_message_channels(app)
    assert outbox.channel_for("zhang@example.org") == "outbox" and outbox.QUEUE is None
