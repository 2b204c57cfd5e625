"""The case workflow forms: decisions, assignment and closure.

Syntax and presentation only; the dates of past events, reasons and conflicts of interest are
checked by mediation.cases (lifecycle, assignment). Every form carries the case's `version`
(optimistic locking).
"""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forms import select_choices
from mediation.bounds import parse_id
from mediation.cases.lifecycle import MAX_EXTENSION_DAYS, MAX_REASON_LENGTH
from mediation.dates import today
from models import FailureReason

DATE_MESSAGE = "日期格式不正确"


def date_field(label: str, required: bool = True, **kwargs) -> DateField:
    """A date input with Chinese messages: empty → "请填写…", unreadable → "日期格式不正确"."""
    validators = [InputRequired(f"请填写{label}")] if required else [Optional()]
    return DateField(label, validators=validators, invalid_value_message=DATE_MESSAGE, **kwargs)


class WorkflowForm(FlaskForm):
    version = HiddenField()


class AcceptForm(WorkflowForm):
    accepted_on = date_field("受理日期", default=today)


OTHER_REASON = "其他"
REFUSAL_REASONS = [
    "不属于劳动争议调解范围",
    "不存在劳动关系",
    "对方当事人拒绝调解",
    "已申请仲裁或起诉",
    OTHER_REASON,
]


class RefuseForm(WorkflowForm):
    refused_on = date_field("决定日期", default=today)
    reason = SelectField(
        "不予受理理由",
        choices=select_choices([(r, r) for r in REFUSAL_REASONS], blank="请选择"),
        validate_choice=False,
    )
    reason_detail = TextAreaField(
        "具体说明",
        validators=[Length(max=150, message="具体说明不超过150字")],
        description="理由为「其他」时必填；将写入不予受理通知书",
    )

    def combined_reason(self) -> str:
        """The one reason string the domain records: the common reason and the details."""
        choice = (self.reason.data or "").strip()
        detail = (self.reason_detail.data or "").strip()
        if choice == OTHER_REASON or not choice:
            return detail
        return f"{choice}：{detail}" if detail else choice


class VoidForm(WorkflowForm):
    reason = TextAreaField(
        "作废理由",
        validators=[
            Length(max=MAX_REASON_LENGTH, message=f"作废理由不超过{MAX_REASON_LENGTH}字"),
        ],
        description="如：重复登记、录入错误。作废的案件不计入统计",
    )


class WithdrawForm(WorkflowForm):
    closed_on = date_field("撤回日期", default=today)
    note = TextAreaField("说明", description="如：申请人书面/口头撤回，双方已自行和解")


class FailForm(WorkflowForm):
    closed_on = date_field("终止日期", default=today)
    reason = SelectField(
        "原因",
        choices=select_choices(FailureReason.choices(), blank="请选择"),
        validate_choice=False,
    )
    note = TextAreaField("说明", description="原因为「其他」时必填")
    arbitration_applied_on = date_field(
        "申请仲裁日期", required=False, description="申请人已申请仲裁的，填写申请日期"
    )


class ArbitrationForm(WorkflowForm):
    arbitration_applied_on = date_field("申请仲裁日期")


class ExtendForm(WorkflowForm):
    consent_on = date_field("双方同意日期", default=today)
    days = IntegerField(
        "延长天数",
        validators=[
            InputRequired("请填写延长天数"),
            NumberRange(
                min=1,
                max=MAX_EXTENSION_DAYS,
                message=f"延长天数为1至{MAX_EXTENSION_DAYS}天",
            ),
        ],
        invalid_value_message="延长天数须为整数",
        description=f"只能延长一次，最多{MAX_EXTENSION_DAYS}天",
    )
    after_expiry = BooleanField(
        "期限届满后同意延长",
        description="双方在原调解期限届满之后才同意延长的，请勾选；案件期限将注明届满后延长",
    )


class ReopenForm(WorkflowForm):
    reason = TextAreaField("理由", description="如：结案登记有误、当事人申请恢复调解")


class UnarchiveForm(WorkflowForm):
    reason = TextAreaField("理由", description="如：须更正登记信息、当事人申请补充材料")


class AssignForm(WorkflowForm):
    mediator_id = SelectField("调解员", choices=[], validate_choice=False)
    lawyer_id = SelectField("特约律师", choices=[], validate_choice=False)
    override_reason = TextAreaField(
        "回避理由",
        validators=[Length(max=500, message="回避理由不超过500字")],
        description="所选律师存在利益冲突（应当回避）而仍须指派时，写明理由",
    )

    @staticmethod
    def chosen_id(field) -> int | None:
        """The id picked in a select: None for the blank option; 0 (matches nothing, so the
        domain refuses it) for anything that is not a number."""
        value = (field.data or "").strip()
        if not value:
            return None
        return parse_id(value) or 0
