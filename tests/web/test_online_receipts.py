"""Where a message stands, on the case page: a delivery report turns 已发送 into 已送达 with the
time the phone received it (the periodic pull_receipts task applies the provider's reports);
a notice to the mediator shows their address, the parties' phones stay masked."""

from datetime import UTC, datetime

from jobs import queue
from mediation.notices import outbox
from mediation.notices.receipts import Report
from models import Message


class ReportingProvider:
    """A provider holding delivery reports until pulled (the real one, Tencent Cloud SMS over
    its API, is tested in tests/domain/notices/test_sms.py)."""

    name = "reporting"

    def __init__(self, reports: list[Report]):
        self.reports = reports

    def deliver(self, message: Message) -> str | None:
        return f"serial-{message.id}"

    def pull_reports(self) -> list[Report]:
        reports, self.reports = self.reports, []
        return reports


def test_the_case_page_shows_a_delivered_message_with_its_time(
    app, client, db, login_as, make_case
):
    mediator = login_as("mediator", "NH-LS")
    case = make_case("NH-LS", actor=mediator)
    provider = ReportingProvider([])
    outbox.register(provider)
    try:
        told = outbox.send(db, "13800138000", "受理通知", "accepted", "reporting", case.id)
        lost = outbox.send(db, "13900139000", "受理通知", "accepted", "reporting", case.id)
        staff = outbox.send(
            db, "liang@example.org", "调解期限将至", "deadline_near", "outbox", case.id
        )
        provider.reports = [
            Report(told.provider_ref, True, datetime(2024, 5, 10, 7, 10, tzinfo=UTC), "DELIVRD"),
            Report(lost.provider_ref, False, None, "MK:0001"),
        ]
        with app.app_context():
            counts = queue.collect_receipts()
    finally:
        outbox.CHANNELS.pop("reporting", None)
    assert (counts.delivered, counts.failed) == (1, 1)
    db.expire_all()
    assert db.get(Message, staff.id).status == "sent"
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    rows = page[page.index('id="messages"') :]
    assert "138****8000" in rows and "13800138000" not in rows
    assert "已送达 2024-05-10 15:10" in rows
    assert "发送失败" in rows and "liang@example.org" in rows
