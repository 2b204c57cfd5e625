"""Routes: corrections of the intake data, GET/POST /cases/<id>/edit.

The page looks like intake and reuses its worker table (add, remove and paste rows without
JavaScript). Every error is shown at once: when the form's own checks fail, the domain's checks
run on what could be read, so a malformed amount does not hide a wrong ID number.
"""

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.corrections import CorrectionForm
from forms.intake import AMOUNT_COLUMNS, MAX_WORKERS
from mediation.bounds import parse_id
from mediation.cases import corrections
from mediation.cases.intake import ClaimData
from mediation.dates import today
from mediation.errors import RuleViolation
from mediation.money import format_yuan
from mediation.permissions import Permission
from mediation.privacy import shows_personal_data
from models import ClaimKind
from views.cases import bp, load_case, refuse_action
from views.cases.intake import cell_fen, edit_table, employer_data, place_problems, worker_data
from views.db import get_db
from views.helpers import require, submit


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@require(Permission.CASE_WORK)
def edit(case_id: int):
    case = load_case(case_id)
    if (refused := refuse_action(case, "edit")) is not None:  # e.g. archived
        return refused
    if not corrections.may_correct(current_user, case):
        abort(403)
    db = get_db()
    if request.method == "GET":
        form = CorrectionForm(data=_form_data(corrections.current_data(db, case)))
        form.version.data = form.version.data or case.version  # refilled: the version it had
        return _render(case, form, 200)
    form = CorrectionForm()
    if edit_table(form):
        return _render(case, form, 200)
    valid = form.validate()
    data, positions = _correction_data(form, corrections.claim_kinds_of(db, case))
    if not valid:  # show the domain's problems too, all at once
        problems = corrections.problems_of(db, case, data, today())
        place_problems(form, RuleViolation(problems), positions)
        return _render(case, form, 422)
    version = parse_id(form.version.data)
    corrected = submit(
        form,
        lambda: corrections.correct(db, case, current_user, data, version),
        place=partial(place_problems, positions=positions),
    )
    if not corrected:
        return _render(case, form, 422)
    changed = corrected.value
    flash("已保存更正，变更已记入案件历史" if changed else "没有需要更正的内容", "success")
    return redirect(url_for("cases.detail", case_id=case.id))


def _form_data(data: corrections.CorrectionData) -> dict:
    kinds = data.claim_kinds
    columns = {kind: column for column, kind in zip(AMOUNT_COLUMNS, kinds, strict=False)}
    rows = []
    for row in data.workers:
        worker = row.data
        amounts = {}
        for claim in worker.claims:
            if claim.kind in columns:
                key = f"amount_{columns[claim.kind]}"
                amounts[key] = format_yuan(claim.claimed_fen).replace(",", "")
        rows.append(
            {
                "worker_id": str(row.worker_id),
                "name": worker.name,
                "id_type": worker.id_type,
                "id_number": worker.id_number,
                "phone": worker.phone,
                "job": worker.job,
                "representative": worker.representative,
                **amounts,
            }
        )
    return {
        "channel": data.channel,
        "application_form": data.application_form,
        "oral_record": data.oral_record,
        "received_on": data.received_on,
        "accepted_on": data.accepted_on,
        "category": data.category,
        "new_employment": data.new_employment,
        "migrant_workers": data.migrant_workers,
        "employer_name": data.employer.name,
        "employer_credit_code": data.employer.credit_code,
        "employer_legal_rep": data.employer.legal_rep,
        "employer_address": data.employer.address,
        "employer_phone": data.employer.phone,
        "facts": data.facts,
        "requests": data.requests,
        **{f"claim_kind_{c}": k for c, k in zip(AMOUNT_COLUMNS, kinds, strict=False)},
        **{f"claim_kind_{c}": "" for c in AMOUNT_COLUMNS[len(kinds) :]},
        "workers": rows,
    }


def _correction_data(form: CorrectionForm, stored_kinds: list[str]):
    """The domain's input (what could be read of it), and the table row of each worker."""
    kinds = {column: form.claim_kind(column) for column in AMOUNT_COLUMNS}
    known = {kind.value for kind in ClaimKind}
    workers, positions = [], []
    for index, row in enumerate(form.rows()):
        if row.is_blank():
            continue
        claims = [
            ClaimData(kinds[column], amount)
            for column, field in zip(AMOUNT_COLUMNS, row.amount_fields(), strict=True)
            if (field.data or "").strip()
            and kinds[column] in known
            and (amount := cell_fen(field.data)) is not None
        ]
        worker_id = (row.worker_id.data or "").strip()
        workers.append(corrections.WorkerEdit(parse_id(worker_id), worker_data(row, claims)))
        positions.append(index)
    chosen = [kind for kind in kinds.values() if kind in known]
    data = corrections.CorrectionData(
        channel=form.channel.data or "",
        received_on=form.received_on.data,
        accepted_on=form.accepted_on.data,
        category=form.category.data or "",
        application_form=form.application_form.data or "",
        oral_record=form.oral_record.data or "",
        employer=employer_data(form),
        workers=workers,
        claim_kinds=list(dict.fromkeys([*stored_kinds, *chosen])),
        facts=form.facts.data or "",
        requests=form.requests.data or "",
        new_employment=bool(form.new_employment.data),
        migrant_workers=bool(form.migrant_workers.data),
        reason=form.reason.data or "",
    )
    return data, positions


def _render(case, form: CorrectionForm, status: int):
    db = get_db()
    filled = sum(1 for row in form.rows() if not row.is_blank())
    kinds = {kind.value: kind.label for kind in ClaimKind}
    columns = [(column, kinds.get(form.claim_kind(column), "")) for column in AMOUNT_COLUMNS]
    return render_template(
        "cases/edit.html",
        case=case,
        form=form,
        filled=filled,
        columns=columns,
        max_workers=MAX_WORKERS,
        locked=corrections.locked_workers(db, case),
        closed=corrections.is_closed(case),
        personal_data=shows_personal_data(db, current_user, case),
    ), status
