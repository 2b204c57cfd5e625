"""Forms of the union's supervision letters: issuing one, and recording its service, the reply
and a referral to labour inspection. Syntax and presentation only: which cases and provisions a
letter may list, dates and who may issue are checked in mediation.reports.letters. The recording
forms carry the letter's `version` (optimistic locking)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms import select_choices
from forms.roster import CheckboxListField
from forms.workflow import date_field
from mediation.reports.letters import MAX_TEXT
from models import LetterKind, ServiceMethod


class CodeListField(CheckboxListField):
    """Checkboxes whose values are codes (strings), not ids."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", str)
        super().__init__(label, validators, **kwargs)


class IssueLetterForm(FlaskForm):
    kind = SelectField(
        "文书种类",
        choices=select_choices(LetterKind.choices(), blank="请选择"),
        validate_choice=False,
    )
    issued_on = date_field("发出日期")
    addressee = StringField(
        "主送单位",
        validators=[Optional(), Length(max=200, message="主送单位不超过200字")],
        description="提示函、意见书送被申请单位；建议书送同级人力资源和社会保障局等有关部门。留空按文书种类自动填写",
    )
    response_due_on = date_field(
        "答复期限",
        required=False,
        description="留空按工作日计算：提示函、意见书15个工作日，建议书5个工作日",
    )
    case_ids = CheckboxListField("列明的案件", validate_choice=False)
    provisions = CodeListField("涉及的法律条文", validate_choice=False)
    findings = TextAreaField(
        "发现的问题",
        validators=[Length(max=MAX_TEXT, message=f"不超过{MAX_TEXT}字")],
        render_kw={"rows": 5},
    )
    requests = TextAreaField(
        "整改要求或建议",
        validators=[Length(max=MAX_TEXT, message=f"不超过{MAX_TEXT}字")],
        render_kw={"rows": 4},
    )


class ServiceForm(FlaskForm):
    version = HiddenField()
    served_on = date_field("送达日期")
    method = SelectField(
        "送达方式",
        choices=select_choices(ServiceMethod.choices(), blank="请选择"),
        validate_choice=False,
    )
    served_to = StringField(
        "签收人", validators=[InputRequired("请填写签收人（受送达人）"), Length(max=100)]
    )


class ReplyForm(FlaskForm):
    version = HiddenField()
    replied_on = date_field("回复日期")
    summary = TextAreaField(
        "回复内容摘要",
        validators=[Length(max=MAX_TEXT, message=f"不超过{MAX_TEXT}字")],
        render_kw={"rows": 3},
    )


class ReferralForm(FlaskForm):
    version = HiddenField()
    referred_on = date_field("移送日期")
    note = StringField("说明", validators=[Optional(), Length(max=200, message="说明不超过200字")])
