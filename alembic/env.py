"""Alembic environment: the schema comes from SQLModel metadata, migrations are the only way in."""

import os
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on SQLModel.metadata)
from models.db import make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _url() -> str:
    return (
        config.get_main_option("sqlalchemy.url")
        or os.environ.get("DATABASE_URL")
        or "sqlite:///instance/mediation.sqlite3"
    )


def _include_name(name, type_, _parent_names) -> bool:
    """SQLite's FTS5 search tables (and their shadow tables) are made by the search migration's
    own DDL, not from the models: autogenerate leaves them alone."""
    return not (type_ == "table" and name and "_fts" in name)


def _include_object(dialect: str):
    """The models' pg_trgm indexes exist on PostgreSQL only (`Index.ddl_if`, which autogenerate
    does not read): on SQLite the FTS5 tables do their work."""

    def include(obj, name, type_, _reflected, _compare_to) -> bool:
        return not (dialect != "postgresql" and type_ == "index" and str(name).endswith("_trgm"))

    return include


def _compare_type(context, _inspected, _metadata, inspected_type, metadata_type):
    """SQLite keeps text of any length whatever VARCHAR(n) says, so a length is no difference
    there (0015 widens the encrypted columns on PostgreSQL only); else Alembic's comparison."""
    metadata_impl = getattr(metadata_type, "impl", metadata_type)
    text_types = isinstance(inspected_type, sa.String) and isinstance(metadata_impl, sa.String)
    if context.dialect.name == "sqlite" and text_types:
        return False
    return None


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=_compare_type,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=_include_name,
        include_object=_include_object(connection.dialect.name),
    )


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
        include_name=_include_name,
        render_as_batch=url.startswith("sqlite"),
        include_object=_include_object("sqlite" if url.startswith("sqlite") else "postgresql"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
