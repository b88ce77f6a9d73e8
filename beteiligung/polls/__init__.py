"""Surveys and problem-definition polls: the engine that plugins contribute definitions and types to."""

from .registry import install


def init_question_types(app):
    """Install the app's registries of question types and poll templates (polls.registry), which the
    plugin registry has fed with the loaded plugins' contributions."""
    plugins = app.extensions["beteiligung.plugins"]
    install(app, plugins.question_types, plugins.poll_templates)
