"""Delivery reports: a provider that took a message later says whether the recipient got it.

A channel that can be asked has `pull_reports() -> list[Report]` (Tencent Cloud SMS's
PullSmsSendStatus, sms.py). `collect` asks every such channel and marks the messages they name:
delivered with the time, or failed with the carrier's description. Run every five minutes by
the job worker (jobs/queue.py, pull_receipts); a report about a message we do not know (sent by
another system on the same account) is skipped.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from models import Message, MessageStatus, utcnow


@dataclass(frozen=True)
class Report:
    reference: str  # the provider's name for the message (Message.provider_ref)
    delivered: bool
    at: datetime | None  # when the recipient got it (UTC)
    description: str = ""


@dataclass
class Receipts:
    delivered: int = 0
    failed: int = 0
    unknown: int = 0


def collect(session: Session, channels) -> Receipts:
    """Pull the reports of every channel that has them and apply them. Flushes; the caller
    commits. A provider that cannot be reached raises ChannelError (the next run asks again)."""
    counts = Receipts()
    for channel in list(channels):
        pull = getattr(channel, "pull_reports", None)
        if pull is not None:
            apply_reports(session, channel.name, pull(), counts)
    return counts


def apply_reports(
    session: Session, channel: str, reports: list[Report], counts: Receipts | None = None
) -> Receipts:
    counts = counts or Receipts()
    for report in reports:
        message = session.exec(
            select(Message).where(
                Message.provider_ref == report.reference, Message.channel == channel
            )
        ).first()
        if message is None:
            counts.unknown += 1
            continue
        if report.delivered:
            message.status = MessageStatus.DELIVERED.value
            message.delivered_at = report.at or utcnow()
            message.error = ""
            counts.delivered += 1
        else:
            message.status = MessageStatus.FAILED.value
            message.error = (report.description or "未送达")[:500]
            counts.failed += 1
        session.add(message)
    session.flush()
    return counts
