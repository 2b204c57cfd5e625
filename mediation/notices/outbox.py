"""Sending a message: stored first, then handed to its channel, its status recorded.

A channel is anything with `name` and `deliver(message) -> str | None` (what the provider
calls the message, to match its delivery reports) that raises ChannelError when the provider
refuses. The embedded default, OutboxChannel, delivers nowhere: the stored row is the message.
Real providers register under their name in CHANNELS: Tencent Cloud SMS ("tencent_sms", sms.py)
and e-mail over SMTP ("email", mail.py). Each message carries its channel: a message to an
e-mail address goes by e-mail when SMTP is configured, else it stays in the outbox; one to a
phone goes by MESSAGE_CHANNEL.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Session, select

from mediation.identifiers import lookup_key
from models import Message, MessageStatus, utcnow


class ChannelError(RuntimeError):
    """The provider refused or could not be reached; the message is marked failed."""


class Channel(Protocol):
    name: str

    def deliver(self, message: Message) -> str | None: ...


class OutboxChannel:
    """Keeps the message in the outbox and sends nothing (development, tests, and a centre
    without an SMS contract: staff read the outbox and phone the party)."""

    name = "outbox"

    def deliver(self, message: Message) -> str | None:
        return None


EMAIL_CHANNEL = "email"


@dataclass(frozen=True)
class Attempt:
    """One attempt's outcome: the provider's reason when it refused ("" when it took the
    message), and its name for the message when it took it."""

    error: str = ""
    reference: str | None = None


CHANNELS: dict[str, Channel] = {"outbox": OutboxChannel()}
# Set once at startup: the channel of messages to the parties (MESSAGE_CHANNEL), and the address
# links in messages start with (PUBLIC_BASE_URL).
DEFAULT_CHANNEL = "outbox"
PUBLIC_BASE_URL = "http://127.0.0.1:5000"
MAX_ATTEMPTS = 3
# Queues one delivery attempt of a message as a job, in the caller's transaction:
# QUEUE(session, message, attempt). None: deliver in the request (tests, no worker).
QUEUE: Callable[[Session, Message, int], None] | None = None


def configure(
    default_channel: str,
    public_base_url: str,
    queue: Callable[[Session, Message, int], None] | None = None,
) -> None:
    global DEFAULT_CHANNEL, PUBLIC_BASE_URL, QUEUE
    channel_named(default_channel)  # an unknown name stops the app at startup
    DEFAULT_CHANNEL = default_channel
    PUBLIC_BASE_URL = public_base_url.rstrip("/")
    QUEUE = queue


def public_url(path: str) -> str:
    """The address of a public page, for a link in a message."""
    return PUBLIC_BASE_URL + path


def register(channel: Channel) -> None:
    """Make a provider's channel available under its name (done at startup)."""
    CHANNELS[channel.name] = channel


def channel_named(name: str) -> Channel:
    try:
        return CHANNELS[name]
    except KeyError:
        raise ValueError(f"unknown message channel {name!r}") from None


def channel_for(recipient: str) -> str:
    """The channel of a message to `recipient` when the caller names none: e-mail for an
    address when SMTP is configured (else the outbox), MESSAGE_CHANNEL for a phone."""
    if "@" in recipient:
        return EMAIL_CHANNEL if EMAIL_CHANNEL in CHANNELS else OutboxChannel.name
    return DEFAULT_CHANNEL


def send(
    session: Session,
    recipient: str,
    text: str,
    kind: str,
    channel: str | None = None,
    case_id: int | None = None,
    dedupe_key: str | None = None,
    params: dict | None = None,
    urgent: bool = False,
) -> Message:
    """Store the message and deliver it: now when `urgent` (a one-time code, awaited on the
    page) or on the outbox, else by a job committed with the caller's work (QUEUE), retried up
    to MAX_ATTEMPTS. Flushes; never raises for a refused delivery (the status says it)."""
    message = Message(
        case_id=case_id,
        kind=kind,
        channel=channel or channel_for(recipient),
        recipient=recipient,
        recipient_key=lookup_key("phone", recipient),
        text=text,
        dedupe_key=dedupe_key,
        params=params or {},
    )
    session.add(message)
    session.flush()
    if urgent or QUEUE is None or message.channel == OutboxChannel.name:
        record_attempt(session, message, try_delivery(message), queued=False)
    else:
        QUEUE(session, message, 1)
    return message


def try_delivery(message: Message) -> Attempt:
    """Hand the message to its channel. Writes nothing (a job delivers outside the transaction
    that records the outcome)."""
    try:
        reference = channel_named(message.channel).deliver(message)
    except ChannelError as error:
        return Attempt(error=str(error)[:500] or "发送失败")
    return Attempt(reference=(reference or None) and str(reference)[:200])


def record_attempt(
    session: Session, message: Message, attempt: Attempt, queued: bool = True
) -> None:
    """The outcome of one attempt: sent, or retried (by jobs, while attempts remain) or failed."""
    message.attempts += 1
    if not attempt.error:
        message.status, message.sent_at, message.error = MessageStatus.SENT.value, utcnow(), ""
        message.provider_ref = attempt.reference
    else:
        message.error = attempt.error
        retry = queued and message.attempts < MAX_ATTEMPTS
        message.status = (MessageStatus.RETRIED if retry else MessageStatus.FAILED).value
    session.add(message)
    session.flush()


def latest(session: Session, recipient: str | None = None, limit: int = 20) -> list[Message]:
    """The newest messages first, optionally to one recipient."""
    query = select(Message).order_by(Message.id.desc()).limit(limit)
    if recipient:
        query = query.where(Message.recipient_key == lookup_key("phone", recipient))
    return list(session.exec(query))
