"""Legal-service forms: a new legal case, the conversion of a failed mediation, a stage, the
result.

Syntax and presentation only; mediation.legal.cases checks dates, outcomes and amounts."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms import select_choices
from forms.outcome import YuanField
from mediation.dates import today
from mediation.identifiers import InvalidIdentifier, id_type_of, normalize_id_number
from mediation.legal.cases import LegalWorkerData
from mediation.money import InvalidAmount, parse_yuan
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


MAX_WORKER_LINES = 500
WORKER_LINE_FORMAT = "姓名[,证件号码][,请求金额]"


class NewLegalForm(FlaskForm):
    """A legal case registered directly (not converted from a mediation): representation, or a
    lighter record of advice or drafting. The workers are typed one per line."""

    centre = SelectField("调解中心", choices=[], validate_choice=False)
    service_type = SelectField(
        "法律服务类型",
        choices=select_choices(ServiceType.choices(), blank="请选择"),
        validators=[InputRequired("请选择法律服务类型")],
        validate_choice=False,
    )
    accepted_on = _date("受理日期")
    lawyer_id = SelectField("特约律师", choices=[], validate_choice=False)
    employer_name = StringField(
        "被申请单位",
        validators=[Length(max=200, message="被申请单位名称不超过200个字符")],
        description="已登记的单位按名称沿用；法律咨询、代写文书可不填",
    )
    workers = TextAreaField(
        "职工",
        validators=[InputRequired("请至少登记一名职工")],
        description=(
            f"每行一名职工：{WORKER_LINE_FORMAT}，例：张三,440602199001011234,12000；"
            "证件号码可不填（张三,,12000）"
        ),
        render_kw={"rows": 6},
    )
    note = TextAreaField("备注", validators=[Length(max=500, message="备注不超过500字")])


def parse_worker_lines(text: str) -> tuple[list[LegalWorkerData], list[str]]:
    """The workers typed one per line as "姓名[,证件号码][,请求金额]" (full-width commas and tabs
    also separate; the amount may keep its thousands separators). Blank lines are skipped.
    Returns the workers and Chinese messages naming the line of each problem."""
    workers: list[LegalWorkerData] = []
    problems: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.replace("，", ",").replace("\t", ",").strip()
        if not line.strip(","):
            continue
        name, id_number, amount = [*(part.strip() for part in line.split(",", 2)), "", ""][:3]
        if not name:
            problems.append(f"第{number}行：请填写职工姓名")
            continue
        if len(name) > 64:
            problems.append(f"第{number}行：姓名不超过64个字符")
            continue
        worker = LegalWorkerData(name=name)
        if id_number:
            id_type = id_type_of(id_number)
            try:
                worker.id_number = normalize_id_number(id_type, id_number)
                worker.id_type = id_type.value
            except InvalidIdentifier as error:
                problems.append(f"第{number}行：证件号码{str(error).removeprefix('请填写')}")
        if amount:
            try:
                worker.claimed_fen = parse_yuan(amount)
            except InvalidAmount as error:
                problems.append(f"第{number}行：请求{error}")
        workers.append(worker)
    if len(workers) > MAX_WORKER_LINES:
        problems.append(f"每案最多登记{MAX_WORKER_LINES}名职工")
    return workers, problems


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


__all__ = [
    "ConvertForm",
    "NewLegalForm",
    "ResultForm",
    "StageForm",
    "amounts_from",
    "parse_worker_lines",
    "result_form",
]
