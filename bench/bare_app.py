"""The yardstick for the load test: a bare Flask page rendering a 50-row template."""

from flask import Flask, render_template_string

TEMPLATE = """<!doctype html><html lang="zh-CN"><head><title>案件</title></head><body>
<table>{% for row in rows %}<tr><td>{{ row.number }}</td><td>{{ row.employer }}</td>
<td>{{ row.status }}</td><td>{{ row.amount }}</td></tr>{% endfor %}</table></body></html>"""


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

    @app.route("/")
    def page():
        return render_template_string(TEMPLATE, rows=rows)

    return app
