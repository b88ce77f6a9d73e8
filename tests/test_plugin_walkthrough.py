"""The walk-through of docs/plugins.md, run for real: generate a plugin, install it, migrate, enable it, run its
own tests, disable it, and take its tables away again – each step a command in its own process.

The plugin is installed into a folder of its own (``pip install --target``) that only these processes see
(``PYTHONPATH``), never into the shared virtualenv; the database is a temporary SQLite file.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from beteiligung import create_app
from beteiligung.extensions import db
from beteiligung.testing.fixtures import make_test_config

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(os.environ.get("BETEILIGUNG_TEST_DB") == "postgresql",
                                reason="runs once, on SQLite: it builds and installs a package")



def in_process(database, *args):
    """A command of the core in this process (generating and creating a region need no installed plugin)."""
    app = create_app(make_test_config(f"sqlite:///{database}", BETEILIGUNG_PLUGINS=""))
    result = app.test_cli_runner().invoke(args=list(args))
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    return result.output


def create_region(database, slug, name):
    from beteiligung.regions.models import Region

    app = create_app(make_test_config(f"sqlite:///{database}", BETEILIGUNG_PLUGINS=""))
    with app.app_context():
        db.session.add(Region(slug=slug, name=name, theme="Digitale Daten", description=""))
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def walk(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in ("BETEILIGUNG_TEST_DB", "TEST_DATABASE_URL", "BETEILIGUNG_PLUGINS", "PYTHONPATH")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'walk.db'}", SECRET_KEY="walk-through",
               PYTHONPATH=str(tmp_path / "site"), PIP_DISABLE_PIP_VERSION_CHECK="1")

    def run(*args, check=True, cwd=tmp_path, extra=None):
        result = subprocess.run([sys.executable, *args], cwd=cwd, env=dict(env, **(extra or {})), text=True,  # noqa: S603 - our own interpreter, fixed arguments
                                capture_output=True, timeout=180)
        if check:
            assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
        return result

    def flask(*args, **kwargs):
        return run("-m", "flask", "--app", str(ROOT / "wsgi.py"), *args, **kwargs)

    return tmp_path, run, flask


def tables(path):
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_generate_install_migrate_enable_test_disable_downgrade(walk):
    tmp_path, run, flask = walk
    package = tmp_path / "beteiligung-walk"

    database = tmp_path / "walk.db"
    new = in_process(database, "plugins", "new", "walk", "--path", str(package), "--title", "Walkstadt digital",
                     "--region", "walkstadt")
    assert "Das Plugin walk liegt jetzt in" in new

    run("-m", "pip", "install", "--quiet", "--no-deps", "--target", str(tmp_path / "site"), str(package))
    assert (tmp_path / "site" / "beteiligung_walk" / "migrations" / "walk_0001_entries.py").exists()

    flask("db", "upgrade")
    assert {"regions", "polls", "walk_entries"} <= tables(database)
    create_region(database, "walkstadt", "Walkstadt")

    only_walk = {"BETEILIGUNG_PLUGINS": "walk"}  # faster: the other installed plugins stay unloaded
    enabled = flask("plugins", "enable", "walk", "--region", "walkstadt", extra=only_walk)
    assert "walk ist in Walkstadt jetzt aktiviert." in enabled.stdout

    # The plugin's own tests, as its author runs them (schemathesis' pytest plugin only costs start-up time).
    tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:schemathesis", "tests", cwd=package,
                check=False)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout and "failed" not in tests.stdout and "skipped" not in tests.stdout

    disabled = flask("plugins", "disable", "walk", "--region", "walkstadt", extra=only_walk)
    assert "walk ist in Walkstadt jetzt deaktiviert." in disabled.stdout

    flask("db", "downgrade", "walk@base")
    left = tables(database)
    assert "walk_entries" not in left
    assert {"regions", "polls", "comments", "region_plugins"} <= left
