"""Application factory: `flask --app app run`, `gunicorn 'app:create_app()'`."""

import os
from pathlib import Path

from flask import Flask, render_template, request

from config import Config


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_defaults(app)
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_input_guard(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def configure_defaults(app: Flask) -> None:
    """Fill DATABASE_URL and SECRET_KEY from instance/ when the environment leaves them out."""
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{app.instance_path}/mediation.sqlite3"
    key_file = Path(app.instance_path) / "secret_key"
    if not app.config.get("SECRET_KEY") and key_file.exists():
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    if not app.config.get("SECRET_KEY"):
        if not (app.debug or app.testing):
            raise RuntimeError(
                "SECRET_KEY is not set: export SECRET_KEY or write one to "
                f"{key_file} (`make run` does this once)."
            )
        app.config["SECRET_KEY"] = os.urandom(32).hex()


def register_converters(app: Flask) -> None:
    """`<int:…>` stops at the largest id the database holds: a larger one is 404, not a 500."""
    from werkzeug.routing import IntegerConverter

    from mediation.bounds import MAX_ID

    class RecordId(IntegerConverter):
        regex = r"[0-9]+"

        def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
            super().__init__(map, fixed_digits, min, max, signed)

    app.url_map.converters["int"] = RecordId


def register_extensions(app: Flask) -> None:
    from views.db import Database
    from views.extensions import csrf, login_manager

    Database(app)
    csrf.init_app(app)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    from views import (
        admin,
        api,
        attachments,
        auth,
        calendar,
        cases,
        employers,
        ledger,
        legal,
        main,
        reports,
        roster,
        sheets,
        stats,
        warnings,
    )

    for module in (
        main,
        auth,
        admin,
        cases,
        api,
        stats,
        sheets,
        attachments,
        ledger,
        roster,
        employers,
        calendar,
        legal,
        reports,
        warnings,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(reports.api_bp)
    app.register_blueprint(warnings.api_bp)


def register_errorhandlers(app: Flask) -> None:
    from flask import jsonify
    from flask_wtf.csrf import CSRFError

    messages = {
        400: "请求无效",
        403: "您没有权限访问此页面",
        404: "页面或记录不存在",
        405: "不支持的请求方式",
        413: "上传的文件过大",
        500: "服务器内部错误，您的操作未保存，请稍后重试",
    }

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        message = messages.get(code, "请求无法处理")
        if code == 413:
            from views.attachments import upload_limits

            message = f"{message}：{upload_limits()}。请压缩或分开上传。"
        if isinstance(error, CSRFError):
            message = "表单已过期或缺少安全令牌，请刷新页面后重新提交"
        if request.path.startswith("/api/"):
            return jsonify(error=code, message=message), code
        return render_template("errors/error.html", code=code, message=message), code

    for code in messages:
        app.register_error_handler(code, render_error)
    app.register_error_handler(CSRFError, render_error)


def register_input_guard(app: Flask) -> None:
    """A NUL character cannot be typed, and PostgreSQL refuses it in text: a request carrying
    one in its path, query string or form is 400, never stored nor a 500 (issue 15)."""
    from flask import abort

    @app.before_request
    def refuse_nul():
        sent = [request.path]
        for values in (request.args, request.form):
            sent += [value for _, found in values.lists() for value in found]
        if any("\x00" in value for value in sent):
            abort(400)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def register_template_helpers(app: Flask) -> None:
    from mediation.permissions import Permission, can
    from views.formatting import FILTERS

    app.jinja_env.filters.update(FILTERS)

    @app.context_processor
    def inject_permissions():
        from flask_login import current_user

        return {"can": lambda name: can(current_user, Permission(name)), "Permission": Permission}


def register_cli(app: Flask) -> None:
    from cli import register_commands

    register_commands(app)
