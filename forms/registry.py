"""Forms of the mediator registry: specialties (with the profile's `version`), a certificate,
a year's training hours. Syntax only; the rules are in mediation.reference.mediators."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forms.workflow import date_field
from mediation.reference.mediators import MAX_HOURS


class RegistryFilterForm(FlaskForm):
    """Which centre and year the registry shows (a GET form)."""

    class Meta:
        csrf = False

    centre = SelectField("调解中心", choices=[], validate_choice=False)
    year = IntegerField("年度", validators=[Optional()])


class SpecialtiesForm(FlaskForm):
    version = HiddenField()
    specialties = StringField(
        "擅长领域",
        validators=[Optional(), Length(max=200, message="擅长领域不超过200字")],
        description="如：劳动报酬、工伤、集体劳动争议",
    )


class QualificationForm(FlaskForm):
    name = StringField(
        "证书名称",
        validators=[InputRequired("请填写证书名称"), Length(max=100)],
        description="如：人民调解员资格证书、劳动争议调解员培训合格证书",
    )
    number = StringField("证书编号", validators=[Optional(), Length(max=64)])
    issuer = StringField("发证机关", validators=[InputRequired("请填写发证机关"), Length(max=100)])
    issued_on = date_field("发证日期")


class TrainingForm(FlaskForm):
    year = IntegerField("年度", validators=[InputRequired("请填写年度")])
    hours = IntegerField(
        "培训学时",
        validators=[
            InputRequired("请填写培训学时"),
            NumberRange(0, MAX_HOURS, message=f"培训学时应在0至{MAX_HOURS}之间"),
        ],
    )


class RemoveQualificationForm(FlaskForm):
    pass
