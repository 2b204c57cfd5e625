"""The corrections page /cases/<id>/edit: looks like intake, saves corrections, keeps the input
on a stale form, shows every error at once with a summary, and only the right roles get it."""

from html.parser import HTMLParser

from sqlmodel import select

from conftest import resident_id
from models import AuditEvent, Case, Worker


class _FormValues(HTMLParser):
    """What a browser would post from the page's form, as it stands."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value", "y")
            else:
                self.values[name] = a.get("value") or ""
        elif tag == "select":
            self.select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea] += (
                data.lstrip("\n") if not self.values[self.textarea] else data
            )


def form_values(client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    parser = _FormValues()
    parser.feed(page.get_data(as_text=True))
    return parser.values


def test_correct_a_name_a_phone_a_claim_and_add_a_worker(client, login_as, db, make_case):
    case = make_case("NH-LS", workers=12)
    number = case.number
    login_as("mediator", "NH-LS")
    url = f"/cases/{case.id}/edit"
    values = form_values(client, url)
    assert values["workers-0-name"] == "职工1" and values["workers-0-amount_1"] == "10000.00"
    values |= {
        "workers-0-name": "梁敏",
        "workers-1-phone": "+86 139 1234 5678",
        "workers-2-amount_1": "12,000",
        "workers-12-name": "第十三人",
        "workers-12-id_number": resident_id(913),
        "workers-12-phone": "13700000013",
        "workers-12-amount_1": "3000",
        "workers-12-id_type": "resident",
    }
    response = client.post(url, data=values)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    case = db.get(Case, case.id)
    assert case.number == number and case.worker_count == 13 and case.collective
    names = [
        w.name
        for w in db.exec(select(Worker).where(Worker.case_id == case.id).order_by(Worker.position))
    ]
    assert names[0] == "梁敏" and names[-1] == "第十三人"
    actions = {e.action for e in db.exec(select(AuditEvent).where(AuditEvent.case_id == case.id))}
    assert {"correct_worker", "add_worker"} <= actions
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "更正申请人 职工1 的姓名" in page and "更正登记信息" in page


def test_a_stale_form_is_refused_with_the_input_kept(client, login_as, make_case):
    case = make_case("NH-LS")
    login_as("mediator", "NH-LS")
    url = f"/cases/{case.id}/edit"
    stale = form_values(client, url)
    first = form_values(client, url) | {"facts": "先保存的更正"}
    assert client.post(url, data=first).status_code == 302
    response = client.post(url, data=stale | {"facts": "我的更正内容"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "已被他人修改" in page and "我的更正内容" in page


def test_every_error_at_once_with_a_summary_linking_to_each_field(client, login_as, make_case):
    case = make_case("NH-LS")
    login_as("mediator", "NH-LS")
    url = f"/cases/{case.id}/edit"
    values = form_values(client, url) | {
        "workers-0-amount_1": "12abc",
        "workers-1-id_number": "440605199001011234",
        "employer_name": "",
    }
    response = client.post(url, data=values)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page
    for field in ("workers-0-amount_1", "workers-1-id_number", "employer_name"):
        assert f'href="#{field}"' in page, field
    assert 'value="12abc"' in page


def test_who_may_open_the_corrections_page(client, login_as, make_case):
    case = make_case("NH-LS")
    login_as("district_supervisor", district="NH")
    assert client.get(f"/cases/{case.id}/edit").status_code == 403


def test_lawyers_get_403(client, login_as, make_case):
    case = make_case("NH-LS")
    login_as("lawyer", "NH-LS")
    assert client.get(f"/cases/{case.id}/edit").status_code == 403


def test_another_centres_mediator_gets_404(client, login_as, make_case):
    case = make_case("NH-LS")
    login_as("mediator", "CC-ZC")
    assert client.get(f"/cases/{case.id}/edit").status_code == 404


def test_a_closed_case_is_corrected_by_its_supervisor_with_a_reason(
    client, login_as, db, make_case
):
    from mediation.cases import lifecycle
    from models import User

    case = make_case("NH-LS")
    lifecycle.withdraw(db, case, db.get(User, case.created_by_id), case.received_on)
    login_as("centre_supervisor", "NH-LS")
    url = f"/cases/{case.id}/edit"
    values = form_values(client, url) | {"workers-0-name": "梁敏"}
    response = client.post(url, data=values)
    assert response.status_code == 422 and "须写明理由" in response.get_data(as_text=True)
    response = client.post(url, data=values | {"reason": "姓名笔误"})
    assert response.status_code == 302


def test_documents_printed_before_a_correction_are_marked_until_printed_again(
    client, login_as, make_case
):
    case = make_case("NH-LS", workers=2)
    login_as("mediator", "NH-LS")
    assert client.get(f"/cases/{case.id}/print/sheet").status_code == 200
    assert client.get(f"/cases/{case.id}/print/application.pdf").status_code == 200
    assert "已更正，需重新打印" not in client.get(f"/cases/{case.id}").get_data(as_text=True)

    url = f"/cases/{case.id}/edit"
    values = form_values(client, url) | {"workers-0-name": "梁敏"}
    assert client.post(url, data=values).status_code == 302

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    listed = page.split('id="documents"')[1].split("</section>")[0]
    marked = [line for line in listed.split("<li>") if "已更正，需重新打印" in line]
    assert len(marked) == 2  # the sheet and the application; nothing printed is not marked
    assert any("/print/sheet" in line for line in marked)
    assert any("/print/application" in line for line in marked)

    sheet = client.get(f"/cases/{case.id}/print/sheet").get_data(as_text=True)
    assert "梁敏" in sheet and "职工1" not in sheet  # printed again: the corrected data
    listed = client.get(f"/cases/{case.id}").get_data(as_text=True).split('id="documents"')[1]
    marked = [
        line for line in listed.split("</section>")[0].split("<li>") if "已更正，需重新打印" in line
    ]
    assert len(marked) == 1 and "/print/application" in marked[0]
