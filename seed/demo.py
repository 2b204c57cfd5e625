"""Demo data for a first look: one user for every role, a lawyer roster, employers, the holiday
calendar and a few hundred cases in every state, made through the domain operations with
explicit dates so that each case's history is consistent.

The tables are in seed.data; the people, employers and claims are made by seed.people; this
module plays each case through its life; seed.legal carries failed mediations on to arbitration.
"""

import random
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from mediation.cases import agreements, assignment, lifecycle, payments
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.dates import TZ
from mediation.dates import now as local_now
from mediation.dates import today as local_today
from mediation.reference.calendar import load_official_days
from mediation.statistics.rollup import rebuilt_after
from models import Case, Channel, ClaimKind, FailureReason, Lawyer, User
from seed.data import (
    ARTICLE_ATTENDEES,
    ARTICLE_DAY,
    ARTICLE_EMPLOYER,
    ARTICLE_FACTS,
    ARTICLE_JOBS,
    ARTICLE_MINUTES,
    ARTICLE_PLACE,
    ARTICLE_REQUESTS,
    ARTICLE_TOTAL_FEN,
    ARTICLE_WAGES,
    ARTICLE_WOMEN,
    ARTICLE_WORKERS,
    CASES_PER_CENTRE,
    CENTRE_ROOMS,
    FAILURE_NOTES,
    HISTORY_DAYS,
    INDUSTRIES,
    LAWYERS,
    MIGRANT_REGIONS,
    PAYMENT_METHODS,
    RECENT_DAYS,
    RECENT_SHARE,
    REFUSAL_REASONS,
    SEED,
    WITHDRAW_NOTES,
    C,
)
from seed.legal import demo_legal_services
from seed.people import People, fake_id_number, fake_phone


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


class _DemoBuilder(People):
    """Plays cases through their lives on the registers People made."""

    # --- one case --------------------------------------------------------------------------

    def new_case(
        self,
        centre: str,
        received: date,
        *,
        workers: int | None = None,
        employer: EmployerData | None = None,
        industry_key: str | None = None,
        category: str | None = None,
    ) -> Case:
        data = self.application(
            centre,
            received,
            workers=workers,
            employer=employer,
            industry_key=industry_key,
            category=category,
        )
        actor = self._mediator(centre)
        case = intake(self.s, actor, self.centres[centre], data, today=received)
        self.count += 1
        return case

    def _mediator(self, centre: str) -> User:
        users = self.mediators[centre]
        if centre == "NH-LS" and self.mediator is not None and self.rng.random() < 0.8:
            return self.mediator
        return self.rng.choice(users)

    def _lawyer_for(self, case: Case) -> int | None:
        free = [s for s in assignment.suggest_lawyers(self.s, case) if not s.conflict]
        return free[0].lawyer.id if free else None

    # --- the steps of a case's life -----------------------------------------------------------

    def accept(self, case: Case, on: date, *, lawyer: bool = True, mediator: User | None = None):
        actor = mediator or self._mediator(self.centre_code(case))
        lifecycle.accept(self.s, case, actor, on, today=on)
        assignment.assign(self.s, case, actor, actor.id, self._lawyer_for(case) if lawyer else None)
        return actor

    def centre_code(self, case: Case) -> str:
        return next(code for code, c in self.centres.items() if c.id == case.centre_id)

    def hold_session(self, case: Case, actor: User, on: date, minutes: int | None = None):
        rng = self.rng
        centre = self.centres[self.centre_code(case)]
        duration = minutes or rng.choice((45, 60, 60, 90, 90, 120, 150))
        starts = _at(on, rng.choice((9, 10, 14, 15)), rng.choice((0, 30)))
        now = local_now()
        if starts > now:  # a session held today: it cannot have started later than now
            starts = max(now - timedelta(minutes=duration), _at(now.date(), 0))
        lifecycle.record_session(
            self.s,
            case,
            actor,
            starts,
            duration,
            f"{centre.name}{CENTRE_ROOMS}",
            f"申请人及委托代理人、被申请单位人事负责人、调解员{actor.name.split()[-1]}",
            "调解员告知双方权利义务，双方陈述争议事实并就请求事项逐项协商。",
        )

    def schedule_session(self, case: Case, actor: User, on: date, hour: int, minute: int = 0):
        centre = self.centres[self.centre_code(case)]
        lifecycle.record_session(
            self.s,
            case,
            actor,
            _at(on, hour, minute),
            None,
            f"{centre.name}{CENTRE_ROOMS}",
            "申请人、被申请单位代表",
            "",
        )

    def agree(
        self,
        case: Case,
        actor: User,
        on: date,
        share: float,
        schedule: list[int],  # days after `on` of each instalment
    ) -> list[tuple[date, int]]:
        rng = self.rng
        lines = {}
        for _worker, line, _ in agreements.claim_lines(self.s, case):
            agreed = int(line.claimed_fen * share) // 100 * 100
            lines[line.id] = agreed if agreed > 0 else line.claimed_fen
        total = sum(lines.values())
        parts = len(schedule) if total // len(schedule) >= 100_00 else 1
        schedule = schedule[:parts]
        amounts = [total // parts // 100 * 100] * (parts - 1)
        amounts.append(total - sum(amounts))
        instalments = [(on + timedelta(days=d), a) for d, a in zip(schedule, amounts, strict=True)]
        agreements.save_agreement(
            self.s,
            case,
            actor,
            terms=agreements.default_terms(self.s, case),
            payment_method=rng.choice(PAYMENT_METHODS),
            copies=3,
            lines=lines,
            instalments=instalments,
            parties_signed_on=on,
            mediator_signed_on=on,
            centre_sealed_on=on,
            today=on,
        )
        return instalments

    def pay(self, case: Case, actor: User, amount: int, on: date) -> None:
        """Record `amount` paid on `on`, worker by worker in their order on the case."""
        method = self.rng.choice(PAYMENT_METHODS)
        rows = payments.worker_amounts(self.s, case)
        if amount >= sum(row.outstanding_fen for row in rows):
            payments.pay_outstanding(self.s, case, actor, paid_on=on, method=method, today=on)
            return
        for row in rows:
            if amount <= 0:
                break
            part = min(row.outstanding_fen, amount)
            if part:
                payments.record_payment(
                    self.s,
                    case,
                    actor,
                    worker_id=row.worker.id,
                    amount_fen=part,
                    paid_on=on,
                    method=method,
                    today=on,
                )
                amount -= part

    # --- whole stories ---------------------------------------------------------------------

    def story(self, centre: str, received: date) -> None:
        """A case received on `received` and taken as far as its age allows."""
        rng = self.rng
        age = (self.today - received).days
        case = self.new_case(centre, received)
        if age <= 3:
            outcome = rng.choice(("received", "received", "accepted", "refused", "mediating"))
        elif age <= 20:
            outcome = rng.choice(
                ("mediating",) * 5 + ("succeeded",) * 3 + ("failed", "withdrawn", "accepted")
            )
        else:
            outcome = rng.choices(
                ("succeeded", "failed", "withdrawn", "refused", "voided", "mediating"),
                weights=(45, 26, 10, 8, 2, 1 if age > 45 else 15),
            )[0]
        self.play(case, outcome)

    def _day(self, start: date, low: int, high: int) -> date:
        return min(start + timedelta(days=self.rng.randint(low, high)), self.today)

    def play(self, case: Case, outcome: str) -> None:
        rng = self.rng
        received = case.received_on
        if outcome == "received":
            return
        if outcome == "refused":
            on = self._day(received, 1, 3)
            reason = rng.choice(REFUSAL_REASONS)
            actor = self._mediator(self.centre_code(case))
            lifecycle.refuse(self.s, case, actor, on, reason, today=on)
            return
        if outcome == "voided":
            on = self._day(received, 0, 2)
            actor = self._mediator(self.centre_code(case))
            lifecycle.void(self.s, case, actor, "重复登记（同一申请已另行登记）", today=on)
            return
        accepted = self._day(received, 0, 2)
        actor = self.accept(case, accepted, lawyer=outcome != "accepted" and rng.random() < 0.88)
        if outcome == "accepted":
            return
        closing = self._day(accepted, 2, 14)
        if outcome == "succeeded" and rng.random() < 0.12 and accepted + timedelta(26) < self.today:
            consent = accepted + timedelta(days=rng.randint(10, 14))
            lifecycle.extend(self.s, case, actor, consent, 15, today=consent)
            closing = self._day(accepted, 17, 28)
        if outcome == "mediating":  # sessions held so far (today's are on the mediator's list)
            held = {self._day(accepted, 1, 10) for _ in range(rng.randint(0, 2))}
            for day in sorted(d for d in held if d < self.today):
                self.hold_session(case, actor, day)
            return
        if outcome == "withdrawn":
            if rng.random() < 0.5:
                self.hold_session(case, actor, self._day(accepted, 1, 5))
            on = max(closing, accepted)
            lifecycle.withdraw(self.s, case, actor, on, rng.choice(WITHDRAW_NOTES), today=on)
            return
        sessions = rng.randint(1, 3)
        for i in range(sessions - 1):
            self.hold_session(case, actor, accepted + (closing - accepted) * (i + 1) // sessions)
        if outcome == "failed":
            if rng.random() < 0.7:
                self.hold_session(case, actor, closing)
            reason = rng.choices(list(FailureReason), weights=(35, 30, 15, 12, 8))[0]
            applied = closing + timedelta(days=rng.randint(2, 25))
            applied = applied if rng.random() < 0.6 and applied <= self.today else None
            lifecycle.fail(
                self.s,
                case,
                actor,
                closing,
                reason.value,
                FAILURE_NOTES[reason],
                arbitration_applied_on=applied,
                today=applied or closing,
            )
            return
        # succeeded
        self.hold_session(case, actor, closing)
        self.settle(case, actor, closing)

    def settle(self, case: Case, actor: User, on: date, state: str | None = None) -> None:
        """Agreement on `on`, then payments: performed, pending (instalments still to come)
        or in default (an instalment past due and unpaid)."""
        rng = self.rng
        age = (self.today - on).days
        if state is None:
            state = rng.choices(("performed", "pending", "in_default"), weights=(82, 8, 10))[0]
        if state == "in_default" and age < 2:
            state = "pending"
        if state == "pending":
            step = max((age + 60) // 3, 20)
            schedule = [0, step, 2 * step, 3 * step]
        elif state == "in_default":
            first = rng.randint(0, min(age - 1, 20))
            schedule = [first, first + 30, first + 60]
        elif case.claimed_fen > 60_000_00 or rng.random() < 0.3:
            schedule = [0, 30, 60]
        else:
            schedule = [rng.choice((0, 0, 3, 7))]
        instalments = self.agree(case, actor, on, rng.uniform(0.55, 1.0), schedule)
        fallen_due = [(due, amount) for due, amount in instalments if due < self.today]
        if state == "performed" and case.worker_count > 1:  # paid in full on the last date
            self.pay(case, actor, case.agreed_fen, min(instalments[-1][0], self.today))
        elif state == "performed":
            for due, amount in instalments:
                self.pay(case, actor, amount, min(due, self.today))
        elif state == "pending":
            for due, amount in fallen_due:
                self.pay(case, actor, amount, due)
        else:  # in default: the last instalment that fell due was not paid
            for due, amount in fallen_due[:-1]:
                self.pay(case, actor, amount, due)

    # --- the article's case and the demo mediator's day ------------------------------------

    def article_case(self) -> Case:
        """The article's case (seed.data ARTICLE_*): settled and paid on the day."""
        on = ARTICLE_DAY
        wages = [*ARTICLE_WAGES, ARTICLE_TOTAL_FEN - sum(ARTICLE_WAGES)]
        industry = INDUSTRIES["printing"]
        rng = self.rng
        workers = [
            WorkerData(
                name=name,
                id_number=fake_id_number(
                    rng, rng.choice(MIGRANT_REGIONS), name in ARTICLE_WOMEN, on
                ),
                phone=fake_phone(rng),
                job=job,
                representative=index == 0,
                claims=[ClaimData(ClaimKind.WAGES, fen)],
            )
            for index, (name, fen, job) in enumerate(
                zip(ARTICLE_WORKERS, wages, ARTICLE_JOBS, strict=True)
            )
        ]
        employer = next(e for e, _ in self.employer_data["NH"] if e.name == ARTICLE_EMPLOYER)
        data = IntakeData(
            channel=Channel.WALK_IN,
            received_on=on,
            category=C.WAGES,
            employer=EmployerData(**vars(employer)),
            workers=workers,
            facts=ARTICLE_FACTS,
            requests=ARTICLE_REQUESTS,
            migrant_workers=True,
            new_employment=industry.new_employment,
        )
        actor = self.mediator or self._mediator("NH-LS")
        case = intake(self.s, actor, self.centres["NH-LS"], data, today=on)
        self.count += 1
        lawyer = self.s.exec(select(Lawyer).where(Lawyer.name == LAWYERS[0][0])).one()
        assignment.assign(self.s, case, actor, actor.id, lawyer.id)
        lifecycle.accept(self.s, case, actor, on, today=on)
        lifecycle.record_session(
            self.s,
            case,
            actor,
            _at(on, 9, 30),
            130,
            ARTICLE_PLACE,
            ARTICLE_ATTENDEES,
            ARTICLE_MINUTES,
        )
        agreements.save_agreement(
            self.s,
            case,
            actor,
            terms=agreements.default_terms(self.s, case),
            payment_method="银行转账",
            copies=3,
            lines={
                line.id: line.claimed_fen for _, line, _ in agreements.claim_lines(self.s, case)
            },
            instalments=[(on, ARTICLE_TOTAL_FEN)],
            parties_signed_on=on,
            mediator_signed_on=on,
            centre_sealed_on=on,
            today=on,
        )
        payments.pay_outstanding(
            self.s, case, actor, paid_on=on, method="银行转账", note="当场转账", today=on
        )
        return case

    def mediators_day(self) -> None:
        """Work on the demo mediator's desk today at Lishui: applications awaiting a decision,
        deadlines close or past, sessions today and instalments overdue."""
        t = self.today
        me = self.mediator or self._mediator("NH-LS")

        def ago(days: int) -> date:
            return t - timedelta(days=days)

        for days in (0, 1, 6):  # the last one is past the 3-working-day acceptance deadline
            self.new_case("NH-LS", ago(days))
        accepted_only = self.new_case("NH-LS", ago(2))
        self.accept(accepted_only, ago(1), lawyer=False, mediator=me)

        mediating = []
        for accepted_days in (5, 13, 15, 18, 24):
            case = self.new_case("NH-LS", ago(accepted_days + 1))
            self.accept(case, ago(accepted_days), mediator=me)
            self.hold_session(case, me, ago(accepted_days - 2))
            mediating.append(case)
        lifecycle.extend(self.s, mediating[-1], me, ago(12), 10, today=ago(12))  # due in 1 day
        for case, (hour, minute) in zip(mediating[:3], ((9, 30), (14, 30), (16, 0)), strict=True):
            self.schedule_session(case, me, t, hour, minute)
        self.schedule_session(mediating[3], me, t + timedelta(days=2), 10)
        collective = self.new_case("NH-LS", ago(3), workers=12, category=C.WAGES)
        self.accept(collective, ago(2), mediator=me)
        self.schedule_session(collective, me, t + timedelta(days=1), 9, 30)

        for received_days, state in ((45, "in_default"), (28, "in_default"), (9, "pending")):
            case = self.new_case("NH-LS", ago(received_days))
            self.accept(case, ago(received_days - 1), mediator=me)
            self.hold_session(case, me, ago(received_days - 4))
            self.settle(case, me, ago(received_days - 4), state=state)

        # Recently closed, one of each way (so that every status shows whatever the date).
        refused = self.new_case("NH-LS", ago(10))
        lifecycle.refuse(self.s, refused, me, ago(9), REFUSAL_REASONS[0], today=ago(9))
        voided = self.new_case("NH-LS", ago(4))
        lifecycle.void(self.s, voided, me, "重复登记（同一申请已另行登记）", today=ago(4))
        withdrawn = self.new_case("NH-LS", ago(20))
        self.accept(withdrawn, ago(19), mediator=me)
        lifecycle.withdraw(self.s, withdrawn, me, ago(12), WITHDRAW_NOTES[0], today=ago(12))
        failed = self.new_case("NH-LS", ago(30))
        self.accept(failed, ago(29), mediator=me)
        self.hold_session(failed, me, ago(25))
        reason = FailureReason.NO_AGREEMENT
        lifecycle.fail(
            self.s,
            failed,
            me,
            ago(14),
            reason.value,
            FAILURE_NOTES[reason],
            arbitration_applied_on=ago(8),
            today=ago(8),
        )


def _days_back(rng: random.Random, n: int) -> list[int]:
    """How many days before today each of n cases was received, oldest first."""
    spans = (RECENT_DAYS if rng.random() < RECENT_SHARE else HISTORY_DAYS for _ in range(n))
    return sorted((rng.randint(0, span) for span in spans), reverse=True)


def create_demo_cases(session: Session, today: date | None = None, seed: int = SEED) -> int:
    """Create the demo roster, employers, holiday calendar and cases; return how many cases.
    Does nothing (returns 0) when any case exists, so running it twice adds nothing."""
    if session.exec(select(Case.id).limit(1)).first() is not None:
        return 0
    today = today or local_today()
    load_official_days(session)
    builder = _DemoBuilder(session, today, seed)
    builder.users()
    builder.roster()
    builder.employers()
    # A few hundred cases written alone: the statistics rollup is recounted once at the end
    # instead of being adjusted on each of the thousands of flushes.
    with rebuilt_after(session):
        rng = builder.rng
        for code, n in CASES_PER_CENTRE.items():
            if code not in builder.centres or code not in builder.mediators:
                continue
            days_back = _days_back(rng, n)
            for received in (today - timedelta(days=d) for d in days_back):
                if received.weekday() >= 5:  # applications come in on working days
                    received -= timedelta(days=received.weekday() - 4)
                builder.story(code, received)
        if "NH-LS" in builder.mediators:  # the article's centre, and the demo mediator's
            builder.article_case()
            builder.mediators_day()
    demo_legal_services(session, today, builder.rng)
    session.flush()
    return builder.count
