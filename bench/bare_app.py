"""The yardstick for the load test: a bare Flask page rendering a 50-row template.

The template is a file, compiled once and cached as Flask does for every real page
(render_template_string would compile it on every request and flatter the comparison).
"""

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

    @app.route("/")
    def page():
        return render_template("bare.html", rows=rows)

    return app
