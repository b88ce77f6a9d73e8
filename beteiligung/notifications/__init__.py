"""Follows and notifications: who follows what, the notification centre, mails (immediately or as a digest)."""


def init_notifications(app):
    """The pages, the commands, and the kinds of notification (the core's and the plugins', checked now)."""
    from .cli import notifications_cli
    from .events import collect_kinds
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(notifications_cli)
    app.extensions["beteiligung.notification_kinds"] = collect_kinds(app)
