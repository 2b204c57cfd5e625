"""Routes: mediation sessions, the agreement, its follow-up filings and payments.

Each view loads the case in scope (404), checks the action's permission (403), is guarded by
`refuse_action` (the reason with 422 when the case does not admit the action; 403 for a user who
may not act on this case, a lawyer not assigned to it), then runs `handle_case_form`.
"""

import re
from datetime import datetime

from flask import abort, render_template, request
from flask_login import current_user

from forms.outcome import (
    AgreementForm,
    FilingsForm,
    SessionForm,
    agreement_form_class,
)
from mediation.cases import actions, agreements, payments, schedule
from mediation.cases.filings import record_filings
from mediation.cases.lifecycle import record_session
from mediation.dates import TZ, today
from mediation.errors import RuleViolation
from models import Case, Centre, MediationSession
from views.cases import bp, handle_case_form, load_case, refuse_action
from views.db import get_db
from views.helpers import apply_violation, require

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


def _workers(lines) -> list:
    """The workers with claim lines, in their order (the per-worker schedule's rows)."""
    seen = {}
    for worker, _, _ in lines:
        seen.setdefault(worker.id, worker)
    return list(seen.values())


def _columns(saved: dict[int, list]) -> int:
    """How many instalment columns the per-worker schedule shows: what is saved or was sent,
    one more when 增加一期 was pressed."""
    if request.method == "GET":
        return max([len(rows) for rows in saved.values()] or [1])
    sent = [
        int(match.group(1))
        for key in request.form
        if (match := re.fullmatch(r"(?:schedule-\d+|instalments)-(\d+)-(?:due_on|amount)", key))
    ]
    return max(sent, default=0) + 1 + bool(request.form.get("add_instalment"))


def _agreement_data(db, case: Case, lines, workers) -> tuple[dict, dict]:
    """What the agreement form shows when opened, and the per-worker schedule to show: the saved
    draft, or a starting point (after a reopening, the superseded agreement without its
    signature dates)."""
    current = agreements.agreement_of(db, case)
    previous = None if current else agreements.previous_agreement(db, case)
    before = agreements.agreed_by_line(db, previous)
    data = {
        f"line-{line.id}": before.get(line.id, line.claimed_fen) if agreed is None else agreed
        for _, line, agreed in lines
    }
    source = current or previous
    if source is None:
        data.update(
            terms=agreements.default_terms(db, case),
            payment_method="银行转账",
            copies=3,
            schedule_mode="same",
            instalments=[{"due_on": None, "amount": case.claimed_fen or None}],
        )
        return data, {}
    saved = schedule.schedule_of(db, source)
    agreed: dict[int, int] = {}
    for worker, line, _ in lines:
        agreed[worker.id] = agreed.get(worker.id, 0) + (data[f"line-{line.id}"] or 0)
    same = schedule.is_same_for_all(agreed, saved) if saved else []
    data.update(
        terms=source.terms,
        payment_method=source.payment_method,
        copies=source.copies,
        schedule_mode="same" if same is not None else "per_worker",
        instalments=[
            {"due_on": d.due_on, "amount": d.amount_fen}
            for d in agreements.instalments_of(db, source)
        ]
        or [{}],
    )
    if current is not None:
        data.update({name: getattr(current, name) for name in AgreementForm.SIGNATURES})
    for worker in workers:
        for column, (due_on, fen) in enumerate(saved.get(worker.id, [])):
            data[f"schedule-{worker.id}-{column}-due_on"] = due_on
            data[f"schedule-{worker.id}-{column}-amount"] = fen
    return data, saved


def _per_worker_rows(form: AgreementForm, workers, columns: int) -> tuple[dict[int, list], list]:
    """({worker id: [(column, date field, amount field), ...]} of the filled cells, problems): a
    cell with only one of its two fields filled is an error at the empty one; a cell the form
    could not read is left to the form's own error."""
    rows: dict[int, list] = {}
    missing = []
    for worker in workers:
        rows[worker.id] = []
        for column in range(columns):
            due, amount = form.cell(worker.id, column)
            if due.errors or amount.errors or (due.data is None and amount.data is None):
                continue
            if due.data is None:
                missing.append((due.name, "请填写付款期限"))
            elif amount.data is None:
                missing.append((amount.name, "请填写金额"))
            else:
                rows[worker.id].append((column, due, amount))
    return rows, missing


def _fill_per_worker(form: AgreementForm, lines, workers, columns: int) -> None:
    """「按统一安排填入逐人安排」: the same schedule for all, split by the agreed amounts typed,
    written into the per-worker cells to be edited."""
    agreed: dict[int, int] = {}
    for worker, line, _ in lines:
        agreed[worker.id] = agreed.get(worker.id, 0) + (form[f"line-{line.id}"].data or 0)
    dates = [
        (entry.form.due_on.data, entry.form.amount.data)
        for entry in form.instalments
        if entry.form.due_on.data and entry.form.amount.data
    ]
    days = [day for day, _ in dates]
    if (
        not dates
        or len(set(days)) < len(days)
        or sum(fen for _, fen in dates) != sum(agreed.values())
    ):
        form.schedule_errors.append(
            "统一安排各期均须填写期限和金额（期限不重复），合计须等于协议金额合计，才能按比例填入"
        )
        return
    split = schedule.split_schedule(agreed, dates)
    for worker in workers:
        owed = dict(split.get(worker.id, []))
        for column in range(columns):
            due, amount = form.cell(worker.id, column)
            day = days[column] if column < len(days) else None
            due.data, amount.data = (day, owed[day]) if day in owed else (None, None)
            due.raw_data = amount.raw_data = None
    form.schedule_mode.data = "per_worker"


def _place_schedule_errors(form: AgreementForm, rows, cells, violation: RuleViolation) -> list:
    """Put the domain's schedule problems on the schedule: `instalments`, `schedule` and
    `schedule-<worker>` above it or at the worker, `instalments-<i>-<field>` (i counts the
    non-blank rows sent) and `schedule-<worker>-<i>-<field>` (i counts the worker's filled
    cells) at the cell. Returns the other problems."""
    rest = []
    for name, message in violation.problems:
        parts = (name or "").split("-")
        field = None
        if name in ("instalments", "schedule"):
            form.schedule_errors.append(message)
            continue
        if len(parts) == 2 and parts[0] == "schedule" and parts[1].isdigit():
            form.worker_errors.setdefault(int(parts[1]), []).append(message)
            continue
        if (
            len(parts) == 3
            and parts[0] == "instalments"
            and parts[1].isascii()
            and parts[1].isdigit()
        ):
            index = int(parts[1])
            field = getattr(rows[index], parts[2], None) if index < len(rows) else None
        elif len(parts) == 4 and parts[0] == "schedule" and parts[1].isdigit():
            filled = cells.get(int(parts[1]), [])
            index = int(parts[2]) if parts[2].isdigit() else len(filled)
            if index < len(filled):
                _, due, amount = filled[index]
                field = due if parts[3] == "due_on" else amount
        if field is not None:
            field.errors = [*field.errors, message]
        else:
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
    workers = _workers(lines)
    data, saved = _agreement_data(db, case, lines, workers) if request.method == "GET" else ({}, {})
    columns = _columns(saved)
    form_class = agreement_form_class(
        [line.id for _, line, _ in lines], [w.id for w in workers], columns
    )
    form = form_class(data=data) if request.method == "GET" else form_class()
    form.schedule_errors, form.worker_errors = [], {}
    context = {
        "lines": [(worker, line, form[f"line-{line.id}"]) for worker, line, _ in lines],
        "workers": workers,
        "columns": columns,
    }

    if request.method == "POST" and form.add_instalment.data:  # works without JavaScript
        form.instalments.append_entry()
        return _render_agreement(case, form, context)
    if request.method == "POST" and form.fill_schedule.data:
        _fill_per_worker(form, lines, workers, columns)
        return _render_agreement(case, form, context)

    if request.method == "POST" and not form.validate():  # the domain's problems too, at once
        _place_domain_problems(db, case, form, lines, workers, columns)
        return _render_agreement(case, form, context), 422

    def save():
        rows, cells, problems, plan = _schedule_sent(form, workers, columns)
        if problems:  # named after their fields: placed as they are
            raise RuleViolation(problems)
        try:
            return agreements.save_agreement(
                db,
                case,
                current_user,
                terms=form.terms.data or "",
                payment_method=(form.payment_method.data or "").strip(),
                copies=form.copies.data,
                lines={line.id: form[f"line-{line.id}"].data for _, line, _ in lines},
                parties_signed_on=form.parties_signed_on.data,
                mediator_signed_on=form.mediator_signed_on.data,
                centre_sealed_on=form.centre_sealed_on.data,
                **plan,
            )
        except RuleViolation as violation:
            raise RuleViolation(_place_schedule_errors(form, rows, cells, violation)) from None

    signed = all(form[name].data for name in AgreementForm.SIGNATURES)
    return handle_case_form(
        case,
        form,
        save,
        "调解协议已生效，案件调解成功" if signed else "已保存调解协议（草稿，签名盖章齐全后生效）",
        template="cases/agreement.html",
        **_agreement_context(case, form, context),
    )


def _schedule_sent(form: AgreementForm, workers, columns: int):
    """The schedule as sent, without what the form could not read: (the same-for-all rows, the
    per-worker cells, problems of half-filled cells, the plan for save_agreement)."""
    rows = [
        entry.form
        for entry in form.instalments
        if not entry.form.is_blank() and not entry.form.errors
    ]
    if form.per_worker:
        cells, problems = _per_worker_rows(form, workers, columns)
        per_worker = {
            worker_id: [(due.data, amount.data) for _, due, amount in filled]
            for worker_id, filled in cells.items()
        }
        return rows, cells, problems, {"per_worker": per_worker}
    return rows, {}, [], {"instalments": [(row.due_on.data, row.amount.data) for row in rows]}


# Problems judged against the agreed amounts: unsound while one of them could not be read.
_AGAINST_AGREED = re.compile(r"instalments|schedule-\d+|line-\d+")


def _place_domain_problems(db, case: Case, form: AgreementForm, lines, workers, columns) -> None:
    """Beside the form's own errors, the domain's problems with what the form could read (the
    schedule, dates, amounts), so that every error shows at once."""
    readable = {
        line.id: form[f"line-{line.id}"].data
        for _, line, _ in lines
        if form[f"line-{line.id}"].data is not None
    }
    rows, cells, problems, plan = _schedule_sent(form, workers, columns)
    found, _, _ = agreements.check_agreement(
        db,
        case,
        terms=form.terms.data or "",
        copies=form.copies.data,
        lines=readable,
        instalments=plan.get("instalments"),
        per_worker=plan.get("per_worker"),
        signed={name: form[name].data for name in AgreementForm.SIGNATURES},
        today=today(),
    )
    if len(readable) < len(lines):
        found = [(name, m) for name, m in found if not _AGAINST_AGREED.fullmatch(name or "")]
    rest = _place_schedule_errors(form, rows, cells, RuleViolation(found))
    apply_violation(form, RuleViolation(problems + rest))


def _agreement_context(case: Case, form: AgreementForm, context: dict) -> dict:
    agreed = sum(field.data or 0 for field in form.line_fields())
    scheduled = sum(entry.form.amount.data or 0 for entry in form.instalments)
    by_worker: dict[int, int] = {}
    for worker, _, field in context["lines"]:
        by_worker[worker.id] = by_worker.get(worker.id, 0) + (field.data or 0)
    return {
        **context,
        "agreed_total": agreed,
        "scheduled_total": scheduled,
        "agreed_by_worker": by_worker,
        "title": "调解协议",
    }


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
        record_filings(
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
