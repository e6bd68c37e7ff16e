"""Statements on hot paths, compiled once and run on the driver's own cursor."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError


class DriverStatement:
    """A SQLAlchemy statement compiled once per dialect, run on the driver's cursor.

    PostgreSQL's hot paths (a send, a sign-in) run these: the statement is
    SQLAlchemy's, but the per-call work of its execution layer (contexts,
    result processing, an isolation level set and reset for autocommit) is
    skipped, and the connection runs in autocommit, so each statement is one
    round trip, atomic on its own. Parameters and results are the driver's
    own: ints, strings, booleans, None and timezone-aware datetimes.

    Elsewhere (SQLite, in process, where a call costs little) the statement
    runs through SQLAlchemy on a connection of its own in autocommit.
    """

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: dict[type, tuple[str, dict[str, Any]]] = {}

    def first(self, engine: Engine, params: dict[str, Any]) -> tuple | None:
        """The first row, or None."""
        return self._run(engine, params, fetch=True)

    def execute(self, engine: Engine, params: dict[str, Any]) -> None:
        self._run(engine, params, fetch=False)

    def _sql(self, engine: Engine) -> tuple[str, dict[str, Any]]:
        key = type(engine.dialect)
        compiled = self._compiled.get(key)
        if compiled is None:
            statement = self.statement.compile(dialect=engine.dialect)
            compiled = self._compiled[key] = (statement.string, dict(statement.params))
        return compiled

    def _run(self, engine: Engine, params: dict[str, Any], fetch: bool) -> tuple | None:
        if engine.dialect.name != "postgresql":
            return self._through_sqlalchemy(engine, params, fetch)
        sql, defaults = self._sql(engine)
        dbapi_error = engine.dialect.loaded_dbapi.Error
        try:
            connection = engine.raw_connection()
        except dbapi_error as exc:
            # As SQLAlchemy's own connect would: a database that cannot be
            # reached is an OperationalError, which the API answers with 503.
            raise DBAPIError.instance(None, None, exc, dbapi_error) from exc
        driver = connection.dbapi_connection
        cursor = None
        try:
            driver.autocommit = True
            cursor = driver.cursor()
            cursor.execute(sql, {**defaults, **params})
            return cursor.fetchone() if fetch else None
        except dbapi_error as exc:
            if engine.dialect.is_disconnect(exc, driver, cursor):
                connection.invalidate(exc)
            raise DBAPIError.instance(sql, params, exc, dbapi_error) from exc
        finally:
            if cursor is not None:
                cursor.close()
            if connection.is_valid:
                driver.autocommit = False
            connection.close()

    def _through_sqlalchemy(
        self, engine: Engine, params: dict[str, Any], fetch: bool
    ) -> tuple | None:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            result = connection.execute(self.statement, params)
            row = result.first() if fetch else None
        return tuple(row) if row is not None else None
