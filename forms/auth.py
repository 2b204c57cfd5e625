from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请填写密码")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[DataRequired("请填写当前密码")])
    new_password = PasswordField(
        "新密码",
        validators=[DataRequired("请填写新密码")],
        description="至少12位，须同时包含字母和数字，不得为常见密码或用户名",
    )
    confirm = PasswordField(
        "再次输入新密码",
        validators=[
            DataRequired("请再次输入新密码"),
            EqualTo("new_password", "两次输入的新密码不一致"),
        ],
    )
