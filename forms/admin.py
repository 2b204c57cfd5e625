from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from forms import select_choices
from models import Role

ROLE_CHOICES = select_choices(Role.choices(), blank="请选择")


class UserForm(FlaskForm):
    username = StringField(
        "用户名",
        validators=[
            DataRequired("请填写用户名"),
            Length(max=64, message="用户名不超过64个字符"),
            Regexp(r"^[A-Za-z0-9_.\-]+$", message="用户名只能包含字母、数字、下划线、点和连字符"),
        ],
    )
    display_name = StringField("姓名", validators=[Length(max=64, message="姓名不超过64个字符")])
    email = StringField(
        "电子邮箱",
        validators=[Length(max=254, message="电子邮箱不超过254个字符")],
        description="调解期限将至等提醒发往此邮箱；不填则只记入发件箱",
        render_kw={"type": "email", "autocomplete": "off"},
    )
    role = SelectField("角色", choices=ROLE_CHOICES, validators=[DataRequired("请选择角色")])
    centre = SelectField(
        "所属调解中心",
        choices=[],
        validate_choice=False,
        description="调解员、特约律师、中心负责人必填",
    )
    district = SelectField(
        "所属区", choices=[], validate_choice=False, description="区级管理人员必填"
    )
    active = BooleanField("启用", default=True)
    password = PasswordField(
        "初始密码", description="至少12位，须同时包含字母和数字，不得为常见密码或用户名"
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "新密码",
        validators=[DataRequired("请填写新密码")],
        description="至少12位，须同时包含字母和数字，不得为常见密码或用户名",
    )


class CentreForm(FlaskForm):
    code = StringField(
        "代码",
        validators=[
            DataRequired("请填写中心代码"),
            Regexp(r"^[A-Z]{2,4}(-[A-Z]{2,8})?$", message="代码为大写字母，如 NH-LS"),
        ],
    )
    name = StringField("名称", validators=[DataRequired("请填写中心名称"), Length(max=100)])
    short_name = StringField(
        "简称（用于案号）",
        validators=[DataRequired("请填写简称"), Length(max=8, message="简称不超过8个字符")],
        description="如「南里」，案号形如 (2021)南里调字第15号",
    )
    district = SelectField("所属区", choices=[], validate_choice=False)
    address = StringField("地址", validators=[Optional(), Length(max=200)])
    phone = StringField("电话", validators=[Optional(), Length(max=32)])
    active = BooleanField("启用", default=True)
    # Retention (mediation/retention.py): empty means the configured default.
    archive_after_days = IntegerField(
        "结案后归档（天）",
        validators=[Optional(), NumberRange(min=1, max=3650, message="归档期限为1至3650天")],
        invalid_value_message="请填写整数天数",
        description="结案满此天数后案件归档（只读）；留空按系统默认",
    )
    retention_years = IntegerField(
        "个人信息保存期限（年）",
        validators=[Optional(), NumberRange(min=1, max=100, message="保存期限为1至100年")],
        invalid_value_message="请填写整数年数",
        description="结案满此年数后个人信息匿名化；留空按系统默认",
    )


class EmptyForm(FlaskForm):
    """A form with nothing but the CSRF token, for buttons that change state."""
