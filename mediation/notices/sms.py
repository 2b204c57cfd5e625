"""SMS through Tencent Cloud (腾讯云短信), with the provider's own SDK.

Chinese SMS carriers only deliver approved templates: each message kind maps to a template id and
the names of its parameters, in the template's order ({1}, {2}…), taken from the message's
params. A kind without a template is refused (the message is marked failed, never sent as free
text). The operator sets, per deployment: the API key pair, the SmsSdkAppId, the approved
signature (签名) and the templates (README, Configuration).
"""

from dataclasses import dataclass, field

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from mediation.notices.outbox import ChannelError
from models import Message


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

    def deliver(self, message: Message) -> None:
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

    def _client(self) -> sms_client.SmsClient:
        http = HttpProfile(protocol=self.settings.protocol, endpoint=self.settings.endpoint or None)
        keys = credential.Credential(self.settings.secret_id, self.settings.secret_key)
        return sms_client.SmsClient(keys, self.settings.region, ClientProfile(httpProfile=http))
