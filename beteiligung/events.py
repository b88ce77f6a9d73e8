"""Platform events. Services emit them after a change; listeners (plugins) react.

Each event is a blinker signal named `<noun>_<past participle>`; the sender is the Flask app and
the keyword arguments are documented here. Listeners run inside the request's transaction.
"""

from blinker import Namespace
from flask import current_app

_signals = Namespace()

# consultation=Consultation, actor=User
consultation_published = _signals.signal("consultation_published")
# comment=Comment
comment_created = _signals.signal("comment_created")


def emit(signal, **kwargs):
    signal.send(current_app._get_current_object(), **kwargs)
