"""Flask extension instances, created unbound and initialised by the app factory."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Constraint names must be deterministic so that Alembic can alter them, on SQLite too.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
cache = Cache()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# The largest id an integer column holds (PostgreSQL's int4): larger ones name nothing and are refused
# before they reach the database (URLs, JSON ids, form values).
MAX_ID = 2**31 - 1


def savepoint():
    """``db.session.begin_nested()`` that is a real savepoint on SQLite too.

    Python's sqlite3 driver opens a transaction only before INSERT/UPDATE/DELETE; a SAVEPOINT that
    comes first would itself be the outermost transaction, and releasing it would commit everything
    at once. So on SQLite the outer transaction is begun first.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN")
    return db.session.begin_nested()
