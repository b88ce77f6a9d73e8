"""Participation processes: phases along the Smart-City workshop path, each holding instruments."""


def init_processes(app):
    """The kinds of instrument, the process templates (the core's and the plugins', checked now), the pages."""
    from ..plugins.runtime import get_registry
    from .instruments import install_kinds
    from .templates import install_templates
    from .views import bp

    install_kinds(app, get_registry(app))
    install_templates(app, get_registry(app))
    app.register_blueprint(bp)
