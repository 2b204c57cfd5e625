"""Forms of the reference registers: the lawyer roster, employers and their counsel, and the
holiday calendar. Syntax and presentation only: identifiers (practice certificates, credit codes,
phones), uniqueness and who may change which stationing are checked in mediation/."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forms import select_choices
from models import DayKind


class CheckboxListField(SelectMultipleField):
    """A multi-select drawn as a list of checkboxes (choices are ids, coerced to int)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("invalid_value_message", "选项无效")
        kwargs.setdefault("invalid_choice_message", "选项无效：%(value)s")
        super().__init__(label, validators, **kwargs)


# --- Lawyer roster ---------------------------------------------------------------------------


class LawyerFilterForm(FlaskForm):
    """The roster list's filters (a GET form: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    q = StringField("搜索", description="姓名、执业证号或律师事务所")
    centre = SelectField("派驻中心", choices=[], validate_choice=False)


class LawyerForm(FlaskForm):
    name = StringField(
        "姓名",
        validators=[DataRequired("请填写律师姓名"), Length(max=32, message="姓名不超过32个字")],
    )
    certificate_no = StringField(
        "执业证号",
        validators=[DataRequired("请填写执业证号")],
        description="律师执业证上的17位数字",
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    firm_name = StringField(
        "律师事务所",
        validators=[
            DataRequired("请填写所在律师事务所"),
            Length(max=100, message="律师事务所名称不超过100个字"),
        ],
    )
    firm_credit_code = StringField(
        "律所统一社会信用代码",
        validators=[Optional()],
        description="18位；用于识别利益冲突（律所登记为被申请单位的代理律所时须回避）",
        render_kw={"autocomplete": "off"},
    )
    phone = StringField("联系电话", validators=[Optional()])
    # Which centres a user may tick is a rule of mediation.reference.roster.save_lawyer.
    centres = CheckboxListField("派驻调解中心", choices=[], validate_choice=False)
    active = BooleanField("在职（可被指派案件）", default=True)
    username = StringField(
        "关联账户",
        validators=[Optional(), Length(max=64, message="用户名不超过64个字符")],
        description="选填：角色为「特约律师」的用户名，关联后该律师可登录查看所派驻中心的案件",
    )


# --- Employers -------------------------------------------------------------------------------


class EmployerSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("搜索", description="单位名称或统一社会信用代码")


class EmployerForm(FlaskForm):
    name = StringField(
        "单位名称",
        validators=[
            DataRequired("请填写单位名称"),
            Length(max=200, message="单位名称不超过200个字"),
        ],
    )
    credit_code = StringField(
        "统一社会信用代码",
        validators=[Optional()],
        description="18位数字或大写字母（不含 I、O、S、V、Z），部分代码以字母开头（如 N、Y）",
        render_kw={"autocomplete": "off"},
    )
    legal_rep = StringField(
        "法定代表人（负责人）",
        validators=[Optional(), Length(max=32, message="不超过32个字")],
    )
    address = StringField(
        "地址", validators=[Optional(), Length(max=200, message="地址不超过200个字")]
    )
    phone = StringField("联系电话", validators=[Optional()])


class CounselForm(FlaskForm):
    firm_name = StringField(
        "律师事务所",
        validators=[
            DataRequired("请填写律师事务所名称"),
            Length(max=100, message="律师事务所名称不超过100个字"),
        ],
    )
    firm_credit_code = StringField(
        "律所统一社会信用代码",
        validators=[Optional()],
        description="选填；填写后按代码比对，律所改名也能识别",
        render_kw={"autocomplete": "off"},
    )


class RemoveCounselForm(FlaskForm):
    firm_name = HiddenField(validators=[DataRequired("缺少律师事务所名称")])


# --- Holiday calendar ------------------------------------------------------------------------


class CalendarYearForm(FlaskForm):
    class Meta:
        csrf = False

    year = IntegerField("年份", validators=[Optional()])


class CalendarDayForm(FlaskForm):
    day = DateField(
        "日期",
        validators=[InputRequired("请填写日期")],
        invalid_value_message="日期格式不正确（例：2026-10-01）",
    )
    kind = RadioField(
        "类型",
        choices=select_choices(DayKind.choices()),
        default=DayKind.HOLIDAY.value,
        validators=[InputRequired("请选择类型")],
        invalid_choice_message="请选择类型",
    )
    name = StringField(
        "名称",
        validators=[Optional(), Length(max=32, message="名称不超过32个字")],
        description="如：国庆节；调休上班日可写「国庆节调休」",
    )


class DeleteDayForm(FlaskForm):
    day = HiddenField(validators=[DataRequired("缺少日期")])
