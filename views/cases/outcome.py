"""Routes: mediation sessions, the agreement, its follow-up filings and payments.

Each view loads the case in scope (404), checks the action's permission (403), is guarded by
`refuse_action` (the reason with 422 when the case does not admit the action; 403 for a user who
may not act on this case, a lawyer not assigned to it), then runs `handle_case_form`.
"""

from datetime import datetime

from flask import abort, render_template, request
from flask_login import current_user

from forms import select_choices
from forms.outcome import (
    AgreementForm,
    FilingsForm,
    PayAllForm,
    PaymentForm,
    SessionForm,
    agreement_form_class,
)
from mediation.bounds import parse_id
from mediation.cases import actions, agreements, payments
from mediation.cases.lifecycle import record_session
from mediation.dates import TZ, today
from mediation.errors import RuleViolation
from mediation.money import format_yuan
from models import Case, Centre, MediationSession
from views.cases import bp, handle_case_form, load_case, refuse_action
from views.db import get_db
from views.helpers import require

# --- sessions -------------------------------------------------------------------------------


@bp.route("/<int:case_id>/sessions/new", methods=["GET", "POST"])
@require(actions.BY_NAME["session_new"].permission)
def session_new(case_id: int):
    return _session_page(load_case(case_id), None)


@bp.route("/<int:case_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@require(actions.BY_NAME["session_new"].permission)
def session_edit(case_id: int, session_id: int):
    case = load_case(case_id)
    record = get_db().get(MediationSession, session_id)
    if record is None or record.case_id != case.id:
        abort(404)
    return _session_page(case, record)


def _session_page(case: Case, record: MediationSession | None):
    if (refused := refuse_action(case, "session_new")) is not None:
        return refused
    db = get_db()
    if record is not None:
        form = SessionForm(obj=record)
    else:
        centre = db.get(Centre, case.centre_id)
        now = datetime.now(TZ).replace(second=0, microsecond=0)
        form = SessionForm(data={"starts_at": now, "place": centre.name if centre else ""})

    def save():
        record_session(
            db,
            case,
            current_user,
            form.starts_at.data,
            form.duration_minutes.data,
            form.place.data or "",
            form.attendees.data or "",
            form.minutes.data or "",
            mediation_session=record,
        )

    held = form.duration_minutes.data is not None or bool((form.minutes.data or "").strip())
    return handle_case_form(
        case,
        form,
        save,
        "已保存调解记录" if held else "已安排调解",
        template="cases/session.html",
        title="编辑调解记录" if record else "安排/记录调解",
    )


# --- the agreement --------------------------------------------------------------------------


def _agreement_data(db, case: Case, lines) -> dict:
    """What the agreement form shows when opened: the saved draft, or a starting point (after
    a reopening, the superseded agreement without its signature dates)."""
    current = agreements.agreement_of(db, case)
    previous = None if current else agreements.previous_agreement(db, case)
    before = agreements.agreed_by_line(db, previous)
    data = {
        f"line-{line.id}": before.get(line.id, line.claimed_fen) if agreed is None else agreed
        for _, line, agreed in lines
    }
    if current is None and previous is not None:
        data.update(
            terms=previous.terms,
            payment_method=previous.payment_method,
            copies=previous.copies,
            instalments=[
                {"due_on": i.due_on, "amount": i.amount_fen}
                for i in agreements.instalments_of(db, previous)
            ]
            or [{}],
        )
        return data
    if current is None:
        data.update(
            terms=agreements.default_terms(db, case),
            payment_method="银行转账",
            copies=3,
            instalments=[{"due_on": None, "amount": case.claimed_fen or None}],
        )
        return data
    data.update(
        terms=current.terms,
        payment_method=current.payment_method,
        copies=current.copies,
        parties_signed_on=current.parties_signed_on,
        mediator_signed_on=current.mediator_signed_on,
        centre_sealed_on=current.centre_sealed_on,
        instalments=[
            {"due_on": i.due_on, "amount": i.amount_fen}
            for i in agreements.instalments_of(db, current)
        ]
        or [{}],
    )
    return data


def _place_schedule_errors(form: AgreementForm, rows: list, violation: RuleViolation) -> list:
    """Put the domain's schedule problems (`instalments`, `instalments-<i>-<field>`, where i
    counts the non-blank rows sent) on the schedule; return the other problems."""
    rest = []
    for name, message in violation.problems:
        if name == "instalments":
            form.schedule_errors.append(message)
            continue
        parts = (name or "").split("-")
        if (
            len(parts) == 3
            and parts[0] == "instalments"
            and parts[1].isascii()
            and parts[1].isdigit()
        ):
            index = int(parts[1])
            field = getattr(rows[index], parts[2], None) if index < len(rows) else None
            if field is not None:
                field.errors = [*field.errors, message]
                continue
        rest.append((name, message))
    return rest


@bp.route("/<int:case_id>/agreement", methods=["GET", "POST"])
@require(actions.BY_NAME["agreement"].permission)
def agreement(case_id: int):
    case = load_case(case_id)
    if (refused := refuse_action(case, "agreement")) is not None:
        return refused
    db = get_db()
    lines = agreements.claim_lines(db, case)
    form_class = agreement_form_class([line.id for _, line, _ in lines])
    if request.method == "GET":
        form = form_class(data=_agreement_data(db, case, lines))
    else:
        form = form_class()
    form.schedule_errors = []
    context = {"lines": [(worker, line, form[f"line-{line.id}"]) for worker, line, _ in lines]}

    if request.method == "POST" and form.add_instalment.data:  # works without JavaScript
        form.instalments.append_entry()
        return _render_agreement(case, form, context)

    def save():
        rows = [entry.form for entry in form.instalments if not entry.form.is_blank()]
        try:
            return agreements.save_agreement(
                db,
                case,
                current_user,
                terms=form.terms.data or "",
                payment_method=(form.payment_method.data or "").strip(),
                copies=form.copies.data,
                lines={line.id: form[f"line-{line.id}"].data for _, line, _ in lines},
                instalments=[(row.due_on.data, row.amount.data) for row in rows],
                parties_signed_on=form.parties_signed_on.data,
                mediator_signed_on=form.mediator_signed_on.data,
                centre_sealed_on=form.centre_sealed_on.data,
            )
        except RuleViolation as violation:
            raise RuleViolation(_place_schedule_errors(form, rows, violation)) from None

    signed = all(form[name].data for name in AgreementForm.SIGNATURES)
    return handle_case_form(
        case,
        form,
        save,
        "调解协议已生效，案件调解成功" if signed else "已保存调解协议（草稿，签名盖章齐全后生效）",
        template="cases/agreement.html",
        **_agreement_context(case, form, context),
    )


def _agreement_context(case: Case, form: AgreementForm, context: dict) -> dict:
    agreed = sum(field.data or 0 for field in form.line_fields())
    scheduled = sum(entry.form.amount.data or 0 for entry in form.instalments)
    return {**context, "agreed_total": agreed, "scheduled_total": scheduled, "title": "调解协议"}


def _render_agreement(case: Case, form: AgreementForm, context: dict):
    return render_template(
        "cases/agreement.html",
        form=form,
        case=case,
        user=current_user,
        **_agreement_context(case, form, context),
    )


# --- after the agreement: filings -----------------------------------------------------------


@bp.route("/<int:case_id>/filings", methods=["GET", "POST"])
@require(actions.BY_NAME["filings"].permission)
def filings(case_id: int):
    case = load_case(case_id)
    if (refused := refuse_action(case, "filings")) is not None:
        return refused
    db = get_db()
    current = agreements.agreement_of(db, case)
    form = FilingsForm(obj=current)
    windows = agreements.review_windows(current)
    intro = []
    if windows:
        intro.append(
            f"协议于{current.effective_on}生效。{agreements.review_windows_sentence(windows)}"
        )
    if payments.payment_order_possible(db, case, today()):
        intro.append(payments.PAYMENT_ORDER_NOTICE)

    def save():
        agreements.record_filings(
            db,
            case,
            current_user,
            review_filed_on=form.review_filed_on.data,
            review_result=form.review_result.data or "",
            confirmation_filed_on=form.confirmation_filed_on.data,
            confirmation_result=form.confirmation_result.data or "",
            payment_order_filed_on=form.payment_order_filed_on.data,
            payment_order_result=form.payment_order_result.data or "",
        )

    return handle_case_form(
        case,
        form,
        save,
        "已登记协议后续程序",
        title="仲裁审查 / 司法确认 / 支付令",
        intro="".join(intro),
    )


# --- payments -------------------------------------------------------------------------------


def _payment_page(case: Case, submitted: str):
    """The payment page with its two forms; `submitted` names the one this request handles."""
    if (refused := refuse_action(case, "payment")) is not None:
        return refused
    db = get_db()
    rows = payments.worker_amounts(db, case)
    current = agreements.agreement_of(db, case)
    outstanding = sum(row.outstanding_fen for row in rows)
    defaults = {"paid_on": today(), "method": (current.payment_method if current else "")[:32]}
    posted = request.method == "POST"
    if posted and submitted == "one":
        pay_form = PaymentForm()
    else:
        pay_form = PaymentForm(formdata=None, data={**defaults, "version": case.version})
    if posted and submitted == "all":
        all_form = PayAllForm(prefix="all")
    else:
        all_form = PayAllForm(
            formdata=None, prefix="all", data={**defaults, "version": case.version}
        )
    pay_form.worker_id.choices = select_choices(
        [
            (
                str(row.worker.id),
                f"{row.worker.name}（多付 {format_yuan(row.overpaid_fen)} 元）"
                if row.overpaid_fen
                else f"{row.worker.name}（尚欠 {format_yuan(row.outstanding_fen)} 元）",
            )
            for row in rows
        ],
        blank="请选择申请人",
    )
    context = {
        "rows": rows,
        "outstanding": outstanding,
        "agreement": current,
        "instalments": agreements.instalments_of(db, current),
        "state": payments.payment_state(db, case, today()),
        "pay_form": pay_form,
        "all_form": all_form,
        "title": "登记履行款项",
    }
    if submitted == "all":

        def operation():
            payments.pay_outstanding(
                db,
                case,
                current_user,
                paid_on=all_form.paid_on.data,
                method=all_form.method.data or "",
            )

        success = f"已登记全部申请人收到剩余款项，合计 {format_yuan(outstanding)} 元"
        return handle_case_form(
            case, all_form, operation, success, template="cases/payment.html", **context
        )

    def operation():
        worker = pay_form.worker_id.data or ""
        payments.record_payment(
            db,
            case,
            current_user,
            worker_id=parse_id(worker) or -1,
            amount_fen=pay_form.amount.data,
            paid_on=pay_form.paid_on.data,
            method=pay_form.method.data or "",
            note=pay_form.note.data or "",
        )

    success = f"已登记付款 {format_yuan(pay_form.amount.data or 0)} 元"
    return handle_case_form(
        case, pay_form, operation, success, template="cases/payment.html", **context
    )


@bp.route("/<int:case_id>/payments/new", methods=["GET", "POST"])
@require(actions.BY_NAME["payment"].permission)
def payment(case_id: int):
    return _payment_page(load_case(case_id), "one")


@bp.route("/<int:case_id>/payments/all", methods=["POST"])
@require(actions.BY_NAME["payment"].permission)
def pay_all(case_id: int):
    return _payment_page(load_case(case_id), "all")
