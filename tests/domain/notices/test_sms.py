"""The Tencent Cloud SMS channel, through the provider's SDK, against a local server that
answers as the provider's API documents (SendSms and PullSmsSendStatus, API 3.0): the template
and its parameters go out, the provider's verdict is the message's status, and its delivery
reports mark messages delivered (with the time) or failed (with the carrier's description)."""

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mediation.notices import outbox, receipts
from mediation.notices.sms import TencentSmsChannel, TencentSmsSettings

OK = {"SendStatusSet": [{"Code": "Ok", "Message": "send success", "SerialNo": "2645:1"}]}
BLOCKED = {
    "SendStatusSet": [
        {"Code": "FailedOperation.PhoneNumberInBlacklist", "Message": "号码在黑名单中"}
    ]
}


RECEIVED_AT = 1715325000  # 2024-05-10 07:10:00 UTC, 15:10 in Foshan


def status_report(serial: str, status: str, description: str) -> dict:
    """One PullSmsSendStatusSet item as the API documents it."""
    return {
        "UserReceiveTime": RECEIVED_AT,
        "CountryCode": "86",
        "SubscriberNumber": "13800138000",
        "PhoneNumber": "+8613800138000",
        "SerialNo": serial,
        "ReportStatus": status,
        "Description": description,
        "SessionContext": "",
    }


class Provider(BaseHTTPRequestHandler):
    answer: dict = OK
    received: list = []
    reports: list = []  # held until pulled, then handed out once (as the provider does)

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Provider.received.append((dict(self.headers), body))
        answer = Provider.answer
        if self.headers["X-TC-Action"] == "PullSmsSendStatus":
            limit = body["Limit"]
            answer = {"PullSmsSendStatusSet": Provider.reports[:limit]}
            Provider.reports = Provider.reports[limit:]
        payload = json.dumps({"Response": {**answer, "RequestId": "r-1"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Provider.received, Provider.answer, Provider.reports = [], OK, []
    settings = TencentSmsSettings(
        secret_id="AKID-test",
        secret_key="secret",
        app_id="1400000001",
        sign_name="佛山劳动争议调解",
        templates={"code": ("1001", ["code", "minutes"])},
        endpoint=f"127.0.0.1:{server.server_port}",
        protocol="http",
    )
    outbox.register(TencentSmsChannel(settings))
    yield Provider
    outbox.CHANNELS.pop("tencent_sms", None)
    server.shutdown()
    server.server_close()


def send_code(db):
    params = {"code": "123456", "minutes": 10}
    text = "【劳动争议调解】您的验证码为123456，10分钟内有效。"
    return outbox.send(db, "13800138000", text, "code", channel="tencent_sms", params=params)


def test_a_code_goes_out_as_the_approved_template(db, provider):
    message = send_code(db)
    assert message.status == "sent" and message.sent_at is not None
    headers, body = provider.received[0]
    assert headers["X-TC-Action"] == "SendSms" and headers["X-TC-Version"] == "2021-01-11"
    assert headers["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKID-test/")
    assert body["PhoneNumberSet"] == ["+8613800138000"]
    assert body["TemplateId"] == "1001" and body["TemplateParamSet"] == ["123456", "10"]
    assert body["SmsSdkAppId"] == "1400000001" and body["SignName"] == "佛山劳动争议调解"


def test_the_providers_refusal_marks_the_message_failed(db, provider):
    provider.answer = BLOCKED
    message = send_code(db)
    assert message.status == "failed"
    assert "PhoneNumberInBlacklist" in message.error


def test_a_kind_without_an_approved_template_is_never_sent(db, provider):
    message = outbox.send(db, "13800138000", "任意文字", "accepted", channel="tencent_sms")
    assert message.status == "failed" and "短信模板未配置" in message.error
    assert provider.received == []


def test_delivery_reports_mark_messages_delivered_or_failed(db, provider):
    delivered = send_code(db)
    provider.answer = {
        "SendStatusSet": [{"Code": "Ok", "Message": "send success", "SerialNo": "2645:2"}]
    }
    lost = send_code(db)
    assert (delivered.provider_ref, lost.provider_ref) == ("2645:1", "2645:2")
    provider.reports = [
        status_report("2645:1", "SUCCESS", "DELIVRD"),
        status_report("2645:2", "FAIL", "MK:0001 用户停机"),
        status_report("9999:1", "SUCCESS", "DELIVRD"),  # another system's message
    ]
    counts = receipts.collect(db, outbox.CHANNELS.values())
    assert (counts.delivered, counts.failed, counts.unknown) == (1, 1, 1)
    headers, body = provider.received[-1]
    assert headers["X-TC-Action"] == "PullSmsSendStatus"
    assert body == {"SmsSdkAppId": "1400000001", "Limit": 100}
    assert delivered.status == "delivered" and delivered.status_label == "已送达"
    assert delivered.delivered_at == datetime(2024, 5, 10, 7, 10, tzinfo=UTC)
    assert lost.status == "failed" and lost.error == "MK:0001 用户停机"
    # Reports are handed out once: the next pull has none and changes nothing.
    assert receipts.collect(db, outbox.CHANNELS.values()) == receipts.Receipts()
    assert delivered.status == "delivered"


def test_a_full_page_of_reports_is_followed_by_the_next(db, provider):
    message = send_code(db)
    provider.reports = [status_report(f"1:{n}", "SUCCESS", "DELIVRD") for n in range(100)]
    provider.reports.append(status_report("2645:1", "SUCCESS", "DELIVRD"))
    counts = receipts.collect(db, outbox.CHANNELS.values())
    assert (counts.delivered, counts.unknown) == (1, 100)
    assert message.status == "delivered"
    pulls = [h for h, _ in provider.received if h["X-TC-Action"] == "PullSmsSendStatus"]
    assert len(pulls) == 2
