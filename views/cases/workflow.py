"""Routes: the workflow forms that decide, assign and close a case.

One view per action of mediation.cases.actions.ACTIONS (the endpoint is the action's name). Each
requires the action's permission, loads the case in the user's scope (404 outside it), refuses
an action the case's status does not admit (`refuse_action`: the reason, 422), answers 403 when
the status admits it but this user may not, then runs the domain operation through
`handle_case_form`.
"""

from flask import request
from flask_login import current_user

from forms import select_choices
from forms.workflow import (
    AcceptForm,
    ArbitrationForm,
    AssignForm,
    ExtendForm,
    FailForm,
    RefuseForm,
    ReopenForm,
    UnarchiveForm,
    VoidForm,
    WithdrawForm,
)
from mediation import retention
from mediation.cases import actions, assignment, lifecycle
from mediation.cases.lifecycle import MAX_EXTENSION_DAYS
from models import Case
from views.cases import bp, handle_case_form, load_case, refuse_action
from views.db import get_db
from views.formatting import chinese_date
from views.helpers import require


def _action_view(name: str, case_id: int, form_class, operation, success: str, **context):
    """Guard, then GET shows the form and POST runs `operation(db, case, form)`."""
    case = load_case(case_id)
    form = form_class()
    context.setdefault("title", actions.BY_NAME[name].label)
    intro = context.get("intro")
    if callable(intro):
        context["intro"] = intro(case)
    if (refused := refuse_action(case, name)) is not None:
        return refused
    return handle_case_form(case, form, lambda: operation(get_db(), case, form), success, **context)


def _permission(name: str):
    return actions.BY_NAME[name].permission


@bp.route("/<int:case_id>/accept", methods=["GET", "POST"])
@require(_permission("accept"))
def accept(case_id: int):
    return _action_view(
        "accept",
        case_id,
        AcceptForm,
        lambda db, case, form: lifecycle.accept(db, case, current_user, form.accepted_on.data),
        "案件已受理",
        title="受理",
        intro=lambda case: (
            f"本案于{chinese_date(case.received_on)}收到申请。受理后调解期限为15日，"
            "经双方同意可延长一次。"
        ),
        submit_label="受理",
    )


@bp.route("/<int:case_id>/refuse", methods=["GET", "POST"])
@require(_permission("refuse"))
def refuse(case_id: int):
    return _action_view(
        "refuse",
        case_id,
        RefuseForm,
        lambda db, case, form: lifecycle.refuse(
            db, case, current_user, form.refused_on.data, form.combined_reason()
        ),
        "已登记不予受理",
        title="不予受理",
        intro="不予受理应当写明理由，并书面告知申请人（不予受理通知书）。",
        submit_label="决定不予受理",
    )


@bp.route("/<int:case_id>/void", methods=["GET", "POST"])
@require(_permission("void"))
def void(case_id: int):
    return _action_view(
        "void",
        case_id,
        VoidForm,
        lambda db, case, form: lifecycle.void(db, case, current_user, form.reason.data or ""),
        "案件已作废",
        title="作废案件",
        intro=(
            "作废用于重复登记、录入错误等情形，作废的案件不计入统计。"
            "作废后只有中心负责人可以重新打开。"
        ),
        submit_label="作废",
    )


@bp.route("/<int:case_id>/withdraw", methods=["GET", "POST"])
@require(_permission("withdraw"))
def withdraw(case_id: int):
    return _action_view(
        "withdraw",
        case_id,
        WithdrawForm,
        lambda db, case, form: lifecycle.withdraw(
            db, case, current_user, form.closed_on.data, form.note.data or ""
        ),
        "已登记申请人撤回，案件已结案",
        title="申请人撤回",
        submit_label="登记撤回",
    )


def _fail_intro(case: Case) -> str:
    return (
        "调解不成的，应当书面告知申请人可以依法申请劳动争议仲裁（调解不成告知书）。"
        f"申请人于{chinese_date(case.received_on)}申请调解，自该日起一年的仲裁时效中断"
        "（《劳动争议调解仲裁法》第二十七条）。"
    )


@bp.route("/<int:case_id>/fail", methods=["GET", "POST"])
@require(_permission("fail"))
def fail(case_id: int):
    return _action_view(
        "fail",
        case_id,
        FailForm,
        lambda db, case, form: lifecycle.fail(
            db,
            case,
            current_user,
            form.closed_on.data,
            form.reason.data or "",
            form.note.data or "",
            form.arbitration_applied_on.data,
        ),
        "已登记调解不成，案件已结案。请书面告知申请人可以申请仲裁",
        title="调解不成（终止调解）",
        intro=_fail_intro,
        submit_label="登记调解不成",
    )


@bp.route("/<int:case_id>/arbitration", methods=["GET", "POST"])
@require(_permission("arbitration"))
def arbitration(case_id: int):
    return _action_view(
        "arbitration",
        case_id,
        ArbitrationForm,
        lambda db, case, form: lifecycle.record_arbitration(
            db, case, current_user, form.arbitration_applied_on.data
        ),
        "已登记申请仲裁日期",
        title="登记申请仲裁",
        intro=lambda case: (
            f"申请人于{chinese_date(case.received_on)}申请调解，仲裁时效自该日中断。"
            "登记申请人向劳动人事争议仲裁委员会申请仲裁的日期。"
        ),
    )


@bp.route("/<int:case_id>/extend", methods=["GET", "POST"])
@require(_permission("extend"))
def extend(case_id: int):
    return _action_view(
        "extend",
        case_id,
        ExtendForm,
        lambda db, case, form: lifecycle.extend(
            db,
            case,
            current_user,
            form.consent_on.data,
            form.days.data,
            after_expiry=bool(form.after_expiry.data),
        ),
        "已延长调解期限",
        title="延长调解期限",
        intro=lambda case: (
            f"当前调解期限至{chinese_date(case.mediation_due_on)}。经双方当事人同意，"
            f"调解期限可延长一次，最多{MAX_EXTENSION_DAYS}天。"
        ),
        submit_label="延长期限",
    )


@bp.route("/<int:case_id>/reopen", methods=["GET", "POST"])
@require(_permission("reopen"))
def reopen(case_id: int):
    return _action_view(
        "reopen",
        case_id,
        ReopenForm,
        lambda db, case, form: lifecycle.reopen(db, case, current_user, form.reason.data or ""),
        "案件已重新打开",
        title="重新打开案件",
        intro="重新打开后，案件回到结案前的办理阶段，结案日期清空；理由记入案件动态。",
        submit_label="重新打开",
    )


@bp.route("/<int:case_id>/unarchive", methods=["GET", "POST"])
@require(_permission("unarchive"))
def unarchive(case_id: int):
    return _action_view(
        "unarchive",
        case_id,
        UnarchiveForm,
        lambda db, case, form: retention.unarchive(db, case, current_user, form.reason.data or ""),
        "已取消归档，案件可以修改",
        title="取消归档",
        intro="已归档的案件只读。取消归档后可以更正、上传附件或重新打开；理由记入案件动态，"
        "归档期限自今日重新起算。",
        submit_label="取消归档",
    )


@bp.route("/<int:case_id>/assign", methods=["GET", "POST"])
@require(_permission("assign"))
def assign(case_id: int):
    db = get_db()
    case = load_case(case_id)
    mediators = assignment.mediators_of(db, case.centre_id)
    suggestions = assignment.suggest_lawyers(db, case)
    form = AssignForm()
    form.mediator_id.choices = select_choices(
        [(str(m.id), m.name) for m in mediators], blank="（暂不指派）"
    )
    form.lawyer_id.choices = select_choices(
        [
            (str(s.lawyer.id), f"{s.lawyer.name}（{s.lawyer.firm_name}）" + _conflict_mark(s))
            for s in suggestions
        ],
        blank="（暂不指派）",
    )
    if request.method == "GET":
        mediator_id = case.mediator_id
        ids = {m.id for m in mediators}
        if mediator_id is None:  # the mediator who registered it, else the one taking it
            mediator_id = next((i for i in (case.created_by_id, current_user.id) if i in ids), None)
        form.mediator_id.data = str(mediator_id or "")
        form.lawyer_id.data = str(case.lawyer_id or "")
    context = {
        "title": "指派调解员和特约律师",
        "suggestions": suggestions,
        "template": "cases/assign.html",
    }
    if (refused := refuse_action(case, "assign")) is not None:
        return refused
    return handle_case_form(
        case,
        form,
        lambda: assignment.assign(
            db,
            case,
            current_user,
            form.chosen_id(form.mediator_id),
            form.chosen_id(form.lawyer_id),
            form.override_reason.data or "",
        ),
        "已指派调解员和特约律师",
        **context,
    )


def _conflict_mark(suggestion) -> str:
    return "（应当回避）" if suggestion.conflict else ""
