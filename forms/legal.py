"""Legal-service forms: the conversion of a failed mediation, a stage, the result.

Syntax and presentation only; mediation.legal checks dates, outcomes and amounts."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms import select_choices
from forms.outcome import YuanField
from mediation.dates import today
from models import LegalOutcome, LegalStageKind, ServiceType

DATE_MESSAGE = "日期格式不正确（例：2021-03-09）"
DATE_INPUT = {"type": "date"}


def _date(label: str, required: bool = True, **kwargs) -> DateField:
    validators = [InputRequired(f"请填写{label}")] if required else [Optional()]
    return DateField(
        label,
        validators=validators,
        invalid_value_message=DATE_MESSAGE,
        render_kw=DATE_INPUT,
        **kwargs,
    )


class ConvertForm(FlaskForm):
    """The one-click conversion of a failed mediation into representation."""

    service_type = SelectField(
        "法律服务类型",
        choices=select_choices(
            [(s.value, s.label) for s in (ServiceType.ARBITRATION, ServiceType.LITIGATION)]
        ),
        default=ServiceType.ARBITRATION.value,
        validate_choice=False,
    )
    accepted_on = _date("受理日期", default=today)


class StageForm(FlaskForm):
    stage = SelectField(
        "办理环节",
        choices=select_choices(LegalStageKind.choices(), blank="请选择"),
        validators=[InputRequired("请选择办理环节")],
        validate_choice=False,
    )
    on = _date("日期", description="开庭可预先登记将来的日期")
    note = TextAreaField("说明", validators=[Length(max=500, message="说明不超过500字")])


class ResultForm(FlaskForm):
    version = HiddenField()
    outcome = SelectField(
        "办理结果",
        choices=select_choices(LegalOutcome.choices(), blank="请选择"),
        validators=[InputRequired("请选择办理结果")],
        validate_choice=False,
    )
    closed_on = _date("结案日期", required=False, description="办理结果为「办理中」时不填")


def result_form(workers, formdata=None, **kwargs) -> ResultForm:
    """A ResultForm with an awarded and a recovered amount field for each worker represented:
    `awarded_<id>` and `recovered_<id>` (yuan; empty means 0)."""

    class _Form(ResultForm):
        pass

    for worker in workers:
        setattr(
            _Form,
            f"awarded_{worker.id}",
            YuanField(f"{worker.name} 裁决/判决金额（元）", validators=[Optional()]),
        )
        setattr(
            _Form,
            f"recovered_{worker.id}",
            YuanField(f"{worker.name} 实际挽回（元）", validators=[Optional()]),
        )
    form = _Form(formdata=formdata, **kwargs) if formdata is not None else _Form(**kwargs)
    form.worker_rows = [
        (worker, form[f"awarded_{worker.id}"], form[f"recovered_{worker.id}"]) for worker in workers
    ]
    return form


def amounts_from(form) -> dict[int, tuple[int, int]]:
    return {
        worker.id: (awarded.data or 0, recovered.data or 0)
        for worker, awarded, recovered in form.worker_rows
    }


__all__ = ["ConvertForm", "ResultForm", "StageForm", "amounts_from", "result_form"]
