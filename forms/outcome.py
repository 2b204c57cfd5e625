"""Forms for mediation sessions, the agreement, its follow-up filings and payments."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forms import select_choices
from mediation.bounds import parse_id
from mediation.dates import TZ
from mediation.money import InvalidAmount, fen_to_decimal, parse_yuan

DATE_MESSAGE = "日期格式不正确（例：2021-03-09）"
DATETIME_MESSAGE = "时间格式不正确（例：2021-03-09 14:00）"
DATE_INPUT = {"type": "date"}


class YuanField(StringField):
    """An amount typed in yuan ("22,767.50", "￥1000元"); `data` is integer fen, None if empty."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        if not text:
            self.data = None
            return
        try:
            self.data = parse_yuan(text)
        except InvalidAmount as error:
            self.data = None
            raise ValueError(str(error)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(fen_to_decimal(self.data))


def _date(label: str, required: str | None = None, **kwargs) -> DateField:
    validators = [InputRequired(required)] if required else [Optional()]
    return DateField(
        label,
        validators=validators,
        invalid_value_message=DATE_MESSAGE,
        render_kw=DATE_INPUT,
        **kwargs,
    )


def _version(value):
    """The submitted case version as an int; None when missing or tampered with."""
    text = str(value).strip() if value is not None else ""
    return parse_id(text)


class VersionedForm(FlaskForm):
    """Every workflow form carries the case version it was opened on (optimistic locking)."""

    version = HiddenField(filters=[_version])


class SessionForm(VersionedForm):
    starts_at = DateTimeLocalField(
        "开始时间",
        validators=[InputRequired("请填写开始时间")],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        tz=TZ,
        invalid_value_message=DATETIME_MESSAGE,
    )
    duration_minutes = IntegerField(
        "时长（分钟）",
        validators=[Optional(), NumberRange(min=1, max=1440, message="时长应为1至1440分钟")],
        invalid_value_message="时长请填写整数分钟数",
        description="只安排、尚未举行的调解留空；调解结束后填写时长和笔录",
    )
    place = StringField("地点", validators=[Length(max=100, message="地点不超过100个字符")])
    attendees = TextAreaField(
        "参加人员", description="如：申请人代表、被申请单位代理人、调解员、特约律师"
    )
    minutes = TextAreaField("调解笔录", render_kw={"rows": 16})


class InstalmentForm(Form):
    """One row of the payment schedule. A row left entirely blank is ignored (how a row is
    removed without JavaScript)."""

    due_on = _date("付款期限", "请填写付款期限")
    amount = YuanField("金额（元）", validators=[InputRequired("请填写金额")])

    def is_blank(self) -> bool:
        return not any(
            field.raw_data and field.raw_data[0].strip() for field in (self.due_on, self.amount)
        )

    def validate(self, extra_validators=None):
        if self.is_blank():
            return True
        return super().validate(extra_validators)


class AgreementForm(VersionedForm):
    """The agreement; the amount fields `line-<claim_line_id>` are added per case by
    `agreement_form_class`."""

    terms = TextAreaField(
        "协议内容", validators=[InputRequired("请填写协议内容")], render_kw={"rows": 12}
    )
    payment_method = StringField(
        "履行方式",
        validators=[Length(max=100, message="履行方式不超过100个字符")],
        description="如：银行转账、现金",
    )
    copies = IntegerField(
        "份数",
        default=3,
        validators=[
            InputRequired("请填写份数"),
            NumberRange(min=1, max=20, message="份数为1至20份"),
        ],
        invalid_value_message="份数请填写整数",
    )
    schedule_mode = RadioField(
        "付款安排",
        choices=select_choices(
            [
                ("same", "全体申请人同一安排（各期金额按协议金额比例分到每人）"),
                ("per_worker", "逐人安排（每位申请人各自的期限和金额）"),
            ]
        ),
        default="same",
        validate_choice=False,
    )
    instalments = FieldList(FormField(InstalmentForm), "付款安排", min_entries=1)
    add_instalment = SubmitField("增加一期")
    fill_schedule = SubmitField("按统一安排填入逐人安排")
    parties_signed_on = _date("双方当事人签名（盖章）日期")
    mediator_signed_on = _date("调解员签名日期")
    centre_sealed_on = _date("调解组织盖章日期")

    SIGNATURES = ("parties_signed_on", "mediator_signed_on", "centre_sealed_on")

    def line_fields(self):
        return [field for name, field in self._fields.items() if name.startswith("line-")]

    @property
    def per_worker(self) -> bool:
        return self.schedule_mode.data == "per_worker"

    def cell(self, worker_id: int, column: int) -> tuple:
        """The (date, amount) fields of one worker's instalment in the per-worker schedule."""
        prefix = f"schedule-{worker_id}-{column}"
        return self[f"{prefix}-due_on"], self[f"{prefix}-amount"]


def agreement_form_class(
    claim_line_ids: list[int], worker_ids: list[int] = (), columns: int = 1
) -> type[AgreementForm]:
    """An AgreementForm with one amount field `line-<id>` per claim line of the case and, per
    worker, `columns` instalments `schedule-<worker id>-<n>-due_on|amount` (blank ones ignored)."""
    fields = {
        f"line-{line_id}": YuanField("协议金额（元）", validators=[InputRequired("请填写协议金额")])
        for line_id in claim_line_ids
    }
    for worker_id in worker_ids:
        for column in range(columns):
            prefix = f"schedule-{worker_id}-{column}"
            fields[f"{prefix}-due_on"] = _date(f"第{column + 1}期付款期限")
            fields[f"{prefix}-amount"] = YuanField(f"第{column + 1}期金额（元）")
    return type("CaseAgreementForm", (AgreementForm,), fields)


class FilingsForm(VersionedForm):
    review_filed_on = _date("申请仲裁审查日期")
    review_result = StringField(
        "仲裁审查结果", validators=[Length(max=200, message="不超过200个字符")]
    )
    confirmation_filed_on = _date("申请司法确认日期")
    confirmation_result = StringField(
        "司法确认结果", validators=[Length(max=200, message="不超过200个字符")]
    )
    payment_order_filed_on = _date("申请支付令日期")
    payment_order_result = StringField(
        "支付令结果", validators=[Length(max=200, message="不超过200个字符")]
    )


class PaymentForm(VersionedForm):
    worker_id = SelectField(
        "申请人", choices=[], validate_choice=False, validators=[InputRequired("请选择申请人")]
    )
    amount = YuanField("金额（元）", validators=[InputRequired("请填写金额")])
    paid_on = _date("支付日期", "请填写支付日期")
    method = StringField(
        "方式",
        validators=[Length(max=32, message="方式不超过32个字符")],
        description="如：银行转账、现金",
    )
    note = StringField("备注", validators=[Length(max=200, message="备注不超过200个字符")])


class PayAllForm(VersionedForm):
    """One instalment (or everything still owed) for the ticked workers at once, rendered with
    prefix "all": per worker `pay-<id>` and `amount-<id>` (added by `pay_all_form_class`),
    prefilled from the chosen instalment; or a column of amounts pasted from Excel."""

    instalment = SelectField("期次", choices=[], validate_choice=False)
    refill = SubmitField("按所选期次填入金额")
    pasted = TextAreaField(
        "从Excel粘贴一列金额",
        description="每行一个金额，按上表申请人顺序；空行表示该申请人本次未收到款项",
        render_kw={"rows": 4},
    )
    paid_on = _date("支付日期", "请填写支付日期")
    method = StringField("方式", validators=[Length(max=32, message="方式不超过32个字符")])
    note = StringField("备注", validators=[Length(max=200, message="备注不超过200个字符")])

    def worker_fields(self, worker_id: int) -> tuple:
        return self[f"pay-{worker_id}"], self[f"amount-{worker_id}"]


def pay_all_form_class(worker_ids: list[int]) -> type[PayAllForm]:
    fields = {}
    for worker_id in worker_ids:
        fields[f"pay-{worker_id}"] = BooleanField("收到")
        fields[f"amount-{worker_id}"] = YuanField("金额（元）")
    return type("CasePayAllForm", (PayAllForm,), fields)
