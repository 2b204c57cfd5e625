"""The yardsticks for the load test: bare Flask pages rendering a 50-row template.

`/` is the issue's yardstick: four columns. `/cases` has the case list's twelve columns per row
(link, badges, dates, amounts), so that the load test can also tell how much of the case list's
cost is its layout, filter form, login and database rather than its rows. Both templates are
files, compiled once and cached as Flask does for every real page (render_template_string would
compile them on every request and flatter the comparison).
"""

from datetime import date, timedelta

from flask import Flask, render_template


def create_app() -> Flask:
    app = Flask(__name__)
    rows = [
        {
            "number": f"(2024)南里调字第{i}号",
            "employer": "佛山市某公司",
            "status": "调解中",
            "amount": f"{i * 1000:,}.00",
        }
        for i in range(1, 51)
    ]

    received = date(2026, 11, 2)
    cases = [
        {
            "id": 5000 - i,
            "number": f"(2026)南里调字第{i}号",
            "status": "调解中",
            "employer": "佛山市南海区某某制衣有限公司",
            "workers": 1 + i % 4,
            "category": "劳动报酬",
            "channel": "现场申请",
            "received_on": received,
            "accepted_on": received + timedelta(days=1),
            "due_on": received + timedelta(days=16),
            "days_left": "剩3天",
            "claimed": f"{i * 1000:,}.00",
            "agreed": f"{i * 800:,}.00",
            "paid": f"{i * 400:,}.00",
        }
        for i in range(1, 51)
    ]

    @app.route("/")
    def page():
        return render_template("bare.html", rows=rows)

    @app.route("/cases")
    def case_rows():
        return render_template("bare_cases.html", rows=cases)

    return app
