"""The German labels of the proposals' values (translated when shown)."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {"submitted": _l("eingereicht"), "in_review": _l("in Prüfung"), "accepted": _l("angenommen"),
                 "rejected": _l("abgelehnt"), "implemented": _l("umgesetzt")}
STATE_LABELS = {"pending": _l("wartet auf Freigabe"), "published": _l("veröffentlicht"),
                "hidden": _l("ausgeblendet"), "merged": _l("zusammengeführt")}
SORT_LABELS = {"newest": _l("Neueste"), "supported": _l("Meiste Unterstützung"), "commented": _l("Meiste Beiträge"),
               "random": _l("Zufällig")}
