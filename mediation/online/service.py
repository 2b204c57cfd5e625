"""Electronic service (电子送达, with the party's consent, 法释〔2021〕23号): a document goes to a
worker as a link by SMS; it opens only after a one-time code sent to the same phone is entered,
and that moment is the time of service. The served copy masks every ID number and phone. The
送达回证 lists each electronic service with its channel, the times sent and opened, and the
recipient. Paper service is unchanged."""

import secrets

from sqlmodel import Session, select

from mediation import audit
from mediation.documents import case_documents as documents
from mediation.errors import RuleViolation
from mediation.notices import outbox
from models import Case, Centre, DocumentService, User, Worker, utcnow

# What a centre serves on the workers: the decision to accept, the agreement in force, the
# notice that mediation failed.
SERVABLE = ("acceptance", "agreement", "failure")
LINK_TEXT = "【{centre}】向您送达《{title}》（{number}），请打开链接并输入短信验证码查看：{url}"


def servable(session: Session, case: Case) -> list[tuple[str, str]]:
    """(code, title) of the documents that may be served on the case now."""
    return [
        (link.code, link.title)
        for link in documents.applicable(session, case)
        if link.code in SERVABLE and not link.draft
    ]


def consenting_workers(session: Session, case: Case) -> list[Worker]:
    return list(
        session.exec(
            select(Worker)
            .where(Worker.case_id == case.id, Worker.notices_consent, Worker.phone != "")
            .order_by(Worker.position, Worker.id)
        )
    )


def serve(
    session: Session, case: Case, actor: User, code: str, worker_ids: list[int]
) -> list[DocumentService]:
    """Send the document's link to each chosen worker who consented to electronic service."""
    titles = dict(servable(session, case))
    problems = []
    if code not in titles:
        problems.append(("doc", "该文书目前不能送达"))
    workers = [w for w in consenting_workers(session, case) if w.id in set(worker_ids)]
    if not workers:
        problems.append(("workers", "请选择同意电子送达且登记了手机号的申请人"))
    if problems:
        raise RuleViolation(problems)
    centre = session.get(Centre, case.centre_id)
    services = []
    for worker in workers:
        service = DocumentService(
            case_id=case.id,
            worker_id=worker.id,
            doc_code=code,
            title=titles[code],
            token=secrets.token_urlsafe(24),
            phone=worker.phone,
            served_by_id=actor.id,
        )
        session.add(service)
        session.flush()
        params = {
            "centre": centre.name,
            "title": service.title,
            "number": case.number,
            "url": outbox.public_url(f"/served/{service.token}"),
        }
        text = LINK_TEXT.format(**params)
        outbox.send(session, worker.phone, text, kind="service", case_id=case.id, params=params)
        services.append(service)
    names = "、".join(w.name for w in workers)
    audit.record_event(session, case, actor, "e_service", f"电子送达《{titles[code]}》：{names}")
    session.flush()
    return services


def open_service(session: Session, token: str) -> DocumentService | None:
    if not token or len(token) > 64:
        return None
    return session.exec(select(DocumentService).where(DocumentService.token == token)).first()


def mark_opened(session: Session, service: DocumentService) -> None:
    """The first opening after the code is the time of service; later ones change nothing."""
    if service.opened_at is None:
        service.opened_at = utcnow()
        session.add(service)
        case = session.get(Case, service.case_id)
        worker = session.get(Worker, service.worker_id)
        audit.record_event(
            session,
            case,
            None,
            "e_service_opened",
            f"{worker.name}查阅电子送达的《{service.title}》",
            actor_name=worker.name,
        )
        session.flush()


def record_consent(
    session: Session, case: Case, actor: User, worker: Worker, consents: bool
) -> None:
    """The mediator records a worker's consent to notices and electronic service (or its
    withdrawal), as the worker gave it; audited."""
    if worker.case_id != case.id:
        raise RuleViolation("该申请人不属于本案")
    if consents and not worker.phone:
        raise RuleViolation(f"{worker.name}没有登记手机号码，无法接收通知")
    if worker.notices_consent == consents:
        return
    worker.notices_consent = consents
    session.add(worker)
    verb = "同意" if consents else "撤回同意"
    audit.record_event(
        session, case, actor, "consent", f"{worker.name}{verb}接收短信通知和电子送达"
    )
    session.flush()
