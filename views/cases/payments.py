"""Routes: payments under the agreement. One page, two forms: one payment for one worker
(`/payments/new`), and one instalment for many workers at once (`POST /payments/all`: tick the
workers, amounts prefilled from the schedule, editable, or a column pasted from Excel; its
「全部尚欠」 choice is what 「全部付清」 was, and a POST carrying no worker fields still pays
everything outstanding).

Guarded like every case action (see views/cases/outcome.py)."""

from flask import render_template, request
from flask_login import current_user

from forms import select_choices
from forms.outcome import PayAllForm, PaymentForm, pay_all_form_class
from mediation.bounds import parse_id
from mediation.cases import actions, agreements, payments, schedule
from mediation.dates import today
from mediation.errors import RuleViolation
from mediation.money import InvalidAmount, fen_to_decimal, format_yuan, parse_yuan
from models import Case
from views.cases import bp, handle_case_form, load_case, refuse_action
from views.db import get_db
from views.helpers import require


def _prefill(form: PayAllForm, rows, choice: schedule.InstalmentChoice) -> None:
    """Tick the workers the chosen instalment pays and put their amounts in."""
    form.instalment.data = choice.key
    for row in rows:
        tick, amount = form.worker_fields(row.worker.id)
        fen = choice.amounts.get(row.worker.id, 0)
        tick.data, amount.data = bool(fen), (fen or None)
        tick.raw_data = amount.raw_data = None


def _pasted_amounts(form: PayAllForm, rows) -> dict[int, int]:
    """{worker id: fen} from a column pasted from Excel, one line per worker in the table's
    order; an empty line (or 0) is a worker not paid this time."""
    lines = (form.pasted.data or "").replace("\r\n", "\n").rstrip("\n").split("\n")
    if len(lines) != len(rows):
        raise RuleViolation(
            [("pasted", f"粘贴了{len(lines)}行金额，本案有{len(rows)}位申请人，须每人一行")]
        )
    amounts, problems = {}, []
    for number, (row, text) in enumerate(zip(rows, lines, strict=True), start=1):
        text = text.split("\t")[-1].strip()
        try:
            fen = parse_yuan(text) if text else 0
        except InvalidAmount as error:
            problems.append(("pasted", f"第{number}行（{row.worker.name}）：{error}"))
            continue
        if fen:
            amounts[row.worker.id] = fen
    if problems:
        raise RuleViolation(problems)
    return amounts


def _ticked_amounts(form: PayAllForm, rows, choice: schedule.InstalmentChoice) -> dict[int, int]:
    """{worker id: fen} of the ticked workers. A POST without any worker field (the old
    「全部付清」 form, a script) pays the chosen instalment, by default everything owed."""
    sent = any(key.startswith(("all-pay-", "all-amount-")) for key in request.form)
    if not sent:
        return {w: fen for w, fen in choice.amounts.items() if fen}
    amounts, missing = {}, []
    for row in rows:
        tick, amount = form.worker_fields(row.worker.id)
        if not tick.data:
            continue
        if amount.data is None:
            missing.append((amount.name.removeprefix("all-"), "请填写金额"))
        else:
            amounts[row.worker.id] = amount.data
    if missing:
        raise RuleViolation(missing)
    return amounts


def _payment_page(case: Case, submitted: str):
    """The payment page with its two forms; `submitted` names the one this request handles."""
    if (refused := refuse_action(case, "payment")) is not None:
        return refused
    db = get_db()
    rows = payments.worker_amounts(db, case)
    current = agreements.agreement_of(db, case)
    outstanding = sum(row.outstanding_fen for row in rows)
    plan = schedule.schedule_of(db, current)
    choices = schedule.instalment_choices(
        plan,
        {row.worker.id: row.agreed_fen for row in rows},
        {row.worker.id: row.paid_fen for row in rows},
    )
    by_key = {choice.key: choice for choice in choices}
    defaults = {"paid_on": today(), "method": (current.payment_method if current else "")[:32]}
    posted = request.method == "POST"
    if posted and submitted == "one":
        pay_form = PaymentForm()
    else:
        pay_form = PaymentForm(formdata=None, data={**defaults, "version": case.version})
    form_class = pay_all_form_class([row.worker.id for row in rows])
    if posted and submitted == "all":
        all_form = form_class(prefix="all")
        chosen = by_key.get(all_form.instalment.data or "all", choices[-1])
    else:
        all_form = form_class(
            formdata=None, prefix="all", data={**defaults, "version": case.version}
        )
        chosen = schedule.next_choice(choices)
    all_form.instalment.choices = select_choices(
        (c.key, f"{c.label}：{format_yuan(c.total_fen)} 元") for c in choices
    )
    if not (posted and submitted == "all") or all_form.refill.data:
        _prefill(all_form, rows, chosen)
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
        "plan": plan,
        "choices_data": {
            c.key: {str(w): str(fen_to_decimal(fen)) for w, fen in c.amounts.items() if fen}
            for c in choices
        },
        "state": payments.payment_state(db, case, today()),
        "pay_form": pay_form,
        "all_form": all_form,
        "title": "登记履行款项",
    }
    if submitted == "all":
        if all_form.refill.data:  # works without JavaScript: the amounts of another instalment
            return render_template(
                "cases/payment.html", form=all_form, case=case, user=current_user, **context
            )
        recorded = {}

        def operation():
            if (all_form.pasted.data or "").strip():
                amounts = _pasted_amounts(all_form, rows)
            else:
                amounts = _ticked_amounts(all_form, rows, chosen)
            recorded["fen"] = payments.record_payments(
                db,
                case,
                current_user,
                amounts=amounts,
                paid_on=all_form.paid_on.data,
                method=all_form.method.data or "",
                note=all_form.note.data or "",
            )
            recorded["workers"] = len(amounts)

        return handle_case_form(
            case,
            all_form,
            operation,
            lambda: (
                f"已登记{recorded['workers']}位申请人收到款项，"
                f"合计 {format_yuan(recorded['fen'])} 元"
            ),
            template="cases/payment.html",
            **context,
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
