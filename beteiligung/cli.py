"""Commands for operators: `flask --app wsgi users create …`, `flask --app wsgi demo load`."""

import click
from flask.cli import AppGroup

from .errors import DomainError
from .extensions import db

users_cli = AppGroup("users", help="Konten verwalten / manage accounts.")
demo_cli = AppGroup("demo", help="Demodaten / demo data.")
polls_cli = AppGroup("polls", help="Umfragen / polls.")


@polls_cli.command("settle")
def settle_polls_command():
    """Record polls that their dates opened or closed, and tell plugins (run it from cron, e.g. every minute).

    Pages and the API derive a poll's status from its dates and never write; this job records the
    change and fires poll_closed exactly once, even when several hosts run it at the same time.
    """
    from .polls.services import settle_due_polls

    changed = settle_due_polls()
    click.echo(f"{changed} Umfragen geöffnet oder beendet.")


@polls_cli.command("recount")
@click.option("--poll", "poll_id", type=int, help="Nur diese Umfrage (ID) / only this poll.")
@click.option("--check", is_flag=True, help="Nur vergleichen, nichts ändern / compare only, change nothing.")
def recount_polls_command(poll_id, check):
    """Count the results anew from the stored ballots and comparisons (after a bulk import), or --check them.

    Ballots and comparisons are counted as they arrive; this compares those counts with a full recount
    or rebuilds them. With --check it exits with 1 if any poll's counts differ.
    """
    from .polls.models import Poll
    from .polls.services import tallies

    polls = [db.session.get(Poll, poll_id)] if poll_id else db.session.scalars(db.select(Poll).order_by(Poll.id)).all()
    if polls == [None]:
        raise click.ClickException(f"Die Umfrage {poll_id} gibt es nicht.")
    differing = 0
    for poll in polls:
        found = tallies.differences(poll)
        if found:
            differing += 1
            click.echo(f"Umfrage {poll.id}: {len(found)} Abweichungen, z. B. {found[0][0]}: "
                       f"gezählt {found[0][1]}, neu gezählt {found[0][2]}")
        if not check:
            tallies.recount(poll)
    if check:
        click.echo(f"{len(polls)} Umfragen geprüft, {differing} mit Abweichungen.")
        if differing:
            raise SystemExit(1)
        return
    db.session.commit()
    click.echo(f"{len(polls)} Umfragen neu gezählt ({differing} wichen ab).")


@users_cli.command("create")
@click.argument("email")
@click.option("--password", required=True, help="Mindestens 10 Zeichen.")
@click.option("--pseudonym", required=True, help="Öffentlicher Name.")
@click.option("--role", type=click.Choice(["citizen", "moderator", "admin"]), default="citizen")
@click.option("--region", "regions", multiple=True, help="Kurzbezeichnung einer Region, die moderiert wird.")
def create_user_command(email, password, pseudonym, role, regions):
    """Create an account (operators accept the terms on the user's behalf)."""
    from .accounts.services import assign_moderator, register_user
    from .regions.services import get_region_by_slug

    try:
        found = []
        for slug in regions:
            region = get_region_by_slug(slug)
            if region is None:
                raise click.BadParameter(f"Unbekannte Region: {slug}", param_hint="--region")
            found.append(region)
        user = register_user(email, password, pseudonym, accepted_terms=True, role=role)
        for region in found:
            assign_moderator(user, region)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {', '.join(v)}" for k, v in error.fields.items())
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    click.echo(f"Konto angelegt: {user.pseudonym} (#{user.id}, {user.role})")


@users_cli.command("confirm")
@click.argument("email")
def confirm_user_command(email):
    """Confirm an account's e-mail address by hand (e.g. when the owner's mail never arrived); audited."""
    from .accounts.confirmation import confirm_by_operator

    user, changed = confirm_by_operator(email)
    if user is None:
        raise click.ClickException(f"Kein Konto mit der E-Mail-Adresse {email}.")
    db.session.commit()
    if changed:
        click.echo(f"E-Mail-Adresse von {user.pseudonym} (#{user.id}) bestätigt.")
    else:
        click.echo(f"Die E-Mail-Adresse von {user.pseudonym} (#{user.id}) war bereits bestätigt.")


@users_cli.command("purge-unconfirmed")
def purge_unconfirmed_command():
    """Delete accounts that did not confirm their address within UNCONFIRMED_ACCOUNT_DAYS (run it daily from cron)."""
    from .accounts.confirmation import delete_unconfirmed_accounts

    kept = []
    count = delete_unconfirmed_accounts(kept=kept)
    db.session.commit()
    click.echo(f"{count} unbestätigte Konten gelöscht.")
    if kept:
        for user_id, reason in kept:
            click.echo(f"Konto #{user_id} nicht gelöscht: {reason}", err=True)
        raise click.exceptions.Exit(1)


@users_cli.group("sessions")
def sessions_cli():
    """Sitzungen eines Kontos / an account's sessions."""


@sessions_cli.command("revoke")
@click.argument("email")
def revoke_sessions_command(email):
    """End every session of the account and delete its API tokens (e.g. after a stolen device)."""
    from sqlalchemy import func, select

    from .accounts.models import ApiToken, User
    from .accounts.services import end_other_sessions, normalize_email

    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise click.ClickException(f"Kein Konto mit der E-Mail-Adresse {email}.")
    tokens = db.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id))
    end_other_sessions(user)
    db.session.commit()
    click.echo(f"Alle Sitzungen von {user.pseudonym} (#{user.id}) beendet, {tokens} Zugangstoken gelöscht.")


@users_cli.command("reset-password")
@click.argument("email")
def reset_password_command(email):
    """Mail the account a link to set a new password (valid PASSWORD_RESET_MINUTES; the password stays
    as it is until the owner follows the link)."""
    from flask import current_app
    from sqlalchemy import select

    from .accounts.models import User
    from .accounts.recovery import send_reset_link
    from .accounts.services import normalize_email

    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise click.ClickException(f"Kein Konto mit der E-Mail-Adresse {email}.")
    send_reset_link(user)
    db.session.commit()
    click.echo(f"Link zum Zurücksetzen des Passworts an {user.email} geschickt (#{user.id}, gültig "
               f"{current_app.config['PASSWORD_RESET_MINUTES']} Minuten).")


@demo_cli.command("load")
def load_demo_command():
    """Load the demo regions, accounts, consultations and comments (idempotent)."""
    from .demo.loader import load_demo

    summary = load_demo()
    db.session.commit()
    click.echo(summary)


def register_cli(app):
    from .mail.cli import register as register_mail_cli

    register_mail_cli(app)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(polls_cli)
