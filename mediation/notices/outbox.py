"""Sending a message: stored first, then handed to its channel, its status recorded.

A channel is anything with `name` and `deliver(message) -> None` that raises ChannelError when
the provider refuses. The embedded default, OutboxChannel, delivers nowhere: the stored row is
the message. Real providers (SMS, e-mail) register under their name in CHANNELS.
"""

from typing import Protocol

from sqlmodel import Session, select

from mediation.identifiers import lookup_key
from models import Message, MessageStatus, utcnow


class ChannelError(RuntimeError):
    """The provider refused or could not be reached; the message is marked failed."""


class Channel(Protocol):
    name: str

    def deliver(self, message: Message) -> None: ...


class OutboxChannel:
    """Keeps the message in the outbox and sends nothing (development, tests, and a centre
    without an SMS contract: staff read the outbox and phone the party)."""

    name = "outbox"

    def deliver(self, message: Message) -> None:
        return None


CHANNELS: dict[str, Channel] = {"outbox": OutboxChannel()}
# Set once at startup: the channel of messages to the parties (MESSAGE_CHANNEL), and the address
# links in messages start with (PUBLIC_BASE_URL).
DEFAULT_CHANNEL = "outbox"
PUBLIC_BASE_URL = "http://127.0.0.1:5000"


def configure(default_channel: str, public_base_url: str) -> None:
    global DEFAULT_CHANNEL, PUBLIC_BASE_URL
    channel_named(default_channel)  # an unknown name stops the app at startup
    DEFAULT_CHANNEL = default_channel
    PUBLIC_BASE_URL = public_base_url.rstrip("/")


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


def send(
    session: Session,
    recipient: str,
    text: str,
    kind: str,
    channel: str | None = None,
    case_id: int | None = None,
    dedupe_key: str | None = None,
    params: dict | None = None,
) -> Message:
    """Store the message, deliver it, record the outcome. Flushes; never raises for a refused
    delivery (the status says it), so the caller's own work still commits."""
    message = Message(
        case_id=case_id,
        kind=kind,
        channel=channel or DEFAULT_CHANNEL,
        recipient=recipient,
        recipient_key=lookup_key("phone", recipient),
        text=text,
        dedupe_key=dedupe_key,
        params=params or {},
    )
    session.add(message)
    session.flush()
    deliver(session, message)
    return message


def deliver(session: Session, message: Message) -> None:
    message.attempts += 1
    if message.attempts > 1:
        message.status = MessageStatus.RETRIED.value
    try:
        channel_named(message.channel).deliver(message)
    except ChannelError as error:
        message.status = MessageStatus.FAILED.value
        message.error = str(error)[:500]
    else:
        message.status = MessageStatus.SENT.value
        message.sent_at = utcnow()
        message.error = ""
    session.add(message)
    session.flush()


def latest(session: Session, recipient: str | None = None, limit: int = 20) -> list[Message]:
    """The newest messages first, optionally to one recipient."""
    query = select(Message).order_by(Message.id.desc()).limit(limit)
    if recipient:
        query = query.where(Message.recipient_key == lookup_key("phone", recipient))
    return list(session.exec(query))
