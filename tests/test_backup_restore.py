"""The backup and restore of docs/operations.md ("Backups"), run as an operator would (issue 13, point 8):
migrate and fill a database with the CLI, dump it with pg_dump, restore it into an empty database with
pg_restore, and check that the restored installation holds the same rows and is ready (migrations at head).
PostgreSQL run only (it needs the server and its client programs)."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    os.environ.get("BETEILIGUNG_TEST_DB") != "postgresql" or not all(
        shutil.which(tool) for tool in ("pg_dump", "pg_restore", "createdb", "dropdb")),
    reason="PostgreSQL run with its client programs only")


def _run(args, env):
    args = [shutil.which(args[0]) or args[0], *args[1:]]
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert result.returncode == 0, f"{' '.join(args)}: {result.stdout[-2000:]} {result.stderr[-2000:]}"
    return result.stdout


def _counts(url):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sorted(inspect(connection).get_table_names())
            # The names come from the database's own catalogue, not from input.
            return {table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()  # noqa: S608
                    for table in tables}
    finally:
        engine.dispose()


def test_a_dump_restores_into_a_ready_installation(tmp_path):
    base = make_url(os.environ["TEST_DATABASE_URL"])
    names = [f"beteiligung_backup_{uuid.uuid4().hex[:8]}", f"beteiligung_restore_{uuid.uuid4().hex[:8]}"]
    source, target = (base.set(database=name) for name in names)
    pg = ["-h", base.host or "127.0.0.1", "-p", str(base.port or 5432), "-U", base.username or "postgres"]
    env = dict(os.environ, SECRET_KEY="backup-test", BETEILIGUNG_PLUGINS="", PGPASSWORD=base.password or "")
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    dump = tmp_path / "beteiligung.dump"
    for name in names:
        _run(["createdb", *pg, name], env)
    try:
        source_env = dict(env, DATABASE_URL=source.render_as_string(hide_password=False))
        _run([*flask, "db", "upgrade"], source_env)
        _run([*flask, "demo", "load"], source_env)
        # The two commands of docs/operations.md, "Backups".
        _run(["pg_dump", *pg, "--format=custom", f"--file={dump}", names[0]], env)
        _run(["pg_restore", *pg, "--no-owner", f"--dbname={names[1]}", str(dump)], env)

        before, after = _counts(source_env["DATABASE_URL"]), _counts(target.render_as_string(hide_password=False))
        assert after == before
        assert before["comments"] > 0 and before["proposals"] > 0 and before["users"] > 0
        target_env = dict(env, DATABASE_URL=target.render_as_string(hide_password=False))
        assert "(head)" in _run([*flask, "db", "current"], target_env)
        output = _run([*flask, "db", "upgrade"], target_env)  # nothing left to do
        assert "Running upgrade" not in output

        from beteiligung import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": target_env["DATABASE_URL"], "SECRET_KEY": "x",
                          "BETEILIGUNG_PLUGINS": "", "TESTING": True})
        ready = app.test_client().get("/readyz")
        assert ready.status_code == 200, ready.get_json()
        from beteiligung.extensions import db

        with app.app_context():
            db.engine.dispose()
    finally:
        for name in names:
            subprocess.run([shutil.which("dropdb"), *pg, "--if-exists", name], env=env,  # noqa: S603
                           capture_output=True, timeout=60)
