"""``flask notifications run`` (cron, each minute) and ``flask notifications digest`` (cron, daily)."""

import click
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="Benachrichtigungen / notifications.")


@notifications_cli.command("run")
def run_command():
    """Announce what the clock caused: consultations and polls that opened, close in 48 hours or closed.

    Run it from cron each minute (after ``flask polls settle``); each event is emitted once, also when
    several hosts run it at the same time.
    """
    from ..jobs import run_pending
    from .schedule import run_due

    count = run_due()
    run_pending()
    click.echo(f"{count} Ereignisse benachrichtigt.")


@notifications_cli.command("digest")
def digest_command():
    """Mail each account its daily summary of the notifications it chose to get daily (cron, once a day)."""
    from ..jobs import run_pending
    from .schedule import send_digests

    count = send_digests()
    run_pending()
    click.echo(f"{count} Zusammenfassungen verschickt.")
