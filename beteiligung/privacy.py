"""What the platform stores about people: one definition per kind of data (GDPR Art. 13 and 15).

Each ``DataCategory`` says what is stored, why (purpose and legal basis), how long, who sees it and
what happens to it when the account is deleted. Three places are made from these definitions and
from nothing else: the data export (``accounts.services.export_data``: one section per exported
category, named by its key and described in the export's ``about``), the privacy page
(``/konto/datenschutz``: one table per category) and the account page's deletion form (what goes
and what stays). Plugins add their own categories through the hook ``personal_data_categories``
(docs/plugins.md, "Personal data"); their keys are prefixed with the plugin's name
(``"<plugin>.<key>"``), as their export sections are.

Texts may name a setting as ``%(SESSION_IDLE_MINUTES)s``; ``describe`` fills in the app's value.
"""

import logging
from dataclasses import dataclass, field, replace

from flask import current_app
from flask_babel import lazy_gettext as _l

log = logging.getLogger("beteiligung.privacy")

#: The settings a definition's texts may name (``%(NAME)s``).
SETTINGS = ("API_TOKEN_DAYS", "SESSION_IDLE_MINUTES", "UNCONFIRMED_ACCOUNT_DAYS", "EMAIL_CONFIRM_HOURS",
            "IDEMPOTENCY_HOURS")
#: The parts of a definition that are shown, in the order of the privacy page's table.
FIELDS = ("data", "purpose", "legal_basis", "retention", "visible_to", "on_deletion")


@dataclass(frozen=True)
class DataCategory:
    """One kind of personal data.

    :param key: the name of the export section (``exported``) and of the privacy page's anchor;
        for a plugin the plugin prefixes it (``"<plugin>.<key>"``)
    :param title: a short heading (translated text)
    :param data: what is stored
    :param purpose: why
    :param legal_basis: on which legal ground (GDPR article)
    :param retention: how long
    :param visible_to: who sees it
    :param on_deletion: what happens when the account is deleted (goes, stays anonymous, …)
    :param stays: whether something of it stays (anonymous) when the account is deleted
    :param exported: whether the data export has a section of this key; ``False`` for data the
        platform cannot tie to the account in a useful way (a session cookie on the person's device)
    :param plugin: the plugin that declared it (set by the registry), ``None`` for the core
    :param columns: the core's columns that refer to accounts and hold this data (``"table.column"``);
        every such column of the core has a category (tests/test_privacy.py)
    """

    key: str
    title: object
    data: object
    purpose: object
    legal_basis: object
    retention: object
    visible_to: object
    on_deletion: object
    stays: bool = False
    exported: bool = True
    plugin: str | None = field(default=None, compare=False)
    columns: tuple = ()


PUBLIC_TASK = _l("Art. 6 Abs. 1 lit. e DSGVO mit § 3 DSG NRW (Beteiligung als öffentliche Aufgabe der Kommune)")
CONSENT_AND_TASK = _l("Art. 6 Abs. 1 lit. a DSGVO (Ihre Zustimmung bei der Registrierung) und lit. e DSGVO "
                      "(Beteiligung als öffentliche Aufgabe)")
SECURITY = _l("Art. 6 Abs. 1 lit. e DSGVO mit Art. 32 DSGVO (Sicherheit der Verarbeitung)")
UNTIL_DELETION = _l("Bis Sie Ihr Konto löschen.")

CORE_CATEGORIES = (
    DataCategory(
        key="account",
        title=_l("Konto"),
        data=_l("E-Mail-Adresse, öffentlicher Name (Pseudonym), Passwort nur als nicht umkehrbarer Hashwert "
                "(Argon2id), Rolle, Zeitpunkte der Registrierung, der Zustimmung zu den Nutzungsbedingungen und "
                "der Bestätigung der E-Mail-Adresse, Sprache, Einstellungen für Benachrichtigungen, Regionen, die "
                "Sie moderieren oder verwalten."),
        purpose=_l("Anmeldung, Zuordnung Ihrer Beiträge zu Ihrem Namen, Nachrichten an Sie (Bestätigung, "
                   "Passwort, Benachrichtigungen)."),
        legal_basis=CONSENT_AND_TASK,
        retention=_l("Bis Sie Ihr Konto löschen. Ein Konto, dessen E-Mail-Adresse nicht innerhalb von "
                     "%(UNCONFIRMED_ACCOUNT_DAYS)s Tagen bestätigt wurde, wird gelöscht."),
        visible_to=_l("Öffentlich: nur der Name. Die E-Mail-Adresse sehen nur Sie und die Administration der "
                      "Plattform."),
        on_deletion=_l("Wird gelöscht."),
        columns=("region_moderators.user_id", "region_admins.user_id", "notification_preferences.user_id"),
    ),
    DataCategory(
        key="comments",
        title=_l("Beiträge"),
        data=_l("Text, Zeitpunkt, Beteiligung und Abschnitt, auf den sich der Beitrag bezieht, Antworten, "
                "Bearbeitungen, Status (sichtbar, ausgeblendet, gelöscht) und ein Grund der Moderation."),
        purpose=_l("Die öffentliche Diskussion einer Beteiligung und ihre Auswertung durch die Kommune."),
        legal_basis=PUBLIC_TASK,
        retention=_l("Solange die Beteiligung besteht; Ihre Verbindung zum Beitrag bis Sie Ihr Konto löschen."),
        visible_to=_l("Öffentlich, mit Ihrem Namen, auch über die Programmierschnittstelle (API)."),
        on_deletion=_l("Die Beiträge bleiben stehen, damit Diskussionen verständlich bleiben, erscheinen aber "
                       "unter „Gelöschtes Konto“. Auf Wunsch wird auch ihr Text gelöscht; an seiner Stelle steht "
                       "dann „Dieser Beitrag wurde von der Verfasserin oder dem Verfasser gelöscht.“ Von der "
                       "Moderation ausgeblendete Beiträge behalten ihren Text als Beleg für die Moderation, ohne "
                       "Ihren Namen."),
        stays=True,
        columns=("comments.author_id",),
    ),
    DataCategory(
        key="votes",
        title=_l("Bewertungen von Beiträgen"),
        data=_l("Welchen Beitrag Sie mit „Zustimmen“ oder „Ablehnen“ bewertet haben, und wann."),
        purpose=_l("Eine Stimme je Person und Beitrag; die Sortierung nach Zustimmung."),
        legal_basis=PUBLIC_TASK,
        retention=UNTIL_DELETION,
        visible_to=_l("Nur Sie. Öffentlich ist allein die Summe der Bewertungen eines Beitrags."),
        on_deletion=_l("Wird gelöscht; die Summen der Beiträge werden neu gezählt."),
        columns=("comment_votes.user_id",),
    ),
    DataCategory(
        key="reports",
        title=_l("Meldungen"),
        data=_l("Welchen Beitrag Sie gemeldet haben, Ihre Begründung, wann, und wie die Moderation entschieden "
                "hat."),
        purpose=_l("Die Moderation prüft gemeldete Beiträge."),
        legal_basis=PUBLIC_TASK,
        retention=_l("Solange der gemeldete Beitrag besteht."),
        visible_to=_l("Die Moderation der Region. Wer gemeldet hat, ist nicht öffentlich."),
        on_deletion=_l("Die Meldung bleibt als Beleg für die Moderation, ohne Verbindung zu Ihnen."),
        stays=True,
        columns=("comment_reports.reporter_id",),
    ),
    DataCategory(
        key="ballots",
        title=_l("Teilnahmen an Umfragen"),
        data=_l("An welcher Umfrage Sie wann teilgenommen haben, und Ihre Antworten."),
        purpose=_l("Eine Teilnahme je Person und Umfrage; die Ergebnisse der Umfrage."),
        legal_basis=PUBLIC_TASK,
        retention=_l("Solange die Umfrage besteht; Ihre Verbindung zur Teilnahme bis Sie Ihr Konto löschen."),
        visible_to=_l("Ihre Antworten sieht niemand mit Ihrem Namen. Ergebnisse erscheinen nur zusammengefasst, "
                      "kleine Gruppen werden zurückgehalten; freie Antworttexte liest die Moderation ohne Namen."),
        on_deletion=_l("Die Antworten bleiben anonym in den Ergebnissen, ohne Verbindung zu Ihnen."),
        stays=True,
        columns=("ballots.user_id",),
    ),
    DataCategory(
        key="problems",
        title=_l("Eingereichte Probleme"),
        data=_l("Der Text der Probleme, die Sie in einer Problemdefinition eingereicht haben, wann, und wie die "
                "Moderation entschieden hat (freigegeben, abgelehnt, zusammengeführt)."),
        purpose=_l("Die Rangfolge der Probleme, die eine Kommune angehen soll."),
        legal_basis=PUBLIC_TASK,
        retention=_l("Solange die Umfrage besteht."),
        visible_to=_l("Freigegebene Probleme sind öffentlich, ohne Ihren Namen; die Moderation sieht alle."),
        on_deletion=_l("Die Probleme bleiben Teil der Umfrage, ohne Verbindung zu Ihnen."),
        stays=True,
        columns=("poll_problems.author_id",),
    ),
    DataCategory(
        key="comparisons",
        title=_l("Vergleiche von Problemen"),
        data=_l("Welche zwei Probleme Sie verglichen haben und welches Ihnen wichtiger war."),
        purpose=_l("Die Rangfolge der Probleme; niemand vergleicht ein Paar zweimal."),
        legal_basis=PUBLIC_TASK,
        retention=_l("Solange die Umfrage besteht."),
        visible_to=_l("Niemand mit Ihrem Namen; nur zusammengefasst in der Rangfolge."),
        on_deletion=_l("Die Vergleiche bleiben anonym in der Rangfolge, ohne Verbindung zu Ihnen."),
        stays=True,
        columns=("poll_comparisons.user_id",),
    ),
    DataCategory(
        key="proposals",
        title=_l("Eingereichte Vorschläge"),
        data=_l("Titel, Text, Kategorie und Ort der Vorschläge, die Sie in einer Vorschlagssammlung eingereicht "
                "haben, wann, und was die Moderation entschieden hat (freigegeben, ausgeblendet, zusammengeführt, "
                "Status und Antwort)."),
        purpose=_l("Vorschläge der Bürgerinnen und Bürger, ihre Unterstützung und die Antwort der Kommune."),
        legal_basis=PUBLIC_TASK,
        retention=_l("Solange die Vorschlagssammlung besteht."),
        visible_to=_l("Veröffentlichte Vorschläge sind öffentlich, mit Ihrem öffentlichen Namen; die Moderation "
                      "sieht alle."),
        on_deletion=_l("Die Vorschläge bleiben ohne Verbindung zu Ihnen; auf Wunsch wird ihr Text gelöscht."),
        stays=True,
        columns=("proposals.author_id",),
    ),
    DataCategory(
        key="proposal_supports",
        title=_l("Unterstützte Vorschläge"),
        data=_l("Welche Vorschläge Sie unterstützen und seit wann."),
        purpose=_l("Eine Unterstützung je Person und Vorschlag; die Zahl der Unterstützungen; Nachrichten über "
                   "den Status der Vorschläge, die Sie unterstützen."),
        legal_basis=PUBLIC_TASK,
        retention=_l("Bis Sie die Unterstützung zurücknehmen oder Ihr Konto löschen."),
        visible_to=_l("Niemand mit Ihrem Namen; öffentlich ist nur die Zahl."),
        on_deletion=_l("Wird gelöscht; die Zahl der Unterstützungen sinkt."),
        columns=("proposal_supports.user_id",),
    ),
    DataCategory(
        key="api_tokens",
        title=_l("API-Zugangstoken"),
        data=_l("Name, Zeitpunkt der Ausgabe, Ablauf und letzte Verwendung für eine Änderung; vom Token selbst "
                "nur ein Hashwert."),
        purpose=_l("Programme handeln über die Programmierschnittstelle in Ihrem Namen."),
        legal_basis=PUBLIC_TASK,
        retention=_l("Bis zum Ablauf nach %(API_TOKEN_DAYS)s Tagen, bis Sie es widerrufen oder bis Sie sich "
                     "abmelden oder Ihr Passwort ändern."),
        visible_to=_l("Nur Sie."),
        on_deletion=_l("Wird gelöscht."),
        columns=("api_tokens.user_id",),
    ),
    DataCategory(
        key="api_retries",
        title=_l("Antworten auf wiederholbare Änderungen über die API"),
        data=_l("Nur bei Änderungen über die Programmierschnittstelle mit einem Idempotency-Key: Hashwerte des "
                "Schlüssels und der Anfrage und die Antwort der Plattform (sie kann z. B. Ihren Beitrag und Ihren "
                "öffentlichen Namen enthalten)."),
        purpose=_l("Wiederholt ein Programm eine Änderung, deren Antwort verloren ging, wird nichts doppelt "
                   "gespeichert; es bekommt die erste Antwort."),
        legal_basis=PUBLIC_TASK,
        retention=_l("Für %(IDEMPOTENCY_HOURS)s Stunden."),
        visible_to=_l("Niemand; die gespeicherte Antwort geht nur an dieselbe wiederholte Anfrage Ihres Kontos."),
        on_deletion=_l("Wird gelöscht."),
        exported=False,
        columns=("idempotency_keys.user_id",),
    ),
    DataCategory(
        key="follows",
        title=_l("Gefolgte Beteiligungen, Umfragen und Regionen"),
        data=_l("Was Sie verfolgen, seit wann, und ob Sie es von Hand oder durch einen Beitrag verfolgen."),
        purpose=_l("Benachrichtigungen über das, was Sie verfolgen."),
        legal_basis=CONSENT_AND_TASK,
        retention=_l("Bis Sie nicht mehr folgen oder Ihr Konto löschen."),
        visible_to=_l("Nur Sie."),
        on_deletion=_l("Wird gelöscht."),
        columns=("follows.user_id",),
    ),
    DataCategory(
        key="notifications",
        title=_l("Benachrichtigungen"),
        data=_l("Was Ihnen gemeldet wurde (Antworten, Stellungnahmen, Öffnen und Schließen, Ergebnisse, "
                "Entscheidungen der Moderation), wann, ob Sie es gelesen haben und ob es gemailt wurde."),
        purpose=_l("Sie erfahren, was aus Ihrer Beteiligung wird."),
        legal_basis=CONSENT_AND_TASK,
        retention=UNTIL_DELETION,
        visible_to=_l("Nur Sie."),
        on_deletion=_l("Wird gelöscht."),
        columns=("notifications.user_id",),
    ),
    DataCategory(
        key="mails",
        title=_l("E-Mails an Sie"),
        data=_l("Die Nachrichten, die die Plattform an Ihre Adresse schickt (Empfänger, Betreff, Text), ihr "
                "Zustellstatus und Fehler der Zustellung."),
        purpose=_l("Zustellung mit Wiederholung, wenn der Mailserver nicht erreichbar ist; nichts wird doppelt "
                   "verschickt."),
        legal_basis=CONSENT_AND_TASK,
        retention=UNTIL_DELETION,
        visible_to=_l("Die Administration der Plattform (Zustellfehler)."),
        on_deletion=_l("Wird gelöscht, auch was noch nicht zugestellt ist."),
    ),
    DataCategory(
        key="login_throttling",
        title=_l("Fehlgeschlagene Anmeldungen"),
        data=_l("Die Zahl fehlgeschlagener Anmeldungen mit Ihrem Konto, die letzte, und bis wann eine Anmeldung "
                "warten muss."),
        purpose=_l("Schutz Ihres Kontos gegen das Erraten des Passworts; Sie werden per E-Mail gewarnt."),
        legal_basis=SECURITY,
        retention=_l("Bis zur nächsten erfolgreichen Anmeldung."),
        visible_to=_l("Niemand; die Plattform liest es bei der Anmeldung."),
        on_deletion=_l("Wird gelöscht."),
    ),
    DataCategory(
        key="sessions",
        title=_l("Sitzung und Cookie"),
        data=_l("Ein technisch notwendiges Sitzungs-Cookie in Ihrem Browser (Anmeldung, Schutz von Formularen, "
                "Zeit der letzten Aktivität); im Konto nur eine Versionsnummer, die alle Sitzungen beendet. Keine "
                "Analyse- oder Werbe-Cookies, keine Inhalte von Dritten."),
        purpose=_l("Sie bleiben angemeldet; Formulare können nicht von fremden Seiten abgeschickt werden."),
        legal_basis=SECURITY,
        retention=_l("Nach %(SESSION_IDLE_MINUTES)s Minuten ohne Aktivität, beim Abmelden oder beim Ändern des "
                     "Passworts endet die Sitzung."),
        visible_to=_l("Nur Ihr Browser und die Plattform."),
        on_deletion=_l("Die Sitzung endet."),
        exported=False,
    ),
    DataCategory(
        key="showcase_contacts",
        title=_l("Ansprechpersonen im Projektschaufenster"),
        data=_l("Name, E-Mail-Adresse und Telefon der Ansprechperson eines Projekts, wie die Moderation der "
                "Region sie einträgt, und ob die Person der Veröffentlichung zugestimmt hat."),
        purpose=_l("Wer sich für ein Projekt der Modellregionen interessiert, findet eine Ansprechperson."),
        legal_basis=_l("Art. 6 Abs. 1 lit. a DSGVO (Einwilligung der Ansprechperson in die Veröffentlichung)"),
        retention=_l("Solange das Projekt im Projektschaufenster steht; die Moderation ändert oder löscht die "
                     "Angaben jederzeit."),
        visible_to=_l("Öffentlich (Seite, API, CSV) nur mit Einwilligung; sonst nur die Moderation der Region."),
        on_deletion=_l("Die Angaben gehören zu keinem Konto; die Moderation der Region löscht sie auf Wunsch."),
        exported=False,
    ),
    DataCategory(
        key="region_cookie",
        title=_l("Cookie „Meine Region“"),
        data=_l("Nur wenn Sie auf der Startseite „Region merken“ wählen: ein Cookie „region“ in Ihrem Browser mit "
                "der Kurzbezeichnung der Region (etwa „soest“), auch ohne Konto. Nichts davon wird bei uns "
                "gespeichert."),
        purpose=_l("Die Startseite zeigt Ihre Region zuerst."),
        legal_basis=_l("§ 25 Abs. 2 Nr. 2 TDDDG (von Ihnen ausdrücklich gewünschte Funktion)"),
        retention=_l("Ein Jahr, oder bis Sie „Region vergessen“ wählen oder das Cookie im Browser löschen."),
        visible_to=_l("Nur Ihr Browser und die Plattform beim Aufruf der Startseite."),
        on_deletion=_l("Das Cookie ist nicht mit Ihrem Konto verbunden; löschen Sie es mit „Region vergessen“."),
        exported=False,
    ),
    DataCategory(
        key="staff_work",
        title=_l("Arbeit in Moderation und Verwaltung"),
        data=_l("Wer eine Beteiligung, eine Umfrage, einen Prozess, eine Vorschlagssammlung oder eine Maßnahme "
                "angelegt, eine Maßnahme fortgeschrieben, eine Meldung bearbeitet oder eine Erweiterung in einer "
                "Region eingeschaltet hat."),
        purpose=_l("Nachvollziehbarkeit der Arbeit der Moderation und Verwaltung."),
        legal_basis=PUBLIC_TASK,
        retention=_l("Solange das Angelegte besteht."),
        visible_to=_l("Die Moderation der Region und die Administration."),
        on_deletion=_l("Das Angelegte bleibt, ohne Verbindung zu Ihnen."),
        stays=True,
        columns=("consultations.created_by_id", "polls.created_by_id", "processes.created_by_id",
                 "comment_reports.resolved_by_id", "region_plugins.enabled_by_id", "measures.created_by_id",
                 "measure_updates.author_id", "proposal_collections.created_by_id", "showcase_projects.created_by_id"),
    ),
    DataCategory(
        key="audit_log",
        title=_l("Protokoll der Moderation und Verwaltung"),
        data=_l("Handlungen der Moderation und Verwaltung (ausblenden, freigeben, Moderation ernennen …): wer, "
                "wann, was, mit Begründung."),
        purpose=_l("Nachvollziehbarkeit der Moderation gegenüber Bürgerinnen, Bürgern und Aufsicht."),
        legal_basis=PUBLIC_TASK,
        retention=_l("Unbefristet, als Nachweis der Moderation."),
        visible_to=_l("Die Moderation der Region und die Administration."),
        on_deletion=_l("Die Einträge bleiben: die Handlung ohne die Person („Gelöschtes Konto“)."),
        stays=True,
        columns=("audit_entries.actor_id",),
    ),
)


def _qualified(plugin, category):
    key = category.key if category.key.startswith(f"{plugin}.") else f"{plugin}.{category.key}"
    return replace(category, key=key, plugin=plugin)


def plugin_categories():
    """The categories the loaded plugins declare (hook ``personal_data_categories``), keys prefixed.

    All loaded plugins count, enabled in a region or not: data stay when a plugin is disabled. A plugin
    that fails or returns something else than ``DataCategory`` objects contributes nothing (logged).
    """
    from .plugins.runtime import call_contained, get_registry

    registry = get_registry()
    if not registry.plugins:
        return []
    categories = []
    for name, result in sorted(call_contained("personal_data_categories", set(registry.plugins)),
                               key=lambda item: item[0]):
        for category in result if isinstance(result, list | tuple) else (result,):
            if isinstance(category, DataCategory):
                categories.append(_qualified(name, category))
            else:
                log.error("Plugin %s lieferte statt einer DataCategory: %r", name, category)
    return categories


def categories():
    """Every category: the core's, then the plugins' (by plugin name)."""
    return [*CORE_CATEGORIES, *plugin_categories()]


def exported_keys(all_categories=None):
    """The keys of the export's sections, in order."""
    return [category.key for category in (all_categories or categories()) if category.exported]


def describe(category):
    """The category's texts, translated and with the app's settings filled in: a dict with ``key``,
    ``plugin``, ``stays``, ``exported``, ``title`` and the ``FIELDS``."""
    values = {name: current_app.config.get(name) for name in SETTINGS}
    text = {name: str(getattr(category, name)) for name in ("title", *FIELDS)}
    for name in FIELDS:
        if "%(" in text[name]:
            try:
                text[name] = text[name] % values
            except (KeyError, TypeError, ValueError):
                log.error("Datenschutz-Text %s.%s nennt eine unbekannte Einstellung", category.key, name)
    return {"key": category.key, "plugin": category.plugin, "stays": category.stays, "exported": category.exported,
            **text}
