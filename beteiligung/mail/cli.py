"""Commands for operators: `flask worker` and `flask mail …`."""

import click
from flask import current_app
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="E-Mail-Zustellung / mail delivery.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Beenden, sobald die Warteschlange leer ist.")
def worker_command(burst):
    """Run the background worker (RQ on REDIS_URL): mails, notifications, other jobs."""
    from ..jobs import work

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL ist nicht gesetzt: ohne Redis laufen Hintergrundaufgaben im "
                                   "Anwendungsprozess, ein Worker ist nicht nötig.")
    click.echo(f"Worker für die Warteschlange {current_app.config['JOBS_QUEUE']} gestartet.")
    work(current_app._get_current_object(), burst=burst)


@mail_cli.command("deliver")
@click.option("--older-than", default=60, show_default=True, help="Nur Mails, die seit so vielen Sekunden warten.")
def deliver_command(older_than):
    """Send mails that are still waiting (their job was lost): run from cron, e.g. every 5 minutes."""
    from .delivery import deliver_waiting

    sent, failed = deliver_waiting(older_than_seconds=older_than)
    click.echo(f"{sent} Mails zugestellt, {failed} nicht zugestellt.")


def register(app):
    app.cli.add_command(worker_command)
    app.cli.add_command(mail_cli)
