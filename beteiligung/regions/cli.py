"""`flask --app wsgi regions create|list|update`, `regions admins …` and `regions moderators add|remove|list`.

The commands call the same services as the admin pages and the API (actor None: the operator),
so a slug is checked by the same rules and every change is audited.
"""

import click

from ..errors import DomainError
from ..extensions import db
from .views import bp

regions_cli = bp.cli
regions_cli.help = ("Regionen, ihre Administration und Moderation verwalten / manage regions, their "
                    "administrators and moderators.")


def _fail(error):
    db.session.rollback()
    details = "; ".join(f"{key}: {' '.join(messages)}" for key, messages in error.fields.items())
    raise click.ClickException(f"{error.message} {details}".strip()) from None


def _region(slug):
    from .services import get_region_by_slug

    region = get_region_by_slug(slug.strip().lower())
    if region is None:
        raise click.ClickException(f"Unbekannte Region: {slug}")
    return region


@regions_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Name der Region (2 bis 120 Zeichen).")
@click.option("--theme", default="", help="Schwerpunkt (höchstens 120 Zeichen).")
@click.option("--description", default="", help="Beschreibung (höchstens 5000 Zeichen).")
def create_command(slug, name, theme, description):
    """Create a region (SLUG: lower-case letters, digits and hyphens, used in addresses)."""
    from .services import create_region

    try:
        region = create_region(None, slug, name, theme, description)
        db.session.commit()
    except DomainError as error:
        _fail(error)
    click.echo(f"Region angelegt: {region.slug} ({region.name})")


@regions_cli.command("list")
def list_command():
    """Every region with its theme, enabled plugins and administrators."""
    from ..plugins.services import enabled_by_region
    from .services import list_regions

    regions = list_regions()
    if not regions:
        click.echo("Noch keine Regionen.")
        return
    enabled = enabled_by_region()
    for region in regions:
        plugins = ", ".join(sorted(enabled.get(region.id, ()))) or "–"
        admins = ", ".join(user.pseudonym for user in region.administrators) or "–"
        click.echo(f"{region.slug:<20} {region.name}  Schwerpunkt: {region.theme or '–'}  "
                   f"Plugins: {plugins}  Administration: {admins}")


@regions_cli.command("update")
@click.argument("slug")
@click.option("--slug", "new_slug", default=None, help="Neue Kurzbezeichnung (ändert die Adressen der Region).")
@click.option("--name", default=None, help="Neuer Name.")
@click.option("--theme", default=None, help="Neuer Schwerpunkt (leer: keiner).")
@click.option("--description", default=None, help="Neue Beschreibung (leer: keine).")
def update_command(slug, new_slug, name, theme, description):
    """Change a region's settings; only the options given change."""
    from .services import update_region

    region = _region(slug)
    changes = {key: value for key, value in (("slug", new_slug), ("name", name), ("theme", theme),
                                             ("description", description)) if value is not None}
    if not changes:
        raise click.UsageError("Bitte mindestens eine Änderung angeben (--name, --theme, --description, --slug).")
    try:
        changed = update_region(None, region, changes)
        db.session.commit()
    except DomainError as error:
        _fail(error)
    if changed:
        click.echo(f"Region {region.slug} geändert: {', '.join(changed)}")
    else:
        click.echo(f"Region {region.slug}: keine Änderung.")


@regions_cli.group("admins")
def admins_cli():
    """Region administrators: they enable plugins and edit the settings of their region only."""


def _user(email):
    from ..admin.services import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"Kein Konto mit der E-Mail-Adresse {email}.")
    return user


def _apply(service, slug, email):
    """Run ``service(None, region, user)`` for the region SLUG and the account EMAIL, and commit."""
    region, user = _region(slug), _user(email)
    try:
        service(None, region, user)
        db.session.commit()
    except DomainError as error:
        _fail(error)
    return region, user


@admins_cli.command("add")
@click.argument("slug")
@click.argument("email")
def add_admin_command(slug, email):
    """Make the account with EMAIL an administrator of the region SLUG."""
    from .services import add_region_admin

    region, user = _apply(add_region_admin, slug, email)
    click.echo(f"{user.pseudonym} verwaltet jetzt die Region {region.name}.")


@admins_cli.command("remove")
@click.argument("slug")
@click.argument("email")
def remove_admin_command(slug, email):
    """Take the administration of the region SLUG away from the account with EMAIL."""
    from .services import remove_region_admin

    region, user = _apply(remove_region_admin, slug, email)
    click.echo(f"{user.pseudonym} verwaltet die Region {region.name} nicht mehr.")


@admins_cli.command("list")
@click.argument("slug")
def list_admins_command(slug):
    """The administrators of the region SLUG (pseudonym and e-mail: this is for the operator)."""
    region = _region(slug)
    if not region.administrators:
        click.echo(f"Die Region {region.name} hat noch keine Administration.")
    for user in region.administrators:
        click.echo(f"{user.pseudonym} <{user.email}>")


@regions_cli.group("moderators")
def moderators_cli():
    """Region moderators: they run consultations and polls and moderate comments in their regions."""


def _set_moderation(slug, email, moderator):
    from ..accounts.services import set_moderator

    region, user = _region(slug), _user(email)
    try:
        changed = set_moderator(None, user, region, moderator=moderator)
        db.session.commit()
    except DomainError as error:
        _fail(error)
    return region, user, changed


@moderators_cli.command("add")
@click.argument("slug")
@click.argument("email")
def add_moderator_command(slug, email):
    """Make the account with EMAIL a moderator of the region SLUG (a second time changes nothing)."""
    region, user, changed = _set_moderation(slug, email, True)
    if changed:
        click.echo(f"{user.pseudonym} moderiert jetzt die Region {region.name}.")
    else:
        click.echo(f"{user.pseudonym} moderiert die Region {region.name} bereits: keine Änderung.")


@moderators_cli.command("remove")
@click.argument("slug")
@click.argument("email")
def remove_moderator_command(slug, email):
    """Take the moderation of the region SLUG away from the account with EMAIL."""
    region, user, changed = _set_moderation(slug, email, False)
    if changed:
        click.echo(f"{user.pseudonym} moderiert die Region {region.name} nicht mehr.")
    else:
        click.echo(f"{user.pseudonym} moderiert die Region {region.name} nicht: keine Änderung.")


@moderators_cli.command("list")
@click.argument("slug")
def list_moderators_command(slug):
    """The moderators of the region SLUG (pseudonym and e-mail: this is for the operator)."""
    region = _region(slug)
    if not region.moderators:
        click.echo(f"Die Region {region.name} hat noch keine Moderation.")
    for user in region.moderators:
        click.echo(f"{user.pseudonym} <{user.email}>")
