"""The plugin's poll templates: which data citizens want, and which data problems press most."""

DATA_WISHES_TEMPLATE = {
    "key": "datenwuensche",
    "title": "Offene Daten: Was soll Gelsenkirchen veröffentlichen?",
    "description": (
        "Die Stadt Gelsenkirchen stellt nach und nach Daten als offene Daten bereit – frei nutzbar für "
        "alle, maschinenlesbar und kostenlos. Welche Daten brauchen Sie, und wofür? Ihre Antworten "
        "entscheiden mit, was zuerst im Open-Data-Portal erscheint. Die Umfrage dauert etwa fünf Minuten."),
    "kind": "survey",
    "audience": "both",
    "results_visibility": "after_close",
    "questions": [
        {"type": "single_choice", "text": "Haben Sie schon einmal offene Daten einer Verwaltung genutzt?",
         "required": True,
         "options": ["Ja, regelmäßig", "Ja, gelegentlich", "Nein, aber ich würde gern",
                     "Nein, ich wusste nicht, dass es das gibt"]},
        {"type": "multiple_choice", "text": "Welche Daten sollte die Stadt zuerst veröffentlichen?",
         "help_text": "Bitte wählen Sie bis zu drei Bereiche.",
         "options": ["Baustellen und Verkehrsbehinderungen", "Luftqualität und Lärmmessungen",
                     "Haushalt und Ausgaben der Stadt", "Freie Plätze in Kitas und Offenen Ganztagsschulen",
                     "Belegung der Parkhäuser", "Beschlüsse und Sitzungen des Rates",
                     "Standorte von Ladesäulen, Defibrillatoren und Toiletten", "Einwohnerzahlen nach Stadtteil"],
         "allow_other": True, "settings": {"min": 1, "max": 3}},
        {"type": "ranking", "text": "Wie möchten Sie die Daten am liebsten nutzen?",
         "help_text": "Ordnen Sie die zwei wichtigsten Wege.",
         "options": ["Als fertige Karte oder Grafik auf der Website der Stadt", "Als Tabelle zum Herunterladen",
                     "Über eine Schnittstelle (API) für eigene Anwendungen",
                     "In Apps von Vereinen, Initiativen oder Unternehmen"],
         "settings": {"top": 2}},
        {"type": "scale", "text": "Wie wichtig ist Ihnen, dass städtische Daten auf Servern in kommunaler Hand "
                                  "bleiben (Datensouveränität)?",
         "settings": {"min": 1, "max": 5, "labels": {"1": "unwichtig", "5": "sehr wichtig"}}},
        {"type": "scale", "text": "Wie sehr vertrauen Sie darauf, dass die Stadt keine personenbezogenen Daten "
                                  "veröffentlicht?",
         "settings": {"min": 1, "max": 5, "labels": {"1": "gar nicht", "5": "voll und ganz"}}},
        {"type": "text", "text": "Wofür würden Sie die Daten verwenden? Beschreiben Sie gern eine Idee.",
         "settings": {"max_length": 1500}},
    ],
}

DATA_TOPICS_TEMPLATE = {
    "key": "datenthemen",
    "title": "Daten in Gelsenkirchen: Wo hakt es am meisten?",
    "description": (
        "Sammeln und gewichten Sie gemeinsam mit anderen, welche Probleme rund um Daten, Dashboards und "
        "Datensouveränität die Stadt zuerst angehen soll. Erst reichen alle Probleme ein, dann vergleichen "
        "Sie jeweils zwei davon."),
    "kind": "problem_definition",
    "audience": "both",
    "results_visibility": "live",
    "problems": [
        "Daten der Stadt sind über viele Websites verstreut und schwer zu finden",
        "Viele Daten gibt es nur als PDF, nicht als Tabelle zum Weiterverarbeiten",
        "Baustellen- und Verkehrsdaten sind nicht tagesaktuell",
        "Es ist unklar, welche Daten über mich bei der Stadt gespeichert sind",
        "Die Luftmesswerte in meinem Stadtteil sind nirgends öffentlich einsehbar",
        "Vereine und Schulen wissen nicht, wie sie offene Daten nutzen können",
        "Städtische Daten liegen bei großen Cloud-Anbietern statt in kommunaler Hand",
        "Ratsbeschlüsse lassen sich nicht nach Stadtteil oder Thema durchsuchen",
    ],
}
