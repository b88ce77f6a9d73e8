"""The survey template "Das digitale Rathaus": two citizen journeys and the core questions around them."""

FEELINGS = {"min": 1, "max": 5,
            "labels": {"1": "sehr schlecht", "2": "schlecht", "3": "neutral", "4": "gut", "5": "sehr gut"}}

DIGITALES_RATHAUS = {
    "key": "digitales_rathaus",
    "title": "Das digitale Rathaus: Wie erleben Sie Ihre Behördengänge?",
    "description": (
        "Die Stadt Wuppertal baut ihre Verwaltung um: Viele Dienstleistungen sollen vollständig online möglich "
        "werden, und die Abläufe im Bürgerbüro sollen einfacher werden. Dafür möchten wir wissen, wie Sie Ihre "
        "letzten Behördengänge erlebt haben – Schritt für Schritt.\n\n"
        "Bewerten Sie bitte nur die Schritte, die Sie selbst erlebt haben. Die Umfrage dauert etwa zehn Minuten. "
        "Ihre Anmerkungen lesen nur die Mitarbeitenden des Projekts „Digitales Rathaus“; veröffentlicht werden "
        "nur zusammengefasste Ergebnisse."
    ),
    "kind": "survey",
    "audience": "both",
    "results_visibility": "after_close",
    "questions": [
        {"type": "single_choice", "required": True,
         "text": "Wie haben Sie zuletzt Kontakt mit der Stadtverwaltung aufgenommen?",
         "options": ["Persönlich im Bürgerbüro oder in einem Amt", "Telefonisch über das Bürgertelefon",
                     "Per E-Mail", "Über ein Online-Formular im Serviceportal der Stadt", "Per Brief",
                     "Über Bekannte oder eine Beratungsstelle, die für mich nachgefragt haben"],
         "allow_other": True},
        {"type": "wuppertal.journey",
         "text": "Wohnsitz ummelden: Wie ist es Ihnen bei den einzelnen Schritten ergangen?",
         "options": ["Informationen zur Ummeldung finden",
                     "Termin im Bürgerbüro buchen",
                     "Unterlagen zusammenstellen (Ausweis, Wohnungsgeberbestätigung)",
                     "Termin im Bürgerbüro wahrnehmen",
                     "Meldebestätigung und neuen Adressaufkleber erhalten"],
         "settings": FEELINGS},
        {"type": "wuppertal.journey",
         "text": "Bewohnerparkausweis beantragen: Wie ist es Ihnen bei den einzelnen Schritten ergangen?",
         "options": ["Herausfinden, ob meine Straße in einer Bewohnerparkzone liegt",
                     "Antrag im Serviceportal ausfüllen",
                     "Nachweise hochladen (Fahrzeugschein, Meldeadresse)",
                     "Gebühr bezahlen",
                     "Parkausweis erhalten"],
         "settings": FEELINGS},
        {"type": "ranking", "required": False,
         "text": "Welche Dienstleistungen sollen zuerst vollständig online möglich sein? Bitte wählen Sie Ihre "
                 "drei wichtigsten.",
         "options": ["Wohnsitz an- oder ummelden", "Bewohnerparkausweis beantragen oder verlängern",
                     "Gewerbe an-, um- oder abmelden", "Hund zur Hundesteuer an- oder abmelden",
                     "Sperrmüll- und Elektroschrottabholung bestellen", "Führungszeugnis beantragen",
                     "Wohngeld beantragen", "Termin für Personalausweis oder Reisepass vorbereiten"],
         "settings": {"top": 3}},
        {"type": "text",
         "text": "Was sollte die Stadtverwaltung an ihren Abläufen als Erstes ändern? Was hat Sie bei einem "
                 "Behördengang geärgert oder positiv überrascht?",
         "settings": {"max_length": 1500}},
    ],
}
