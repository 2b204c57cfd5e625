"""online applications, one-time codes and the message outbox

- one_time_code: six-digit codes sent to a phone (only their keyed hash), with tries and expiry.
- online_application: what a worker typed on /apply, until the phone is proved (then a case).
- message: every message sent to anyone, over which channel, with its status; the recipient,
  the text and its values encrypted like the workers' phones (models/crypto.py), the recipient
  found by its lookup key.
- employer_reply: the employer's answer by the link sent to its mobile (agrees, reason, dates).
- rating: a worker's 1–5 rating of the service after closure, by the link in the closing notice.
- document_service: documents served electronically, with the moment each was opened.
- case_worker.notices_consent: the worker agreed to notices by SMS and electronic service.

Revision ID: 0020
Revises: 0018
Create Date: 2026-11-27 21:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString
Moment = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "one_time_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", String(length=16), nullable=False),
        sa.Column("subject", String(length=64), nullable=False),
        sa.Column("phone_key", String(length=128), nullable=False),
        sa.Column("code_hash", String(length=64), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("expires_at", Moment(), nullable=False),
        sa.Column("used_at", Moment(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_code")),
    )
    op.create_index(op.f("ix_one_time_code_subject"), "one_time_code", ["subject"])
    op.create_index(op.f("ix_one_time_code_phone_key"), "one_time_code", ["phone_key"])
    op.create_table(
        "online_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", String(length=64), nullable=False),
        sa.Column("reference", String(length=20), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("data", sa.String(), nullable=False),
        sa.Column("notices_consent", sa.Boolean(), nullable=False),
        sa.Column("remote_addr", String(length=64), nullable=False),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("submitted_at", Moment(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centre.id"], name=op.f("fk_online_application_centre_id_centre")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["mediation_case.id"],
            name=op.f("fk_online_application_case_id_mediation_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_application")),
        sa.UniqueConstraint("token", name=op.f("uq_online_application_token")),
        sa.UniqueConstraint("reference", name=op.f("uq_online_application_reference")),
    )
    op.create_index(op.f("ix_online_application_centre_id"), "online_application", ["centre_id"])
    op.create_index(op.f("ix_online_application_case_id"), "online_application", ["case_id"])
    op.create_index(op.f("ix_online_application_created_at"), "online_application", ["created_at"])
    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", String(length=32), nullable=False),
        sa.Column("channel", String(length=16), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("recipient_key", String(length=80), nullable=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("params", sa.String(), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", String(length=500), nullable=False),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("sent_at", Moment(), nullable=True),
        sa.Column("dedupe_key", String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["mediation_case.id"], name=op.f("fk_message_case_id_mediation_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_message_dedupe_key")),
    )
    op.create_index(op.f("ix_message_case_id"), "message", ["case_id"])
    op.create_index(op.f("ix_message_recipient_key"), "message", ["recipient_key"])
    op.create_index(op.f("ix_message_created_at"), "message", ["created_at"])


    op.create_table(
        "employer_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("token", String(length=64), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("sent_at", Moment(), nullable=False),
        sa.Column("answered_at", Moment(), nullable=True),
        sa.Column("agrees", sa.Boolean(), nullable=True),
        sa.Column("reason", String(length=500), nullable=False),
        sa.Column("proposed", sa.JSON(), nullable=False),
        sa.Column("contact_name", String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["mediation_case.id"], name=op.f("fk_employer_reply_case_id_mediation_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer_reply")),
        sa.UniqueConstraint("token", name=op.f("uq_employer_reply_token")),
    )
    op.create_index(op.f("ix_employer_reply_case_id"), "employer_reply", ["case_id"])
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=True),
        sa.Column("lawyer_id", sa.Integer(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("token", String(length=64), nullable=False),
        sa.Column("sent_at", Moment(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", String(length=500), nullable=False),
        sa.Column("answered_at", Moment(), nullable=True),
        sa.CheckConstraint(
            "score IS NULL OR score BETWEEN 1 AND 5", name=op.f("ck_rating_score_range")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["mediation_case.id"], name=op.f("fk_rating_case_id_mediation_case")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["case_worker.id"], name=op.f("fk_rating_worker_id_case_worker")
        ),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_rating_centre_id_centre")),
        sa.ForeignKeyConstraint(["mediator_id"], ["user.id"], name=op.f("fk_rating_mediator_id_user")),
        sa.ForeignKeyConstraint(["lawyer_id"], ["lawyer.id"], name=op.f("fk_rating_lawyer_id_lawyer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating")),
        sa.UniqueConstraint("token", name=op.f("uq_rating_token")),
    )
    for column in ("case_id", "worker_id", "centre_id", "mediator_id", "lawyer_id", "closed_on"):
        op.create_index(op.f(f"ix_rating_{column}"), "rating", [column])
    op.create_table(
        "document_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("doc_code", String(length=16), nullable=False),
        sa.Column("title", String(length=64), nullable=False),
        sa.Column("token", String(length=64), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("sent_at", Moment(), nullable=False),
        sa.Column("opened_at", Moment(), nullable=True),
        sa.Column("served_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["mediation_case.id"],
            name=op.f("fk_document_service_case_id_mediation_case"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["case_worker.id"],
            name=op.f("fk_document_service_worker_id_case_worker"),
        ),
        sa.ForeignKeyConstraint(
            ["served_by_id"], ["user.id"], name=op.f("fk_document_service_served_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_service")),
        sa.UniqueConstraint("token", name=op.f("uq_document_service_token")),
    )
    op.create_index(op.f("ix_document_service_case_id"), "document_service", ["case_id"])
    op.create_index(op.f("ix_document_service_worker_id"), "document_service", ["worker_id"])
    # Plain ALTER TABLE, not batch mode: SQLite's copy-and-rename would drop the name search's
    # triggers on case_worker.
    op.add_column(
        "case_worker",
        sa.Column("notices_consent", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("case_worker", "notices_consent")
    op.drop_table("document_service")
    op.drop_table("rating")
    op.drop_table("employer_reply")
    op.drop_table("message")
    op.drop_table("online_application")
    op.drop_table("one_time_code")
