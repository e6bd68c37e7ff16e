import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    insert,
    literal,
    select,
)
from sqlalchemy.exc import OperationalError

from app.database import DriverStatement


def test_an_unreachable_database_is_an_operational_error():
    engine = create_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    with pytest.raises(OperationalError):
        DriverStatement(select(literal(1))).first(engine, {})


def test_elsewhere_the_statement_runs_through_sqlalchemy_in_autocommit(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    notes = Table(
        "notes", MetaData(), Column("id", Integer, primary_key=True), Column("text", String)
    )
    notes.metadata.create_all(engine)
    DriverStatement(insert(notes).values(text=bindparam("text"))).execute(engine, {"text": "hi"})
    found = DriverStatement(select(notes.c.text).where(notes.c.id == bindparam("id")))
    assert found.first(engine, {"id": 1}) == ("hi",)
    assert found.first(engine, {"id": 2}) is None
