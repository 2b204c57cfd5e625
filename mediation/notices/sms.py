"""SMS through Tencent Cloud (腾讯云短信), with the provider's own SDK.

Chinese SMS carriers only deliver approved templates: each message kind maps to a template id and
the names of its parameters, in the template's order ({1}, {2}…), taken from the message's
params. A kind without a template is refused (the message is marked failed, never sent as free
text). The operator sets, per deployment: the API key pair, the SmsSdkAppId, the approved
signature (签名) and the templates (README, Configuration).

Delivery reports come back by PullSmsSendStatus (pull_reports): each names the message by the
SerialNo SendSms returned, with SUCCESS or FAIL, the time the phone received it and the
carrier's description. The provider hands each report out once.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from mediation.notices.outbox import ChannelError
from mediation.notices.receipts import Report
from models import Message

PULL_LIMIT = 100  # the most reports one PullSmsSendStatus call returns
PULL_ROUNDS = 20  # calls per collection at most (2,000 reports), the rest at the next one


@dataclass(frozen=True)
class TencentSmsSettings:
    secret_id: str
    secret_key: str
    app_id: str
    sign_name: str
    # kind -> (template id, parameter names in the template's order)
    templates: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    region: str = "ap-guangzhou"
    endpoint: str = ""  # another address than the SDK's (a private gateway, tests)
    protocol: str = "https"


class TencentSmsChannel:
    name = "tencent_sms"

    def __init__(self, settings: TencentSmsSettings):
        self.settings = settings

    def deliver(self, message: Message) -> str | None:
        template = self.settings.templates.get(message.kind)
        if template is None:
            raise ChannelError(f"短信模板未配置：{message.kind}")
        template_id, names = template
        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.settings.app_id
        request.SignName = self.settings.sign_name
        request.TemplateId = template_id
        request.PhoneNumberSet = [f"+86{message.recipient}"]
        request.TemplateParamSet = [str(message.params.get(name, "")) for name in names]
        try:
            response = self._client().SendSms(request)
        except TencentCloudSDKException as error:
            raise ChannelError(f"{error.get_code()}: {error.get_message()}") from None
        status = response.SendStatusSet[0] if response.SendStatusSet else None
        if status is None or status.Code != "Ok":
            raise ChannelError(f"{status.Code}: {status.Message}" if status else "无发送结果")
        return status.SerialNo

    def pull_reports(self) -> list[Report]:
        """The delivery reports the provider holds for the application, oldest first."""
        reports: list[Report] = []
        for _ in range(PULL_ROUNDS):
            request = models.PullSmsSendStatusRequest()
            request.SmsSdkAppId = self.settings.app_id
            request.Limit = PULL_LIMIT
            try:
                response = self._client().PullSmsSendStatus(request)
            except TencentCloudSDKException as error:
                raise ChannelError(f"{error.get_code()}: {error.get_message()}") from None
            batch = response.PullSmsSendStatusSet or []
            reports.extend(_report(item) for item in batch if item.SerialNo)
            if len(batch) < PULL_LIMIT:
                break
        return reports

    def _client(self) -> sms_client.SmsClient:
        http = HttpProfile(protocol=self.settings.protocol, endpoint=self.settings.endpoint or None)
        keys = credential.Credential(self.settings.secret_id, self.settings.secret_key)
        return sms_client.SmsClient(keys, self.settings.region, ClientProfile(httpProfile=http))


def _report(item: models.PullSmsSendStatus) -> Report:
    received = item.UserReceiveTime
    return Report(
        reference=item.SerialNo,
        delivered=item.ReportStatus == "SUCCESS",
        at=datetime.fromtimestamp(received, UTC) if received else None,
        description=item.Description or "",
    )
