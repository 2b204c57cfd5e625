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
    os.umask(0o077)  # the database file, scans, backups and keys: readable by their owner only
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_defaults(app)
    register_proxy(app)
    register_extensions(app)
    configure_data_key(app)
    register_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_input_guard(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_cli(app)
    register_jobs(app)
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


def data_key_file(app: Flask) -> Path:
    return Path(app.config.get("DATA_KEY_FILE") or Path(app.instance_path) / "data_key")


def configure_data_key(app: Flask) -> None:
    """Use DATA_KEY (the setting or the environment), else instance/data_key, once it opens the
    database's key check; refuse to start otherwise (models.crypto). No key at all is fine only
    while nothing is encrypted: `init-db` then writes one."""
    from models import crypto

    text = app.config.get("DATA_KEY") or os.environ.get("DATA_KEY")
    key_file = data_key_file(app)
    if text:
        key = crypto.DataKey(text)
    elif key_file.exists():
        key = crypto.DataKey(key_file.read_text(), source=str(key_file))
    else:
        key = None
    engine = app.extensions["database"].engine
    try:
        crypto.check_data_key(engine, key, key_file)
    except crypto.DataKeyError:
        engine.dispose()
        raise
    crypto.install(crypto.KeyRing(key) if key else None)
    # The commands that make or replace the key (init-db, rotate-data-key) read where it lives.
    app.extensions["data_key"] = crypto.KeySetting(key, None if text else key_file)


def register_proxy(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address and scheme from the
    headers they set (and only from as many of them as there are proxies)."""
    proxies = app.config.get("TRUSTED_PROXIES") or 0
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


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
    from views.extensions import csrf, limiter, login_manager

    Database(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    register_message_channels(app)


def register_message_channels(app: Flask) -> None:
    """The outbox always; Tencent Cloud SMS when MESSAGE_CHANNEL asks for it; e-mail when
    SMTP_HOST is set."""
    import json

    from mediation.notices import outbox

    if app.config["MESSAGE_CHANNEL"] == "tencent_sms":
        from mediation.notices.sms import TencentSmsChannel, TencentSmsSettings

        templates = json.loads(app.config["SMS_TEMPLATES"] or "{}")
        settings = TencentSmsSettings(
            secret_id=app.config["SMS_SECRET_ID"],
            secret_key=app.config["SMS_SECRET_KEY"],
            app_id=app.config["SMS_APP_ID"],
            sign_name=app.config["SMS_SIGN_NAME"],
            templates={kind: (t["id"], t["params"]) for kind, t in templates.items()},
            region=app.config["SMS_REGION"],
            endpoint=app.config["SMS_ENDPOINT"],
            protocol=app.config["SMS_PROTOCOL"],
        )
        outbox.register(TencentSmsChannel(settings))
    if app.config["SMTP_HOST"]:
        from mediation.notices.mail import SmtpChannel, SmtpSettings

        if not app.config["MAIL_FROM"]:
            raise RuntimeError("SMTP_HOST is set but MAIL_FROM is not: the sender's address")
        outbox.register(
            SmtpChannel(
                SmtpSettings(
                    host=app.config["SMTP_HOST"],
                    port=app.config["SMTP_PORT"],
                    user=app.config["SMTP_USER"],
                    password=app.config["SMTP_PASSWORD"],
                    starttls=app.config["SMTP_STARTTLS"],
                    sender=app.config["MAIL_FROM"],
                )
            )
        )
    else:
        outbox.CHANNELS.pop(outbox.EMAIL_CHANNEL, None)
    # Messages over a real provider go by jobs (retried); the outbox delivers at once.
    queue = None
    if app.config["MESSAGE_CHANNEL"] != "outbox" or app.config["SMTP_HOST"]:
        from jobs.kinds import queue_delivery as queue
    outbox.configure(app.config["MESSAGE_CHANNEL"], app.config["PUBLIC_BASE_URL"], queue)


def register_blueprints(app: Flask) -> None:
    from views import (
        admin,
        api,
        attachments,
        auth,
        calendar,
        cases,
        employers,
        jobs,
        ledger,
        legal,
        letters,
        logs,
        main,
        online,
        registry,
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
        online,
        jobs,
        logs,
        letters,
        registry,
    ):
        app.register_blueprint(module.bp)
    app.request_class = ledger.LedgerRequest  # the ledger upload's own size limit
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
        429: "请求过于频繁，请稍后再试",
        500: "服务器内部错误，您的操作未保存，请稍后重试",
    }

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        message = messages.get(code, "请求无法处理")
        if code == 413 and request.endpoint == "ledger.index":
            from views.ledger import too_large

            message = too_large()
        elif code == 413:
            from views.attachments import upload_limits

            message = f"{message}：{upload_limits()}。请压缩或分开上传。"
        if code == 429 and getattr(error, "description", None):
            message = error.description  # the limit's own Chinese message
        if isinstance(error, CSRFError):
            from views.auth import keep_form_of_expired_login

            if (kept := keep_form_of_expired_login()) is not None:
                return kept
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


def register_jobs(app: Flask) -> None:
    """The job engine (jobs/queue.py): its broker, tasks and schedules."""
    from jobs import queue

    queue.init_app(app)


def register_cli(app: Flask) -> None:
    from cli import register_commands

    register_commands(app)
