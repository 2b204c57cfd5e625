"""Routes: intake (调解申请登记), GET/POST /cases/new.

The worker table works without JavaScript: `add_row`, `remove_row` (value = row index) and
`paste_rows` re-render the form with everything kept and never save. Saving checks for repeat
claims first (open cases already naming one of the workers) and asks for confirmation.
"""

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from forms import select_choices
from forms.intake import AMOUNT_COLUMNS, MAX_WORKERS, IntakeForm, parse_pasted_rows
from mediation.cases.intake import (
    ClaimData,
    EmployerData,
    IntakeData,
    RepeatClaim,
    WorkerData,
    find_employer,
    repeat_claims,
    validate_intake,
)
from mediation.cases.intake import intake as register
from mediation.dates import today
from mediation.errors import RuleViolation
from mediation.identifiers import (
    InvalidIdentifier,
    mask_id_number,
    normalize_credit_code,
    normalize_id_number,
)
from mediation.logs import access
from mediation.logs.access import CaseRef
from mediation.money import InvalidAmount, parse_yuan
from mediation.permissions import Permission
from mediation.privacy import shows_personal_data
from models import AccessKind, Centre, ClaimKind, Role
from views.cases import bp
from views.db import get_db
from views.helpers import apply_violation, log_access, require, submit


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.CASE_CREATE)
def intake():
    db = get_db()
    chooses_centre = current_user.role == Role.ADMIN
    centres = _active_centres(db) if chooses_centre else []
    own_centre = None if chooses_centre else db.get(Centre, current_user.centre_id)
    if not chooses_centre and own_centre is None:
        abort(403)
    form = IntakeForm() if request.method == "POST" else IntakeForm(data={"received_on": today()})
    if chooses_centre:
        form.centre.choices = select_choices([(c.code, c.name) for c in centres], blank="请选择")
    else:
        del form.centre
    context = {"own_centre": own_centre, "repeats": [], "known_employer": None}

    if request.method == "POST" and edit_table(form):
        return _render(form, context, 200)
    if request.method == "GET":
        return _render(form, context, 200)
    if not form.validate():  # the domain's problems too, all at once
        data, positions = _intake_data(form)
        place_problems(form, RuleViolation(validate_intake(data, today())), positions)
        return _render(form, context, 422)

    centre = own_centre or next((c for c in centres if c.code == form.centre.data), None)
    if centre is None:
        form.centre.errors = [*form.centre.errors, "请选择调解中心"]
        return _render(form, context, 422)
    data, positions = _intake_data(form)
    claims = _repeat_claims(db, data, centre)
    context["repeats"] = _shown_repeats(db, claims)
    if claims and not form.confirm_repeat.data:
        return _render_repeats(form, context, claims)
    place = partial(place_problems, positions=positions)
    if registered := submit(form, lambda: register(db, current_user, centre, data), place=place):
        flash(f"已登记 {registered.value.number}", "success")
        return redirect(url_for("cases.detail", case_id=registered.value.id))
    return _render_repeats(form, context, claims)


def _active_centres(db) -> list[Centre]:
    return list(db.exec(select(Centre).where(Centre.active).order_by(Centre.id)))


def edit_table(form: IntakeForm) -> bool:
    """Apply the add/remove/paste buttons to the worker table; True when one was pressed."""
    rows = form.workers
    if form.add_row.data:
        if len(rows) < MAX_WORKERS:
            rows.append_entry()
        return True
    if "remove_row" in request.form:
        removed = request.form["remove_row"]
        if removed.isascii() and removed.isdigit() and int(removed) < len(rows):
            rows.pop_entry(int(removed))
        if not len(rows):
            rows.append_entry()
        return True
    if form.paste_rows.data:
        pasted = parse_pasted_rows(form.paste.data or "")
        if not pasted:
            form.paste.errors = [*form.paste.errors, "未识别到可填入的行"]
            return True
        if len(rows) == 1 and rows[0].form.is_blank():
            rows.pop_entry(0)
        room = MAX_WORKERS - len(rows)
        for values in pasted[:room]:
            rows.append_entry(values)
        if len(pasted) > room:
            form.paste.errors = [*form.paste.errors, f"每案最多{MAX_WORKERS}名申请人"]
        else:
            form.paste.data = ""
            flash(f"已填入{len(pasted)}行，请核对后保存", "info")
        return True
    return False


def _intake_data(form: IntakeForm) -> tuple[IntakeData, list[int]]:
    """The domain's input, and for each worker the index of the table row it came from."""
    kinds = {column: form.claim_kind(column) for column in AMOUNT_COLUMNS}
    workers, positions = [], []
    for index, row in enumerate(form.rows()):
        if row.is_blank():
            continue
        claims = [
            ClaimData(kinds[column], fen)
            for column, field in zip(AMOUNT_COLUMNS, row.amount_fields(), strict=True)
            if kinds[column] and (fen := cell_fen(field.data)) is not None
        ]
        workers.append(worker_data(row, claims))
        positions.append(index)
    data = IntakeData(
        channel=form.channel.data or "",
        received_on=form.received_on.data,
        category=form.category.data or "",
        application_form=form.application_form.data or "",
        oral_record=form.oral_record.data or "",
        employer=employer_data(form),
        workers=workers,
        facts=form.facts.data or "",
        requests=form.requests.data or "",
        new_employment=bool(form.new_employment.data),
        migrant_workers=bool(form.migrant_workers.data),
    )
    return data, positions


def cell_fen(text: str | None) -> int | None:
    """An amount typed in a cell, or None when blank or malformed (the form reports it)."""
    try:
        return parse_yuan(text) if (text or "").strip() else None
    except InvalidAmount:
        return None


def _repeat_claims(db, data: IntakeData, centre: Centre) -> list[RepeatClaim]:
    """Open cases already naming the workers typed (by ID number)."""
    numbers = []
    for worker in data.workers:
        try:
            numbers.append(normalize_id_number(worker.id_type, worker.id_number))
        except InvalidIdentifier:
            continue  # the domain reports it at the row
    return repeat_claims(db, numbers, centre_id=centre.id)


def _shown_repeats(db, claims: list[RepeatClaim]) -> list[tuple[str, str, str]]:
    """(name, id number as shown, cases) for workers named in open cases already; another
    centre's case by number and centre, the worker's name masked."""
    found: dict[tuple[str, str], list[str]] = {}
    for repeat in claims:
        found.setdefault((repeat.name, repeat.id_number), []).append(repeat.label)
    unmasked = shows_personal_data(db, current_user)
    return [
        (name, number if unmasked else mask_id_number(number), "、".join(case_numbers))
        for (name, number), case_numbers in found.items()
    ]


def _render_repeats(form: IntakeForm, context: dict, claims: list[RepeatClaim]):
    """The form again (422) with its repeat-claim warning, which names other cases and their
    workers: one access-log record per case named."""
    page = _render(form, context, 422)
    cases = {claim.case_id: CaseRef(claim.case_id, claim.case_number) for claim in claims}
    log_access(
        access.reads(get_db(), current_user, AccessKind.REPEAT_CLAIM, cases.values(), "登记时提示")
    )
    return page


def employer_data(form) -> EmployerData:
    """The employer's fields of intake and corrections alike, as the domain reads them."""
    return EmployerData(
        name=form.employer_name.data or "",
        credit_code=(form.employer_credit_code.data or "").strip(),
        legal_rep=form.employer_legal_rep.data or "",
        address=form.employer_address.data or "",
        phone=(form.employer_phone.data or "").strip(),
    )


def worker_data(row, claims: list[ClaimData]) -> WorkerData:
    """One row of the worker table (intake and corrections alike) as the domain reads it."""
    return WorkerData(
        name=(row.name.data or "").strip(),
        id_type=row.id_type.data,
        id_number=(row.id_number.data or "").strip(),
        phone=(row.phone.data or "").strip(),
        job=row.job.data or "",
        representative=bool(row.representative.data),
        claims=claims,
    )


def place_problems(form: IntakeForm, violation: RuleViolation, positions: list[int]) -> None:
    """Put the domain's problems on the form: `workers-<i>-<field>` at the row's cell (i counts
    the non-blank rows sent), `workers` on the form, the rest at their fields."""
    rows = form.rows()
    rest = []
    for name, message in violation.problems:
        parts = (name or "").split("-", 2)
        if name == "workers":
            form.form_errors.append(message)
        elif (
            len(parts) == 3 and parts[0] == "workers" and parts[1].isascii() and parts[1].isdigit()
        ):
            index = int(parts[1])
            if index >= len(positions):
                form.form_errors.append(message)
                continue
            row = rows[positions[index]]
            field = _cell_for(row, parts[2])
            if field is None:
                row.row_errors.append(message)
            else:
                field.errors = [*field.errors, message]
        else:
            rest.append((name, message))
    if rest:
        apply_violation(form, RuleViolation(rest))


def _cell_for(row, name: str):
    """The field of a row a domain problem belongs to; None for the row as a whole."""
    if name == "claims":
        return next((f for f in row.amount_fields() if (f.data or "").strip()), None)
    field = getattr(row, name, None)
    return field if hasattr(field, "errors") else None


def _known_employer(db, form: IntakeForm):
    name = (form.employer_name.data or "").strip()
    code = (form.employer_credit_code.data or "").strip()
    try:
        code = normalize_credit_code(code) if code else ""
    except InvalidIdentifier:
        code = ""
    return find_employer(db, name, code) if name or code else None


def _render(form: IntakeForm, context: dict, status: int):
    if request.method == "POST":
        context["known_employer"] = _known_employer(get_db(), form)
    filled = sum(1 for row in form.rows() if not row.is_blank())
    kinds = {kind.value: kind.label for kind in ClaimKind}
    columns = [(column, kinds.get(form.claim_kind(column), "")) for column in AMOUNT_COLUMNS]
    return render_template(
        "cases/intake.html",
        form=form,
        filled=filled,
        columns=columns,
        max_workers=MAX_WORKERS,
        **context,
    ), status
