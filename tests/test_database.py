import pytest
from sqlalchemy import create_engine, literal, select
from sqlalchemy.exc import OperationalError

from app.database import DriverStatement


def test_an_unreachable_database_is_an_operational_error():
    engine = create_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    with pytest.raises(OperationalError):
        DriverStatement(select(literal(1))).first(engine, {})
