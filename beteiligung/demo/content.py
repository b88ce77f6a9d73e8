"""Demo-Inhalte für die Beteiligungsplattform.

Reine Daten ohne Logik: Regionen, Demo-Bürgerinnen und -Bürger sowie Beteiligungsverfahren mit
Kommentaren, Antworten und Bewertungen. Alle Personen und Pseudonyme sind frei erfunden.

Aufbau eines Kommentars:

- ``author``: Schlüssel aus ``CITIZENS`` oder ``"moderator"`` (Moderation der Region)
- ``section``: ``None`` für das ganze Verfahren oder 0-basierter Index eines ``## ``-Abschnitts
  im Text (nur bei Kommentaren der obersten Ebene; Antworten erben den Abschnitt)
- ``official``: ``True`` nur bei offiziellen Stellungnahmen der Moderation
- ``votes``: Liste aus ``[Bürger-Schlüssel, +1 oder -1]``
- ``replies``: verschachtelte Antworten in derselben Form
"""

from __future__ import annotations

REGIONS = [
    {
        "slug": "gelsenkirchen",
        "name": "Gelsenkirchen",
        "theme": "Digitale Daten",
        "description": (
            "Gelsenkirchen setzt auf offene Daten als Grundlage für eine transparente Stadtentwicklung. Über "
            "ein offenes Datenportal und öffentliche Dashboards sollen Bürgerinnen und Bürger nachvollziehen "
            "können, wie sich ihre Stadt entwickelt. Maßstab bleibt dabei die Datensouveränität der Kommune "
            "und der Menschen, die hier leben."
        ),
    },
    {
        "slug": "aachen",
        "name": "Aachen",
        "theme": "Digitales Lernen",
        "description": (
            "Aachen verbindet seine Tradition als Hochschul- und Bildungsstadt mit den Chancen der "
            "Digitalisierung. Im Mittelpunkt stehen digitale Lernangebote für alle Generationen – von der "
            "Grundschule über die Volkshochschule bis zur Stadtbibliothek. Ziel ist, dass beim digitalen "
            "Wandel niemand zurückbleibt."
        ),
    },
    {
        "slug": "paderborn",
        "name": "Paderborn",
        "theme": "Digitale Portale",
        "description": (
            "Paderborn baut sein digitales Serviceangebot konsequent aus: Verwaltungsleistungen sollen rund "
            "um die Uhr online erreichbar sein. Dabei achtet die Stadt darauf, dass ihre Online-Dienste auch "
            "von anderen Kommunen in Ostwestfalen-Lippe nachgenutzt werden können. So profitieren viele von "
            "einer einmal entwickelten Lösung."
        ),
    },
    {
        "slug": "soest",
        "name": "Soest",
        "theme": "Digitale Region",
        "description": (
            "In Soest liegen die historische Altstadt und die weite Börde-Landschaft nah beieinander. "
            "Digitale Lösungen sollen helfen, Stadt und Land besser zu verbinden – mit neuen "
            "Mobilitätsangeboten, schnellem Internet und digitalen Treffpunkten in den Ortsteilen. So bleibt "
            "die Region für alle Generationen lebenswert."
        ),
    },
    {
        "slug": "wuppertal",
        "name": "Wuppertal",
        "theme": "Digitales Rathaus",
        "description": (
            "Wuppertal modernisiert sein Rathaus von innen heraus. Neben digitalen Angeboten für Bürgerinnen "
            "und Bürger stehen auch die internen Abläufe auf dem Prüfstand – von der elektronischen Akte bis "
            "zur Zusammenarbeit zwischen den Ämtern. Die Beschäftigten werden dabei aktiv in den "
            "Veränderungsprozess einbezogen."
        ),
    },
]

CITIZENS = [
    {"key": "anna", "pseudonym": "Anna_aus_Buer", "email": "anna@example.org"},
    {"key": "bernd", "pseudonym": "Bernd_im_Ruhestand", "email": "bernd@example.org"},
    {"key": "cem", "pseudonym": "Cem_aus_Hassel", "email": "cem@example.org"},
    {"key": "dana", "pseudonym": "Dana_Burtscheid", "email": "dana@example.org"},
    {"key": "elif", "pseudonym": "Elif_Lehrerin", "email": "elif@example.org"},
    {"key": "frank", "pseudonym": "Frank_vom_Hof", "email": "frank@example.org"},
    {"key": "greta", "pseudonym": "Greta_aus_Werl", "email": "greta@example.org"},
    {"key": "hans", "pseudonym": "Hans_Barmen", "email": "hans@example.org"},
    {"key": "ines", "pseudonym": "Ines_Elberfeld", "email": "ines@example.org"},
    {"key": "jonas", "pseudonym": "Jonas_Uni_PB", "email": "jonas@example.org"},
]

CONSULTATIONS = [
    # -------------------- Gelsenkirchen --------------------
    {
        "region": "gelsenkirchen",
        "title": "Offenes Datenportal für Gelsenkirchen",
        "summary": (
            "Die Stadt möchte ihre Verwaltungsdaten künftig maschinenlesbar und kostenfrei auf einem offenen "
            "Datenportal bereitstellen. Welche Daten sind Ihnen wichtig?"
        ),
        "body": """\
Gelsenkirchen verfügt über einen großen Schatz an Daten – von Haltestellen über Kita-Plätze bis zu
Baumstandorten. Bisher liegen viele davon verstreut in Fachverfahren oder in PDF-Dokumenten. Mit
einem **offenen Datenportal** will die Stadt diese Informationen gebündelt, maschinenlesbar und
unter einer offenen Lizenz bereitstellen.

Der Entwurf orientiert sich an bestehenden Open-Data-Angeboten in Nordrhein-Westfalen. Weitere
Hintergründe finden Sie unter [www.example.org](https://www.example.org). Wir freuen uns auf Ihre
Hinweise bis zum Ende des Beteiligungszeitraums.

## Welche Daten veröffentlicht werden sollen

Zum Start sind folgende Datensätze geplant:

- Haltestellen und Fahrpläne im Stadtgebiet
- Standorte von Kitas, Schulen und Spielplätzen
- Baumkataster und öffentliche Grünflächen
- Wahlergebnisse auf Ebene der Stimmbezirke

Weitere Datensätze sollen schrittweise folgen – priorisiert nach den Wünschen aus dieser
Beteiligung.

## Formate und Lizenzen

Alle Daten werden in offenen Formaten wie CSV, JSON oder GeoJSON bereitgestellt. Als Lizenz ist die
„Datenlizenz Deutschland – Zero“ vorgesehen, die eine Nutzung ohne Einschränkungen erlaubt, auch für
kommerzielle Anwendungen.

## Schutz personenbezogener Daten

Personenbezogene Daten werden grundsätzlich nicht veröffentlicht. Bevor ein Datensatz online geht,
prüft die städtische Datenschutzbeauftragte, ob Rückschlüsse auf einzelne Personen möglich sind.
Sehr kleinräumige Statistiken werden bei Bedarf zusammengefasst.""",
        "state": "open",
        "comments": [
            {
                "author": "anna",
                "body": (
                    "Endlich! Ich nutze für unseren Stadtteilverein oft Zahlen zu Kita-Plätzen und musste "
                    "die bisher mühsam aus PDF-Dateien abtippen. Ein Portal mit CSV-Dateien würde uns sehr "
                    "viel Arbeit ersparen."
                ),
                "section": None,
                "official": False,
                "votes": [["bernd", 1], ["cem", 1], ["dana", 1], ["greta", 1]],
                "replies": [
                    {
                        "author": "cem",
                        "body": (
                            "Geht mir genauso. Wichtig wäre aber, dass die Daten auch regelmäßig "
                            "aktualisiert werden. Ein Portal mit Zahlen von vor drei Jahren bringt niemandem "
                            "etwas."
                        ),
                        "official": False,
                        "votes": [["anna", 1], ["bernd", 1]],
                        "replies": [
                            {
                                "author": "moderator",
                                "body": (
                                    "Vielen Dank für diesen wichtigen Hinweis. Für jeden Datensatz wird im "
                                    "Portal ein Aktualisierungsintervall angegeben und eine verantwortliche "
                                    "Stelle benannt. Die Haltestellendaten werden zum Beispiel wöchentlich, "
                                    "das Baumkataster halbjährlich aktualisiert."
                                ),
                                "official": True,
                                "votes": [["anna", 1], ["cem", 1], ["hans", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "cem",
                "body": (
                    "Bitte auch die Standorte der öffentlichen Toiletten und Trinkwasserbrunnen aufnehmen. "
                    "Gerade im Sommer wäre das für Familien und ältere Menschen sehr hilfreich."
                ),
                "section": 0,
                "official": False,
                "votes": [["anna", 1], ["frank", 1], ["ines", 1]],
                "replies": [
                    {
                        "author": "bernd",
                        "body": (
                            "Und Sitzbänke! Klingt banal, aber für Menschen mit Rollator ist das eine echte "
                            "Planungshilfe, wenn man weiß, wo man unterwegs eine Pause machen kann."
                        ),
                        "official": False,
                        "votes": [["cem", 1], ["anna", 1], ["ines", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "bernd",
                "body": (
                    "Was bedeutet „ohne Einschränkungen“ konkret? Dürfen dann auch große Konzerne unsere "
                    "Daten kostenlos für ihre Apps nutzen, ohne dass die Stadt etwas davon hat?"
                ),
                "section": 1,
                "official": False,
                "votes": [["cem", -1], ["jonas", -1], ["frank", 1]],
                "replies": [
                    {
                        "author": "jonas",
                        "body": (
                            "Ja, genau das ist der Sinn von Open Data. Die Daten wurden ja bereits mit "
                            "Steuergeld erhoben. Wenn daraus nützliche Apps entstehen, profitieren am Ende "
                            "auch wir Bürgerinnen und Bürger davon."
                        ),
                        "official": False,
                        "votes": [["anna", 1], ["cem", 1], ["dana", 1]],
                        "replies": [
                            {
                                "author": "bernd",
                                "body": (
                                    "Das Argument verstehe ich. Trotzdem fände ich es gut, wenn bei der "
                                    "Vorstellung des Portals vor allem lokale Initiativen und Start-ups "
                                    "angesprochen würden."
                                ),
                                "official": False,
                                "votes": [["jonas", 1], ["anna", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "ines",
                "body": (
                    "Bei den Wahlergebnissen auf Stimmbezirksebene bin ich skeptisch. In sehr kleinen "
                    "Bezirken lässt sich manchmal erahnen, wer wie gewählt hat. Bitte hier besonders "
                    "sorgfältig prüfen."
                ),
                "section": 2,
                "official": False,
                "votes": [["bernd", 1], ["greta", 1]],
                "replies": [],
            },
            {
                "author": "jonas",
                "body": (
                    "Wird es auch eine Programmierschnittstelle geben? Für Entwicklerinnen und Entwickler "
                    "sind reine Downloads unpraktisch, weil man nie sicher weiß, ob man gerade die aktuelle "
                    "Version hat."
                ),
                "section": None,
                "official": False,
                "votes": [["cem", 1], ["anna", 1]],
                "replies": [],
            },
        ],
    },
    {
        "region": "gelsenkirchen",
        "title": "Live-Dashboard für Parken und Luftqualität",
        "summary": (
            "Ein öffentliches Dashboard soll freie Parkplätze in der Innenstadt und Messwerte zur "
            "Luftqualität in Echtzeit anzeigen."
        ),
        "body": """\
Wer in die Gelsenkirchener Innenstadt oder nach Buer fährt, sucht oft lange nach einem Parkplatz.
Gleichzeitig interessieren sich viele Menschen dafür, wie es um die Luftqualität in ihrem Viertel
steht. Ein **Live-Dashboard** soll beide Informationen übersichtlich zusammenführen – auf dem
Smartphone, am Computer und auf Infostelen im Stadtgebiet.

Grundlage sind Daten aus den städtischen Parkhäusern, aus neuen Bodensensoren an ausgewählten
Straßen sowie aus Messstationen für Feinstaub und Stickstoffdioxid.

## Parkraum in Echtzeit

Die Belegung der städtischen Parkhäuser und von rund 300 Stellplätzen am Straßenrand wird minütlich
aktualisiert. Behindertenparkplätze und Ladesäulen für Elektrofahrzeuge werden gesondert
ausgewiesen.

## Luftqualität im Stadtgebiet

Ergänzend zu den amtlichen Messstationen sollen 40 kleinere Sensoren an Schulen, Kitas und stark
befahrenen Kreuzungen installiert werden. Die Werte werden stündlich gemittelt und mit einer leicht
verständlichen Ampel dargestellt.

## Infostelen und Barrierefreiheit

An drei Standorten in der Altstadt und in Buer sollen digitale Infostelen aufgestellt werden. Das
Dashboard wird nach den Vorgaben der BITV 2.0 barrierefrei gestaltet, inklusive Vorlesefunktion und
kontrastreicher Darstellung.""",
        "state": "open",
        "comments": [
            {
                "author": "bernd",
                "body": (
                    "Die Parkplatzanzeige finde ich gut, aber 300 Stellplätze sind doch nur ein Bruchteil. "
                    "Nach welchen Kriterien werden die Straßen ausgewählt?"
                ),
                "section": 0,
                "official": False,
                "votes": [["anna", 1], ["greta", 1]],
                "replies": [
                    {
                        "author": "moderator",
                        "body": (
                            "Vielen Dank für Ihre Frage. Ausgewählt werden zunächst die Straßen mit dem "
                            "höchsten Parksuchverkehr, den wir aus Verkehrszählungen der vergangenen zwei "
                            "Jahre kennen. Nach einer Testphase von zwölf Monaten wird ausgewertet, ob eine "
                            "Ausweitung sinnvoll ist."
                        ),
                        "official": True,
                        "votes": [["bernd", 1], ["anna", 1]],
                        "replies": [
                            {
                                "author": "bernd",
                                "body": (
                                    "Danke für die schnelle Antwort. Dann bitte die Nebenstraßen rund um den "
                                    "Hauptbahnhof nicht vergessen, da kreisen samstags alle um den Block."
                                ),
                                "official": False,
                                "votes": [["cem", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "anna",
                "body": (
                    "Sensoren an Schulen und Kitas sind eine sehr gute Idee. Als Mutter möchte ich wissen, "
                    "wie die Luft dort ist, wo mein Kind jeden Tag spielt. Bitte auch die Grundschulen in "
                    "Buer berücksichtigen!"
                ),
                "section": 1,
                "official": False,
                "votes": [["cem", 1], ["dana", 1], ["ines", 1], ["greta", 1]],
                "replies": [
                    {
                        "author": "cem",
                        "body": (
                            "Wie genau sind diese kleinen Sensoren eigentlich? Ich habe gelesen, dass "
                            "günstige Feinstaubsensoren bei hoher Luftfeuchtigkeit deutlich danebenliegen."
                        ),
                        "official": False,
                        "votes": [["jonas", 1], ["bernd", 1]],
                        "replies": [
                            {
                                "author": "jonas",
                                "body": (
                                    "Das stimmt, deshalb gleicht man solche Sensoren normalerweise "
                                    "regelmäßig mit den amtlichen Stationen ab. Es wäre gut, wenn die Stadt "
                                    "offenlegt, wie sie kalibriert."
                                ),
                                "official": False,
                                "votes": [["cem", 1], ["anna", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "ines",
                "body": (
                    "Bitte bei den Infostelen an Menschen mit Sehbehinderung denken: Eine Vorlesefunktion "
                    "nützt nur etwas, wenn man die Taste auch ertasten kann. Und die Stelen sollten nicht "
                    "mitten auf dem Gehweg stehen."
                ),
                "section": 2,
                "official": False,
                "votes": [["anna", 1], ["bernd", 1], ["hans", 1]],
                "replies": [],
            },
            {
                "author": "cem",
                "body": (
                    "Ehrlich gesagt habe ich die Sorge, dass hier viel Geld in Technik fließt, während die "
                    "Parkhäuser selbst in keinem guten Zustand sind. Was kostet das Ganze, und wer trägt die "
                    "laufenden Kosten?"
                ),
                "section": None,
                "official": False,
                "votes": [["bernd", 1], ["frank", 1], ["anna", -1]],
                "replies": [
                    {
                        "author": "anna",
                        "body": (
                            "Soweit ich weiß, wird das Projekt größtenteils über Fördermittel finanziert. "
                            "Eine transparente Aufstellung der Folgekosten wäre trotzdem gut."
                        ),
                        "official": False,
                        "votes": [["cem", 1]],
                        "replies": [],
                    },
                ],
            },
        ],
    },
    {
        "region": "gelsenkirchen",
        "title": "Kommunale Datenstrategie: Wem gehören die Daten der Stadt?",
        "summary": (
            "Die Stadt hat Leitlinien für den Umgang mit städtischen Daten entworfen – von der "
            "Datensouveränität bis zur Zusammenarbeit mit Unternehmen. Die Beteiligung ist abgeschlossen."
        ),
        "body": """\
Daten sind ein zentraler Baustein der Stadtentwicklung. Damit Gelsenkirchen auch in Zukunft selbst
entscheidet, was mit den Daten aus Verwaltung, städtischen Gesellschaften und Sensoren geschieht,
hat die Verwaltung eine **kommunale Datenstrategie** entworfen. Sie legt fest, nach welchen
Grundsätzen Daten erhoben, gespeichert und geteilt werden.

Die Beteiligung zum Entwurf ist abgeschlossen. Vielen Dank für die zahlreichen Beiträge! Die
Ergebnisse fließen in die Vorlage für den Rat der Stadt ein.

## Grundsatz der Datensouveränität

Daten, die im Auftrag der Stadt erhoben werden, bleiben im Eigentum der Stadt. Bei Ausschreibungen
wird künftig vertraglich festgelegt, dass Dienstleister diese Daten nicht ohne Zustimmung
weiterverwenden dürfen.

## Speicherung und Infrastruktur

Städtische Daten sollen vorrangig in Rechenzentren in Deutschland gespeichert werden, bevorzugt bei
kommunalen IT-Dienstleistern. Wo immer möglich, wird Open-Source-Software eingesetzt, um
Abhängigkeiten von einzelnen Anbietern zu vermeiden.

## Zusammenarbeit mit Wirtschaft und Wissenschaft

Hochschulen, Start-ups und Unternehmen aus der Region sollen städtische Daten für
gemeinwohlorientierte Projekte nutzen können. Dafür wird ein Datenbeirat eingerichtet, in dem auch
Bürgerinnen und Bürger vertreten sind.""",
        "state": "closed",
        "comments": [
            {
                "author": "jonas",
                "body": (
                    "Den Vorrang für Open-Source-Software unterstütze ich ausdrücklich. Was mit öffentlichem "
                    "Geld entwickelt wird, sollte auch der Allgemeinheit zur Verfügung stehen."
                ),
                "section": 1,
                "official": False,
                "votes": [["cem", 1], ["anna", 1], ["ines", 1], ["dana", 1], ["hans", 1]],
                "replies": [
                    {
                        "author": "bernd",
                        "body": (
                            "Open Source klingt gut, aber wer kümmert sich dann um Support und "
                            "Sicherheitsupdates? Bei gekaufter Software gibt es wenigstens einen "
                            "Verantwortlichen."
                        ),
                        "official": False,
                        "votes": [["greta", 1]],
                        "replies": [
                            {
                                "author": "jonas",
                                "body": (
                                    "Auch für Open-Source-Software kann man Wartungsverträge mit "
                                    "Dienstleistern abschließen. Der Unterschied ist, dass man den Anbieter "
                                    "wechseln kann, ohne alles neu aufbauen zu müssen."
                                ),
                                "official": False,
                                "votes": [["anna", 1], ["cem", 1], ["bernd", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "cem",
                "body": (
                    "Wie werden die Bürgerinnen und Bürger für den Datenbeirat ausgewählt? Bitte nicht nur "
                    "die üblichen Gesichter aus Vereinen und Parteien, sondern zum Beispiel per "
                    "Losverfahren."
                ),
                "section": 2,
                "official": False,
                "votes": [["anna", 1], ["ines", 1], ["jonas", 1]],
                "replies": [
                    {
                        "author": "moderator",
                        "body": (
                            "Vielen Dank für Ihre Anregung, die in ähnlicher Form mehrfach geäußert wurde. "
                            "Die Verwaltung wird dem Rat vorschlagen, zwei der fünf Plätze im Datenbeirat "
                            "per Losverfahren aus dem Melderegister zu besetzen. Die übrigen Plätze gehen an "
                            "Vertreterinnen und Vertreter aus Wissenschaft und Zivilgesellschaft."
                        ),
                        "official": True,
                        "votes": [["cem", 1], ["anna", 1], ["jonas", 1], ["ines", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "anna",
                "body": (
                    "Sehr gut, dass das endlich vertraglich geregelt wird. Bei den Leih-E-Scootern hat man "
                    "gesehen, dass die Anbieter jede Menge Daten sammeln und die Stadt kaum etwas davon "
                    "erfährt."
                ),
                "section": 0,
                "official": False,
                "votes": [["cem", 1], ["bernd", 1]],
                "replies": [],
            },
            {
                "author": "ines",
                "body": (
                    "Die Strategie liest sich gut, ist für Laien aber schwer verständlich. Eine "
                    "Zusammenfassung in Leichter Sprache würde helfen, damit mehr Menschen mitreden können."
                ),
                "section": None,
                "official": False,
                "votes": [["anna", 1], ["greta", 1], ["hans", 1]],
                "replies": [
                    {
                        "author": "moderator",
                        "body": (
                            "Danke für den Hinweis! Eine Fassung in Leichter Sprache ist in Arbeit und wird "
                            "gemeinsam mit der Ratsvorlage veröffentlicht."
                        ),
                        "official": False,
                        "votes": [["ines", 1]],
                        "replies": [],
                    },
                ],
            },
        ],
    },
    # -------------------- Aachen --------------------
    {
        "region": "aachen",
        "title": "Digitale Schule: WLAN und Endgeräte für alle Aachener Schulen",
        "summary": (
            "Bis 2027 sollen alle städtischen Schulen flächendeckendes WLAN und eine verlässliche "
            "Ausstattung mit Tablets erhalten. Wir möchten wissen, worauf es Ihnen ankommt."
        ),
        "body": """\
Die vergangenen Jahre haben gezeigt, wie wichtig eine gute digitale Ausstattung der Schulen ist.
Viele Aachener Schulen haben große Fortschritte gemacht, doch die Unterschiede zwischen den
Standorten sind noch erheblich. Mit dem **Medienentwicklungsplan 2025–2030** will die Stadt als
Schulträger verlässliche Standards für alle Schulformen schaffen.

Eltern, Lehrkräfte sowie Schülerinnen und Schüler sind herzlich eingeladen, den Entwurf zu
kommentieren. Den vollständigen Plan finden Sie unter [www.example.org](https://www.example.org).

## Flächendeckendes WLAN

Alle Unterrichtsräume, Fachräume und Aulen werden mit leistungsfähigem WLAN ausgestattet. Die
Anbindung an das Glasfasernetz soll bis Ende 2026 an allen Standorten abgeschlossen sein.

## Endgeräte für Schülerinnen und Schüler

Ab Klasse 7 sollen alle Schülerinnen und Schüler ein eigenes Tablet erhalten, das sie auch zu Hause
nutzen können. Für die Grundschulen sind Klassensätze vorgesehen, die im Unterricht gemeinsam
genutzt werden.

## Support und Wartung

Damit sich Lehrkräfte auf das Unterrichten konzentrieren können, übernimmt ein zentrales IT-Team der
Stadt die Wartung. Jede Schule erhält eine feste Ansprechperson und eine Störungshotline mit
verbindlichen Reaktionszeiten.

## Fortbildung für Lehrkräfte

Gemeinsam mit dem Medienzentrum werden praxisnahe Fortbildungen angeboten – von der Bedienung der
Geräte bis zu digitalen Unterrichtskonzepten.""",
        "state": "open",
        "comments": [
            {
                "author": "elif",
                "body": (
                    "Als Lehrerin kann ich nur sagen: Der Support ist der wichtigste Punkt überhaupt. Bei "
                    "uns liegen gerade zwölf defekte Tablets im Schrank, weil sich niemand zuständig fühlt. "
                    "Eine feste Ansprechperson wäre ein echter Fortschritt."
                ),
                "section": 2,
                "official": False,
                "votes": [["dana", 1], ["anna", 1], ["jonas", 1], ["hans", 1], ["ines", 1]],
                "replies": [
                    {
                        "author": "dana",
                        "body": (
                            "Das kenne ich von der Schule meiner Tochter. Dort verbringen Lehrkräfte ihre "
                            "Freistunden damit, Passwörter zurückzusetzen."
                        ),
                        "official": False,
                        "votes": [["elif", 1]],
                        "replies": [
                            {
                                "author": "moderator",
                                "body": (
                                    "Vielen Dank für die Schilderungen aus der Praxis. Das zentrale IT-Team "
                                    "wird im kommenden Haushaltsjahr um acht Stellen verstärkt. Ziel ist, "
                                    "dass defekte Geräte innerhalb von fünf Schultagen repariert oder "
                                    "ersetzt werden."
                                ),
                                "official": True,
                                "votes": [["elif", 1], ["dana", 1], ["jonas", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "dana",
                "body": (
                    "Tablets ab Klasse 7 finde ich gut. Aber wer haftet, wenn ein Gerät zu Hause "
                    "herunterfällt? Viele Familien können sich eine teure Reparatur nicht leisten."
                ),
                "section": 1,
                "official": False,
                "votes": [["elif", 1], ["anna", 1], ["greta", 1]],
                "replies": [
                    {
                        "author": "jonas",
                        "body": (
                            "In anderen Städten schließt der Schulträger dafür eine Geräteversicherung ab. "
                            "Das sollte hier von Anfang an mit eingeplant werden."
                        ),
                        "official": False,
                        "votes": [["dana", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "jonas",
                "body": (
                    "Bitte beim WLAN auch an Pausenbereiche und Mensa denken. Viele nutzen die Zeit für "
                    "Gruppenarbeiten, und mobiles Datenvolumen ist nicht für alle selbstverständlich."
                ),
                "section": 0,
                "official": False,
                "votes": [["dana", 1], ["elif", 1]],
                "replies": [],
            },
            {
                "author": "greta",
                "body": (
                    "Mir wird zu sehr auf Geräte gesetzt. Kinder sollten in der Grundschule erst einmal "
                    "richtig lesen und schreiben lernen. Digitale Medien ja, aber bitte in Maßen."
                ),
                "section": None,
                "official": False,
                "votes": [["bernd", 1], ["hans", 1], ["jonas", -1], ["elif", -1]],
                "replies": [
                    {
                        "author": "elif",
                        "body": (
                            "Das eine schließt das andere nicht aus. Gerade beim Lesenlernen gibt es gute "
                            "Programme, die Kinder individuell fördern. Entscheidend ist, dass die "
                            "Lehrkräfte gut geschult sind."
                        ),
                        "official": False,
                        "votes": [["dana", 1], ["jonas", 1]],
                        "replies": [
                            {
                                "author": "greta",
                                "body": (
                                    "Da gebe ich Ihnen recht. Dann sollten die Fortbildungen aber "
                                    "verbindlich sein und nicht nur ein freiwilliges Angebot."
                                ),
                                "official": False,
                                "votes": [["elif", 1], ["dana", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "anna",
                "body": (
                    "Bitte die Fortbildungen nicht nur nachmittags nach dem Unterricht ansetzen. Da sind "
                    "viele Lehrkräfte schon erschöpft, und hängen bleibt wenig."
                ),
                "section": 3,
                "official": False,
                "votes": [["elif", 1], ["dana", 1]],
                "replies": [],
            },
        ],
    },
    {
        "region": "aachen",
        "title": "Digital fit im Alter: Lernangebote für Seniorinnen und Senioren",
        "summary": (
            "Volkshochschule und Stadtbibliothek haben ein Programm entwickelt, mit dem ältere Menschen den "
            "sicheren Umgang mit Smartphone, Online-Banking und Videotelefonie lernen. Die Beteiligung ist "
            "beendet."
        ),
        "body": """\
Immer mehr Dienstleistungen – vom Arzttermin bis zur Bahnfahrkarte – werden online angeboten. Für
viele ältere Aachenerinnen und Aachener ist das eine echte Hürde. Die **Volkshochschule Aachen** und
die **Stadtbibliothek** wollen deshalb gemeinsam ein wohnortnahes Lernangebot aufbauen.

Die Beteiligung ist abgeschlossen. Die Anregungen wurden ausgewertet und sind in das Programm für
das kommende Semester eingeflossen.

## Digitallotsinnen und Digitallotsen

Ehrenamtliche Digitallotsinnen und Digitallotsen bieten in Begegnungsstätten und Stadtteilbüros
feste Sprechstunden an. Dort können Fragen rund um Smartphone, Tablet und Laptop in Ruhe geklärt
werden.

## Kursangebot der Volkshochschule

Die VHS erweitert ihr Programm um kostenfreie Einsteigerkurse in kleinen Gruppen, etwa zu
Videotelefonie, Online-Banking und zum Erkennen von Betrugsmaschen im Internet.

## Geräte zum Ausprobieren

In der Stadtbibliothek können Tablets und Smartphones für vier Wochen ausgeliehen werden. So lässt
sich vor einem Kauf in Ruhe ausprobieren, welches Gerät zu einem passt.""",
        "state": "closed",
        "comments": [
            {
                "author": "bernd",
                "body": (
                    "Als Rentner kann ich sagen: Die Sprechstunden sind Gold wert. In einem Kurs traue ich "
                    "mich oft nicht, dieselbe Frage dreimal zu stellen, bei einer Lotsin schon."
                ),
                "section": 0,
                "official": False,
                "votes": [["dana", 1], ["greta", 1], ["ines", 1]],
                "replies": [
                    {
                        "author": "dana",
                        "body": (
                            "Ich engagiere mich selbst als Digitallotsin in Burtscheid. Genau das erleben "
                            "wir jede Woche – Geduld ist das Wichtigste."
                        ),
                        "official": False,
                        "votes": [["bernd", 1], ["elif", 1]],
                        "replies": [
                            {
                                "author": "bernd",
                                "body": (
                                    "Dann herzlichen Dank für Ihren Einsatz! Gibt es die Sprechstunde auch "
                                    "vormittags? Nachmittags habe ich oft Arzttermine."
                                ),
                                "official": False,
                                "votes": [["dana", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "greta",
                "body": (
                    "Bitte unbedingt Kurse zu Betrugsmaschen anbieten. Meine Mutter hat letztes Jahr eine "
                    "gefälschte SMS angeblich von ihrer Bank bekommen und hätte beinahe ihre Zugangsdaten "
                    "eingegeben."
                ),
                "section": 1,
                "official": False,
                "votes": [["bernd", 1], ["dana", 1], ["hans", 1], ["ines", 1]],
                "replies": [
                    {
                        "author": "moderator",
                        "body": (
                            "Vielen Dank für Ihren Beitrag. Der Kurs „Sicher im Netz – Betrug erkennen“ wird "
                            "gemeinsam mit der Polizei und der Verbraucherberatung angeboten und steht ab "
                            "dem kommenden Semester in allen Stadtbezirken auf dem Programm."
                        ),
                        "official": True,
                        "votes": [["greta", 1], ["bernd", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "ines",
                "body": (
                    "Die Ausleihe von Geräten ist eine tolle Idee. Vielleicht könnte man auch Zubehör wie "
                    "Eingabestifte oder Hörverstärker zum Ausprobieren anbieten?"
                ),
                "section": 2,
                "official": False,
                "votes": [["dana", 1]],
                "replies": [],
            },
            {
                "author": "elif",
                "body": (
                    "Schön wäre, wenn Schülerinnen und Schüler als Tandempartner eingebunden würden. An "
                    "meiner Schule gibt es viele, die gerne helfen würden – und beide Seiten lernen etwas "
                    "dabei."
                ),
                "section": None,
                "official": False,
                "votes": [["dana", 1], ["bernd", 1], ["greta", 1], ["jonas", 1]],
                "replies": [
                    {
                        "author": "bernd",
                        "body": (
                            "Das würde mir gefallen. Meine Enkel wohnen weit weg, da wäre so ein Austausch "
                            "eine schöne Sache."
                        ),
                        "official": False,
                        "votes": [["elif", 1]],
                        "replies": [],
                    },
                ],
            },
        ],
    },
    {
        "region": "aachen",
        "title": "Makerspace in der Stadtbibliothek",
        "summary": (
            "In der Stadtbibliothek soll eine offene Werkstatt mit 3D-Druckern, Lasercutter und "
            "Elektronik-Arbeitsplätzen entstehen. Wie sollte der Makerspace gestaltet werden?"
        ),
        "body": """\
Bibliotheken sind längst mehr als Orte zum Ausleihen von Büchern. In der **Stadtbibliothek Aachen**
soll ein Makerspace entstehen, in dem Menschen jeden Alters digitale Technik ausprobieren, gemeinsam
tüfteln und voneinander lernen können.

Geplant ist eine Fläche von rund 120 Quadratmetern im Erdgeschoss. Wir möchten von Ihnen wissen,
welche Ausstattung und welche Angebote Sie sich wünschen.

## Ausstattung

Vorgesehen sind unter anderem:

- zwei 3D-Drucker und ein Lasercutter
- Elektronik-Arbeitsplätze mit Lötstationen und Mikrocontrollern
- eine Nähmaschine mit Stickfunktion
- eine kleine Ecke für Video- und Podcastproduktion

## Öffnungszeiten und Betreuung

Der Makerspace soll an vier Tagen pro Woche geöffnet sein, an einem Abend davon bis 21 Uhr. Die
Betreuung übernehmen Mitarbeitende der Bibliothek gemeinsam mit Ehrenamtlichen aus der Aachener
Maker-Szene.

## Kurse und Workshops

Für Schulklassen, Jugendliche und Erwachsene werden regelmäßig Einführungskurse angeboten. Nach
einer kurzen Sicherheitseinweisung können die Geräte mit dem Bibliotheksausweis genutzt werden.""",
        "state": "open",
        "comments": [
            {
                "author": "jonas",
                "body": (
                    "Bitte unbedingt eine Reparaturecke einplanen, ähnlich wie ein Repair-Café. Viele Geräte "
                    "landen im Müll, obwohl nur ein Kabel oder ein Schalter defekt ist."
                ),
                "section": 0,
                "official": False,
                "votes": [["dana", 1], ["elif", 1], ["greta", 1], ["ines", 1], ["anna", 1]],
                "replies": [
                    {
                        "author": "dana",
                        "body": (
                            "Gute Idee! Es gibt in Aachen schon mehrere Repair-Cafés, die man direkt als "
                            "Partner gewinnen könnte."
                        ),
                        "official": False,
                        "votes": [["jonas", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "elif",
                "body": (
                    "Für Schulklassen wäre es toll, wenn die Workshops an die Lehrpläne anknüpfen, etwa in "
                    "Informatik oder Technik. Dann lassen sie sich viel besser in den Unterricht einbinden."
                ),
                "section": 2,
                "official": False,
                "votes": [["dana", 1]],
                "replies": [
                    {
                        "author": "moderator",
                        "body": (
                            "Vielen Dank für die Anregung. Die Stadtbibliothek stimmt die Schulangebote mit "
                            "dem Medienzentrum ab und entwickelt ein Programm für die Jahrgangsstufen 5 bis "
                            "10. Interessierte Schulen können sich bereits jetzt unverbindlich vormerken "
                            "lassen."
                        ),
                        "official": True,
                        "votes": [["elif", 1], ["dana", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "dana",
                "body": (
                    "Nur ein Abend pro Woche ist zu wenig. Berufstätige haben sonst kaum eine Chance, die "
                    "Geräte zu nutzen. Wie wäre es zusätzlich mit dem Samstag?"
                ),
                "section": 1,
                "official": False,
                "votes": [["jonas", 1], ["elif", 1], ["hans", 1]],
                "replies": [
                    {
                        "author": "greta",
                        "body": "Der Samstag wäre auch für Familien ideal.",
                        "official": False,
                        "votes": [["dana", 1]],
                        "replies": [
                            {
                                "author": "jonas",
                                "body": (
                                    "Zur Not mit Ehrenamtlichen – ich würde mich für einen Samstag im Monat "
                                    "melden."
                                ),
                                "official": False,
                                "votes": [["dana", 1], ["greta", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "bernd",
                "body": (
                    "Brauchen wir so etwas wirklich? Ein Lasercutter ist teuer, und ich frage mich, wie "
                    "viele Menschen ihn am Ende tatsächlich nutzen."
                ),
                "section": None,
                "official": False,
                "votes": [["greta", 1], ["jonas", -1], ["dana", -1]],
                "replies": [],
            },
        ],
    },
    # -------------------- Paderborn --------------------
    {
        "region": "paderborn",
        "title": "Neues Serviceportal mit Bürgerkonto",
        "summary": (
            "Ein neues Serviceportal soll die Online-Anträge nach dem Onlinezugangsgesetz bündeln und über "
            "ein persönliches Bürgerkonto erreichbar machen."
        ),
        "body": """\
Das Onlinezugangsgesetz (OZG) verpflichtet Bund, Länder und Kommunen, ihre Verwaltungsleistungen
auch digital anzubieten. Paderborn hat bereits zahlreiche Online-Anträge eingeführt – bisher
allerdings auf unterschiedlichen Seiten und mit unterschiedlichen Zugängen. Das neue
**Serviceportal** soll alle Angebote an einer Stelle bündeln.

Kernstück ist ein persönliches **Bürgerkonto**, über das Sie Anträge stellen, den Bearbeitungsstand
verfolgen und Bescheide digital empfangen können.

## Anmeldung und Bürgerkonto

Die Anmeldung erfolgt über die BundID – wahlweise mit Benutzername und Passwort, mit einem
ELSTER-Zertifikat oder mit der Online-Ausweisfunktion des Personalausweises. Einmal hinterlegte
Angaben müssen nicht bei jedem Antrag neu eingegeben werden.

## Online-Anträge

Zum Start sollen mehr als 40 Leistungen vollständig digital verfügbar sein, darunter:

- Bewohnerparkausweis
- An- und Abmeldung der Hundesteuer
- Gewerbeanmeldung
- Antrag auf Wohngeld
- Sondernutzung öffentlicher Flächen, etwa für Straßenfeste

## Postfach und Bescheide

Bescheide und Rückfragen der Verwaltung werden in ein sicheres Postfach im Bürgerkonto zugestellt.
Auf Wunsch erhalten Sie zusätzlich eine Benachrichtigung per E-Mail. Die Zustellung per Post bleibt
für alle möglich, die das bevorzugen.""",
        "state": "open",
        "comments": [
            {
                "author": "jonas",
                "body": (
                    "Die Online-Ausweisfunktion ist super, aber die PIN hat kaum jemand parat. Gibt es "
                    "Unterstützung, wenn man den PIN-Brief nicht mehr findet?"
                ),
                "section": 0,
                "official": False,
                "votes": [["bernd", 1], ["ines", 1], ["greta", 1]],
                "replies": [
                    {
                        "author": "moderator",
                        "body": (
                            "Vielen Dank für Ihre Frage. Eine neue PIN können Sie jederzeit im Bürgerbüro "
                            "setzen lassen. Zusätzlich bietet das Bürgerbüro zum Start des Portals eine "
                            "Sprechstunde an, in der die Online-Ausweisfunktion gemeinsam mit Ihnen "
                            "eingerichtet wird."
                        ),
                        "official": True,
                        "votes": [["jonas", 1], ["bernd", 1], ["hans", 1]],
                        "replies": [
                            {
                                "author": "jonas",
                                "body": (
                                    "Prima, danke! Das sollte dann aber auch gut sichtbar auf der Startseite "
                                    "des Portals stehen."
                                ),
                                "official": False,
                                "votes": [["bernd", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "bernd",
                "body": (
                    "Ich möchte meine Bescheide weiterhin auf Papier bekommen. Gut, dass das möglich bleibt "
                    "– bitte nicht nach ein paar Jahren stillschweigend abschaffen."
                ),
                "section": 2,
                "official": False,
                "votes": [["greta", 1], ["frank", 1], ["hans", 1]],
                "replies": [
                    {
                        "author": "jonas",
                        "body": (
                            "Verstehe ich. Vielleicht könnte man beides anbieten: den Brief und zusätzlich "
                            "eine digitale Kopie im Postfach, damit man nichts abheften muss."
                        ),
                        "official": False,
                        "votes": [["bernd", 1], ["ines", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "greta",
                "body": (
                    "Mir fehlen in der Liste Leistungen rund um Kita und Schule, zum Beispiel die Anmeldung "
                    "zur Offenen Ganztagsschule oder der Antrag auf ein Schülerticket. Gerade Familien "
                    "würden davon profitieren."
                ),
                "section": 1,
                "official": False,
                "votes": [["anna", 1], ["dana", 1], ["elif", 1]],
                "replies": [
                    {
                        "author": "anna",
                        "body": (
                            "Unterschreibe ich sofort. Bei uns gibt es jedes Schuljahr dasselbe Zettelchaos "
                            "mit dem Schülerticket."
                        ),
                        "official": False,
                        "votes": [["greta", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "hans",
                "body": (
                    "Wie sieht es mit der Barrierefreiheit aus? Viele Portale funktionieren mit Screenreader "
                    "nur eingeschränkt. Bitte lassen Sie Menschen mit Behinderung frühzeitig testen."
                ),
                "section": None,
                "official": False,
                "votes": [["ines", 1], ["anna", 1], ["greta", 1], ["jonas", 1]],
                "replies": [],
            },
            {
                "author": "frank",
                "body": (
                    "In den Außenbereichen ist das Internet teilweise so langsam, dass ein Portal wenig "
                    "nützt, wenn man erst einmal zehn Minuten auf das Hochladen eines Dokuments wartet. Erst "
                    "das Netz, dann die Online-Anträge."
                ),
                "section": None,
                "official": False,
                "votes": [["greta", 1], ["bernd", 1], ["jonas", -1]],
                "replies": [],
            },
        ],
    },
    {
        "region": "paderborn",
        "title": "Online-Terminvergabe für Bürgerbüro und Fachämter",
        "summary": (
            "Die Terminvergabe für Bürgerbüro, Standesamt und Ausländerbehörde soll vereinheitlicht und um "
            "eine Warteliste mit Nachrückfunktion ergänzt werden."
        ),
        "body": """\
Lange Wartezeiten auf einen Termin im Bürgerbüro sorgen immer wieder für Ärger. Gleichzeitig bleiben
Termine ungenutzt, weil sie nicht abgesagt werden. Mit einer neuen **Online-Terminvergabe** will die
Stadt Paderborn die Vergabe fairer und effizienter gestalten.

## Ein System für alle Dienststellen

Bürgerbüro, Standesamt, Ausländerbehörde und Straßenverkehrsamt nutzen künftig dasselbe
Buchungssystem. Termine können online, telefonisch oder vor Ort vereinbart werden.

## Warteliste und Erinnerungen

Wer keinen passenden Termin findet, kann sich auf eine Warteliste setzen lassen. Wird ein Termin
frei, erhalten die nächsten Personen auf der Liste automatisch eine Nachricht. Eine Erinnerung per
E-Mail oder SMS am Vortag soll dafür sorgen, dass weniger Termine verfallen.

## Spontane Vorsprachen

Für dringende Anliegen bleibt an zwei Vormittagen pro Woche eine offene Sprechstunde ohne Termin
bestehen.""",
        "state": "open",
        "comments": [
            {
                "author": "jonas",
                "body": (
                    "Die Warteliste ist eine gute Idee. Wichtig wäre, dass man einen frei gewordenen Termin "
                    "direkt per Link bestätigen kann – sonst ist er nach zehn Minuten schon wieder weg."
                ),
                "section": 1,
                "official": False,
                "votes": [["ines", 1], ["hans", 1]],
                "replies": [
                    {
                        "author": "bernd",
                        "body": (
                            "Und was ist mit Leuten, die keine SMS lesen? Ich schaue nicht ständig aufs "
                            "Handy."
                        ),
                        "official": False,
                        "votes": [["greta", 1]],
                        "replies": [
                            {
                                "author": "jonas",
                                "body": (
                                    "Man könnte ja auswählen, ob man lieber angerufen werden möchte. "
                                    "Hauptsache, es gibt verschiedene Wege."
                                ),
                                "official": False,
                                "votes": [["bernd", 1], ["ines", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "ines",
                "body": (
                    "Vor allem bei der Ausländerbehörde ist die Lage schwierig. Bekannte von mir haben "
                    "monatelang auf einen Termin gewartet und wären beinahe in Schwierigkeiten mit ihrem "
                    "Arbeitgeber geraten, weil der Aufenthaltstitel auslief."
                ),
                "section": 0,
                "official": False,
                "votes": [["jonas", 1], ["anna", 1], ["cem", 1], ["dana", 1]],
                "replies": [
                    {
                        "author": "moderator",
                        "body": (
                            "Vielen Dank, dass Sie diese Erfahrung teilen. Die Ausländerbehörde wird im Zuge "
                            "der Umstellung personell verstärkt. Außerdem sollen Anträge auf Verlängerung "
                            "eines Aufenthaltstitels künftig vorab online eingereicht werden können, damit "
                            "eine Fiktionsbescheinigung schneller ausgestellt werden kann."
                        ),
                        "official": True,
                        "votes": [["ines", 1], ["jonas", 1], ["cem", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "greta",
                "body": (
                    "Zwei Vormittage sind für Berufstätige schwierig. Bitte wenigstens einmal pro Woche auch "
                    "am späten Nachmittag eine offene Sprechstunde anbieten."
                ),
                "section": 2,
                "official": False,
                "votes": [["jonas", 1], ["hans", 1], ["dana", 1]],
                "replies": [],
            },
            {
                "author": "bernd",
                "body": (
                    "Früher hat man eine Nummer gezogen und wurde drangenommen. Das hat doch auch "
                    "funktioniert. Warum muss heute alles so kompliziert sein?"
                ),
                "section": None,
                "official": False,
                "votes": [["greta", 1], ["jonas", -1], ["ines", -1]],
                "replies": [
                    {
                        "author": "greta",
                        "body": (
                            "Ganz so rosig war es früher auch nicht – ich habe oft den halben Vormittag im "
                            "Flur gesessen. Aber die offene Sprechstunde sollte auf jeden Fall bleiben."
                        ),
                        "official": False,
                        "votes": [["jonas", 1], ["bernd", 1]],
                        "replies": [],
                    },
                ],
            },
        ],
    },
    {
        "region": "paderborn",
        "title": "Einer für Alle: Online-Dienste gemeinsam mit Nachbarkommunen nutzen",
        "summary": (
            "Paderborn möchte selbst entwickelte Online-Dienste anderen Kommunen zur Nachnutzung anbieten "
            "und bewährte Lösungen aus der Region übernehmen."
        ),
        "body": """\
Nicht jede Kommune muss jeden Online-Antrag neu erfinden. Nach dem Prinzip **„Einer für Alle“**
entwickelt eine Stelle eine Lösung, die andere Kommunen anschließend nachnutzen können. Paderborn
hat in den vergangenen Jahren mehrere eigene Online-Dienste entwickelt, die sich für eine Weitergabe
eignen.

Dieser Entwurf wird derzeit mit den Kommunen im Kreis Paderborn und in Ostwestfalen-Lippe abgestimmt
und anschließend zur Beteiligung freigegeben.

## Welche Dienste geteilt werden können

Als erste Kandidaten gelten der digitale Antrag auf Sondernutzung für Straßenfeste, die
Online-Anmeldung zur Hundesteuer und der Mängelmelder für Schäden im Straßenraum.

## Gemeinsamer Betrieb und Kosten

Die Dienste sollen über einen kommunalen IT-Dienstleister betrieben werden. Die Betriebskosten
werden nach Einwohnerzahl auf die beteiligten Kommunen verteilt.

## Offene Standards und Quellcode

Neu entwickelte Dienste werden unter einer Open-Source-Lizenz veröffentlicht und auf einer
gemeinsamen Plattform der öffentlichen Verwaltung bereitgestellt, damit auch Kommunen außerhalb der
Region davon profitieren.""",
        "state": "draft",
        "comments": [],
    },
    # -------------------- Soest --------------------
    {
        "region": "soest",
        "title": "On-Demand-Shuttle für die Soester Ortsteile",
        "summary": (
            "Ein per App oder Telefon buchbarer Kleinbus soll die Ortsteile flexibel mit der Kernstadt und "
            "dem Bahnhof verbinden."
        ),
        "body": """\
In vielen Ortsteilen fährt der Bus nur wenige Male am Tag, am Wochenende oft gar nicht. Wer kein
Auto hat, ist schnell aufgeschmissen. Ein **On-Demand-Shuttle** soll diese Lücke schließen:
Fahrgäste buchen ihre Fahrt per App oder Telefon, und ein Kleinbus holt sie an einer virtuellen
Haltestelle in ihrer Nähe ab.

Das Angebot wird zunächst für zwei Jahre als Pilotprojekt gemeinsam mit dem regionalen
Verkehrsunternehmen erprobt. Weitere Informationen finden Sie unter
[www.example.org](https://www.example.org).

## Bediengebiet und Fahrzeiten

Das Shuttle fährt in den Ortsteilen südlich der Kernstadt sowie zum Bahnhof Soest. Betriebszeiten
sind montags bis freitags von 5 bis 23 Uhr, am Wochenende von 8 bis 1 Uhr.

## Buchung per App und Telefon

Fahrten können per App bis zu sieben Tage im Voraus oder spontan gebucht werden. Für Menschen ohne
Smartphone gibt es eine telefonische Buchung zum Ortstarif.

## Tarif

Es gilt der normale Nahverkehrstarif zuzüglich eines Komfortzuschlags von einem Euro pro Fahrt. Wer
ein Deutschlandticket besitzt, zahlt nur den Zuschlag.""",
        "state": "open",
        "comments": [
            {
                "author": "frank",
                "body": (
                    "Endlich tut sich was! Unser Ortsteil hat sonntags überhaupt keine Busverbindung. Meine "
                    "Kinder müssen jedes Mal gefahren werden, wenn sie in die Stadt wollen."
                ),
                "section": 0,
                "official": False,
                "votes": [["greta", 1], ["anna", 1], ["hans", 1], ["jonas", 1]],
                "replies": [
                    {
                        "author": "greta",
                        "body": (
                            "Wichtig ist, dass das Shuttle auf die Züge abgestimmt ist. Sonst steht man am "
                            "Bahnhof und der Zug ist gerade weg."
                        ),
                        "official": False,
                        "votes": [["frank", 1], ["jonas", 1], ["bernd", 1]],
                        "replies": [
                            {
                                "author": "moderator",
                                "body": (
                                    "Vielen Dank für diesen Hinweis. Das Buchungssystem berücksichtigt die "
                                    "Fahrpläne am Bahnhof Soest. Wenn Sie bei der Buchung einen Anschlusszug "
                                    "angeben, wird die Fahrt so geplant, dass Sie den Zug mit ausreichend "
                                    "Umsteigezeit erreichen."
                                ),
                                "official": True,
                                "votes": [["greta", 1], ["frank", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "bernd",
                "body": (
                    "Die telefonische Buchung ist für uns Ältere sehr wichtig. Bitte aber mit einem echten "
                    "Menschen am Telefon und nicht mit einem Sprachcomputer."
                ),
                "section": 1,
                "official": False,
                "votes": [["greta", 1], ["frank", 1], ["ines", 1]],
                "replies": [],
            },
            {
                "author": "jonas",
                "body": (
                    "Warum muss man mit Deutschlandticket noch einen Zuschlag zahlen? Für Pendlerinnen und "
                    "Pendler, die täglich fahren, summiert sich das schnell."
                ),
                "section": 2,
                "official": False,
                "votes": [["greta", 1], ["frank", 1], ["bernd", -1]],
                "replies": [
                    {
                        "author": "frank",
                        "body": (
                            "Ein Euro ist im Vergleich zu einem Taxi doch fair. Irgendwie muss der Betrieb "
                            "ja auch bezahlt werden."
                        ),
                        "official": False,
                        "votes": [["bernd", 1], ["greta", 1]],
                        "replies": [
                            {
                                "author": "jonas",
                                "body": (
                                    "Fair, ja. Dann aber bitte eine Monatspauschale für Vielfahrende "
                                    "anbieten."
                                ),
                                "official": False,
                                "votes": [["frank", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "greta",
                "body": (
                    "Werden die Fahrzeuge barrierefrei sein? In meinem Dorf wohnen einige Menschen, die auf "
                    "einen Rollstuhl oder Rollator angewiesen sind."
                ),
                "section": None,
                "official": False,
                "votes": [["bernd", 1], ["ines", 1]],
                "replies": [],
            },
        ],
    },
    {
        "region": "soest",
        "title": "Mobilstationen und Radwege zwischen den Ortschaften",
        "summary": (
            "An zentralen Punkten sollen Mobilstationen mit Leihrädern, Carsharing und Ladesäulen entstehen, "
            "verbunden durch sichere Radwege. Die Beteiligung ist abgeschlossen."
        ),
        "body": """\
Wer in der Region Soest unterwegs ist, ist meist auf das Auto angewiesen. Damit der Umstieg leichter
fällt, sollen an Bahnhöfen und in größeren Ortsteilen **Mobilstationen** entstehen. Dort lassen sich
Bus, Bahn, Fahrrad und Carsharing bequem miteinander verknüpfen.

Die Beteiligung ist abgeschlossen. Die Hinweise werden derzeit in die Entwurfsplanung eingearbeitet.

## Ausstattung der Mobilstationen

Jede Mobilstation erhält überdachte Radabstellanlagen, Leihräder und E-Lastenräder, mindestens ein
Carsharing-Fahrzeug sowie Ladesäulen. Eine digitale Anzeige informiert über die nächsten Abfahrten
von Bus und Bahn.

## Radwege zwischen den Orten

Bestehende Wirtschaftswege sollen ausgebaut und beleuchtet werden, um die Ortsteile sicher mit der
Kernstadt zu verbinden. Vorrang haben Verbindungen zu Schulen und Bahnhöfen.

## Standorte

Vorgeschlagen sind zunächst sechs Standorte, darunter der Bahnhof Soest und die Ortsmitten der
größeren Ortsteile. Weitere Standorte können auf Grundlage dieser Beteiligung ergänzt werden.""",
        "state": "closed",
        "comments": [
            {
                "author": "frank",
                "body": (
                    "Als Landwirt bin ich täglich mit dem Traktor auf den Wirtschaftswegen unterwegs. Wenn "
                    "dort mehr Radverkehr ist, muss man unbedingt an Ausweichstellen denken, sonst wird es "
                    "gefährlich."
                ),
                "section": 1,
                "official": False,
                "votes": [["greta", 1], ["bernd", 1], ["jonas", 1]],
                "replies": [
                    {
                        "author": "jonas",
                        "body": (
                            "Das stimmt, aber umgekehrt muss es auch für Radfahrende sicher sein. Könnte man "
                            "auf manchen Abschnitten Radweg und landwirtschaftlichen Verkehr trennen?"
                        ),
                        "official": False,
                        "votes": [["frank", 1], ["greta", 1]],
                        "replies": [
                            {
                                "author": "frank",
                                "body": (
                                    "Getrennte Wege wären ideal, kosten aber Ackerfläche. Ausweichbuchten "
                                    "alle paar hundert Meter wären ein guter Kompromiss."
                                ),
                                "official": False,
                                "votes": [["jonas", 1], ["greta", 1]],
                                "replies": [],
                            },
                        ],
                    },
                    {
                        "author": "moderator",
                        "body": (
                            "Vielen Dank für Ihre Hinweise aus der Praxis. Die Anregungen zu Ausweichstellen "
                            "und zur Kennzeichnung gemeinsam genutzter Wege wurden in die Planung "
                            "übernommen. Die örtliche Landwirtschaft wird bei der Detailplanung der "
                            "einzelnen Abschnitte beteiligt."
                        ),
                        "official": True,
                        "votes": [["frank", 1], ["greta", 1], ["jonas", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "greta",
                "body": (
                    "Ich pendle täglich von Werl nach Soest. Eine Mobilstation am Bahnhof mit abschließbaren "
                    "Fahrradboxen würde mir sehr helfen – mein letztes Rad wurde dort gestohlen."
                ),
                "section": 2,
                "official": False,
                "votes": [["frank", 1], ["jonas", 1], ["anna", 1]],
                "replies": [],
            },
            {
                "author": "bernd",
                "body": (
                    "E-Lastenräder sind schön und gut, aber wer nutzt die auf dem Dorf? Ein zweites "
                    "Carsharing-Auto wäre sinnvoller."
                ),
                "section": 0,
                "official": False,
                "votes": [["frank", 1], ["greta", -1]],
                "replies": [
                    {
                        "author": "greta",
                        "body": (
                            "Ich kenne einige junge Familien, die sich über ein Lastenrad für den "
                            "Wocheneinkauf freuen würden. Vielleicht einfach ausprobieren und nach einem "
                            "Jahr schauen, was genutzt wird."
                        ),
                        "official": False,
                        "votes": [["jonas", 1], ["bernd", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "jonas",
                "body": (
                    "Eine digitale Abfahrtsanzeige mit Echtzeitdaten wäre super. Noch besser wäre, die Daten "
                    "auch offen bereitzustellen, damit sie in gängigen Fahrplan-Apps erscheinen."
                ),
                "section": None,
                "official": False,
                "votes": [["greta", 1], ["cem", 1]],
                "replies": [],
            },
        ],
    },
    {
        "region": "soest",
        "title": "Digitale Dorfplätze und Coworking in den Ortsteilen",
        "summary": (
            "Leerstehende Gebäude in den Ortsteilen sollen zu Coworking-Räumen und digitalen Treffpunkten "
            "werden – mit schnellem Glasfaseranschluss."
        ),
        "body": """\
Immer mehr Menschen arbeiten zumindest teilweise von zu Hause. Nicht jede Wohnung eignet sich dafür,
und das tägliche Pendeln kostet Zeit. Gleichzeitig stehen in vielen Ortsteilen alte Schulgebäude,
Gaststätten oder frühere Bankfilialen leer. Die Idee: Daraus werden **digitale Dorfplätze** – Orte
zum Arbeiten, Lernen und Begegnen.

## Coworking-Räume

In zunächst drei Ortsteilen sollen Coworking-Räume mit Glasfaseranschluss, Besprechungsraum und
Telefonkabinen entstehen. Arbeitsplätze können stunden-, tage- oder monatsweise gebucht werden.

## Digitaler Dorfplatz

Eine gemeinsame Online-Plattform soll die Ortsteile vernetzen:

- Vereine veröffentlichen ihre Termine
- Nachbarinnen und Nachbarn bieten Mitfahrgelegenheiten an oder verleihen Werkzeug
- die Stadt informiert über Neuigkeiten aus dem Ortsteil

## Glasfaserausbau

Die Stadt unterstützt den geförderten Glasfaserausbau in den noch unterversorgten Außenbereichen.
Die Standorte der Coworking-Räume werden bevorzugt angeschlossen.""",
        "state": "open",
        "comments": [
            {
                "author": "greta",
                "body": (
                    "Ich arbeite drei Tage pro Woche im Homeoffice, und zu Hause fällt mir die Decke auf den "
                    "Kopf. Ein Coworking-Raum im Dorf wäre für mich perfekt – und mittags könnte man beim "
                    "Bäcker nebenan einkaufen."
                ),
                "section": 0,
                "official": False,
                "votes": [["frank", 1], ["jonas", 1], ["anna", 1], ["ines", 1]],
                "replies": [
                    {
                        "author": "frank",
                        "body": (
                            "Wenn dadurch wieder mehr Leben ins Dorf kommt, bin ich dafür. Unsere alte "
                            "Schule steht seit Jahren leer."
                        ),
                        "official": False,
                        "votes": [["greta", 1], ["bernd", 1]],
                        "replies": [
                            {
                                "author": "moderator",
                                "body": (
                                    "Vielen Dank für Ihre Rückmeldungen. Die Stadt prüft derzeit die Eignung "
                                    "mehrerer leerstehender Gebäude, darunter auch ehemalige Schulgebäude. "
                                    "Vorschläge für konkrete Standorte können Sie gerne hier oder per E-Mail "
                                    "an dorfplatz@example.org einreichen."
                                ),
                                "official": True,
                                "votes": [["frank", 1], ["greta", 1], ["jonas", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "bernd",
                "body": (
                    "Noch eine Plattform? Bei uns gibt es schon eine Messenger-Gruppe fürs Dorf, die "
                    "funktioniert prima. Bitte nichts aufbauen, was am Ende keiner nutzt."
                ),
                "section": 1,
                "official": False,
                "votes": [["frank", 1], ["greta", -1]],
                "replies": [
                    {
                        "author": "jonas",
                        "body": (
                            "Messenger-Gruppen erreichen aber längst nicht alle, und die Daten liegen bei "
                            "einem großen Konzern. Eine offene Plattform, die auch ohne Smartphone im "
                            "Browser funktioniert, wäre inklusiver."
                        ),
                        "official": False,
                        "votes": [["greta", 1], ["ines", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "frank",
                "body": (
                    "Bei uns auf dem Hof kommen gerade einmal 6 Mbit/s an. Ohne Glasfaser sind Homeoffice "
                    "und digitale Landwirtschaft für uns reine Theorie. Wann sind die Außenbereiche an der "
                    "Reihe?"
                ),
                "section": 2,
                "official": False,
                "votes": [["greta", 1], ["bernd", 1], ["jonas", 1], ["anna", 1], ["hans", 1], ["cem", 1]],
                "replies": [],
            },
            {
                "author": "ines",
                "body": (
                    "Schön wäre, wenn die Räume abends auch für Kurse genutzt würden, zum Beispiel für "
                    "Digitalkurse der Volkshochschule oder als Treffpunkt für Jugendliche."
                ),
                "section": None,
                "official": False,
                "votes": [["greta", 1], ["dana", 1]],
                "replies": [],
            },
        ],
    },
    # -------------------- Wuppertal --------------------
    {
        "region": "wuppertal",
        "title": "Ummelden ohne Warteschlange: Digitale Wohnsitzanmeldung",
        "summary": (
            "Wer nach Wuppertal oder innerhalb der Stadt umzieht, soll sich künftig vollständig online "
            "ummelden können."
        ),
        "body": """\
Die Ummeldung nach einem Umzug ist einer der häufigsten Gründe für einen Besuch im
Einwohnermeldeamt. Mit der **elektronischen Wohnsitzanmeldung** ist dieser Behördengang inzwischen
auch online möglich. Wuppertal möchte das Angebot einführen und gleichzeitig die Abläufe im
Einwohnermeldeamt neu aufstellen.

## So funktioniert die Online-Ummeldung

Sie melden sich mit Ihrem Personalausweis und der zugehörigen PIN an, geben Ihre neue Adresse ein
und laden die Wohnungsgeberbestätigung hoch. Einen Aufkleber mit der neuen Anschrift für Ihren
Ausweis erhalten Sie anschließend per Post.

## Was sich im Amt ändert

Die Sachbearbeitung prüft Online-Anmeldungen vollständig digital, ohne Ausdrucke und erneutes
Abtippen. Die frei werdende Zeit soll genutzt werden, um Menschen, die persönlich vorsprechen,
schneller und ausführlicher zu beraten.

## Unterstützung vor Ort

In allen Bezirksämtern werden Selbstbedienungsterminals aufgestellt, an denen Sie die
Online-Ummeldung mit Unterstützung durch Mitarbeitende erledigen können.""",
        "state": "open",
        "comments": [
            {
                "author": "hans",
                "body": (
                    "Klingt gut, aber was ist mit Familien? Kann ich meine Kinder gleich mit ummelden, oder "
                    "braucht dann jedes Familienmitglied einen eigenen Ausweis mit PIN?"
                ),
                "section": 0,
                "official": False,
                "votes": [["ines", 1], ["anna", 1], ["dana", 1]],
                "replies": [
                    {
                        "author": "moderator",
                        "body": (
                            "Vielen Dank für Ihre Frage. Nach derzeitiger Planung sollen mitziehende "
                            "Familienangehörige künftig im selben Vorgang angemeldet werden können. Bis "
                            "diese Funktion verfügbar ist, unterstützen unsere Mitarbeitenden Sie an den "
                            "Selbstbedienungsterminals gerne dabei, die Ummeldung für die ganze Familie in "
                            "einem Termin zu erledigen."
                        ),
                        "official": True,
                        "votes": [["hans", 1], ["ines", 1]],
                        "replies": [
                            {
                                "author": "hans",
                                "body": (
                                    "Danke für die ehrliche Auskunft. Dann hoffe ich, dass es bis zu unserem "
                                    "Umzug im Frühjahr klappt."
                                ),
                                "official": False,
                                "votes": [["ines", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "ines",
                "body": (
                    "Die Terminals sind eine gute Idee, aber bitte mit Sichtschutz. Ich möchte nicht, dass "
                    "die Person hinter mir meine Daten mitlesen kann."
                ),
                "section": 2,
                "official": False,
                "votes": [["hans", 1], ["anna", 1], ["bernd", 1]],
                "replies": [],
            },
            {
                "author": "bernd",
                "body": (
                    "Und was ist mit der Wohnungsgeberbestätigung? Mein Vermieter schickt so etwas nur auf "
                    "Papier."
                ),
                "section": 0,
                "official": False,
                "votes": [["hans", 1]],
                "replies": [
                    {
                        "author": "ines",
                        "body": (
                            "Das Papier kann man einfach mit dem Handy fotografieren oder einscannen und "
                            "hochladen. Bei meiner Schwester in einer anderen Stadt hat das problemlos "
                            "geklappt."
                        ),
                        "official": False,
                        "votes": [["bernd", 1], ["hans", 1]],
                        "replies": [
                            {
                                "author": "bernd",
                                "body": (
                                    "Na, wenn das so einfach geht, probiere ich es beim nächsten Mal aus."
                                ),
                                "official": False,
                                "votes": [["ines", 1]],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "cem",
                "body": (
                    "Gibt es Zahlen dazu, wie viele Menschen die Online-Ausweisfunktion überhaupt nutzen? "
                    "Ich befürchte, dass das Angebot nur einen kleinen Teil der Bevölkerung erreicht."
                ),
                "section": 1,
                "official": False,
                "votes": [["bernd", 1], ["hans", 1]],
                "replies": [],
            },
            {
                "author": "jonas",
                "body": (
                    "Bitte auch eine englische Fassung anbieten. Viele internationale Studierende ziehen "
                    "jedes Semester um und scheitern sonst an den Formularen."
                ),
                "section": None,
                "official": False,
                "votes": [["ines", 1], ["hans", 1], ["cem", 1]],
                "replies": [],
            },
        ],
    },
    {
        "region": "wuppertal",
        "title": "E-Akte und neue Arbeitsabläufe im Rathaus",
        "summary": (
            "Die Stadtverwaltung stellt schrittweise auf die elektronische Akte um. Bürgerinnen, Bürger und "
            "Beschäftigte können mitdiskutieren, wie der Wandel gelingen kann."
        ),
        "body": """\
In vielen Büros der Wuppertaler Stadtverwaltung stapeln sich noch immer Aktenordner. Bis 2027 sollen
alle Ämter auf die **elektronische Akte (E-Akte)** umgestellt werden. Das bedeutet mehr als neue
Software: Arbeitsabläufe, Zuständigkeiten und die Zusammenarbeit zwischen den Ämtern verändern sich
grundlegend.

Wir möchten diesen Wandel offen gestalten und laden ausdrücklich auch die Beschäftigten der
Stadtverwaltung ein, sich zu beteiligen.

## Digitale Abläufe statt Papierumlauf

Vorgänge, die bisher per Hauspost von Amt zu Amt wandern, werden künftig digital weitergeleitet.
Mitzeichnungen und Freigaben erfolgen elektronisch, der Bearbeitungsstand ist jederzeit
nachvollziehbar.

## Change Management und Qualifizierung

Jedes Amt benennt Digitalisierungslotsinnen und Digitalisierungslotsen, die Kolleginnen und Kollegen
bei der Umstellung begleiten. Schulungen finden während der Arbeitszeit statt, und für die
Einarbeitung wird ausreichend Zeit eingeplant.

## Beteiligung der Beschäftigten

Der Personalrat ist von Beginn an eingebunden. Über regelmäßige Befragungen und offene Sprechstunden
können Beschäftigte Probleme melden und Verbesserungen vorschlagen.

## Was Bürgerinnen und Bürger davon haben

Anfragen sollen schneller beantwortet werden, weil Akten nicht mehr gesucht oder verschickt werden
müssen. Langfristig soll der Bearbeitungsstand eigener Anliegen online einsehbar sein.""",
        "state": "open",
        "comments": [
            {
                "author": "ines",
                "body": (
                    "Ich arbeite selbst in der Verwaltung. Die größte Sorge bei uns ist nicht die Technik, "
                    "sondern dass die Umstellung neben dem vollen Tagesgeschäft passieren soll. Ohne "
                    "Entlastung während der Einführung wird das nicht funktionieren."
                ),
                "section": 1,
                "official": False,
                "votes": [["hans", 1], ["elif", 1], ["cem", 1], ["anna", 1], ["dana", 1]],
                "replies": [
                    {
                        "author": "hans",
                        "body": (
                            "Das glaube ich sofort. Vielleicht könnte man während der Umstellung die "
                            "Öffnungszeiten einzelner Ämter vorübergehend anpassen – lieber zwei Wochen "
                            "Einschränkungen als monatelanges Chaos."
                        ),
                        "official": False,
                        "votes": [["ines", 1], ["bernd", -1]],
                        "replies": [
                            {
                                "author": "ines",
                                "body": (
                                    "Genau so etwas würde helfen. Wichtig ist nur, dass es rechtzeitig "
                                    "angekündigt wird, damit niemand vor verschlossener Tür steht."
                                ),
                                "official": False,
                                "votes": [["hans", 1]],
                                "replies": [],
                            },
                        ],
                    },
                    {
                        "author": "moderator",
                        "body": (
                            "Vielen Dank für Ihren offenen Beitrag. Die Verwaltungsführung hat zugesagt, "
                            "dass jedes Amt für die Einführungsphase ein zusätzliches Zeitbudget erhält. Wie "
                            "dieses konkret ausgestaltet wird, stimmen wir derzeit mit dem Personalrat ab. "
                            "Über das Ergebnis informieren wir an dieser Stelle."
                        ),
                        "official": True,
                        "votes": [["ines", 1], ["hans", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "hans",
                "body": (
                    "Als Bürger interessiert mich vor allem: Kann ich irgendwann online sehen, wo mein "
                    "Bauantrag gerade liegt? Das wäre ein echter Gewinn."
                ),
                "section": 3,
                "official": False,
                "votes": [["bernd", 1], ["ines", 1], ["cem", 1]],
                "replies": [],
            },
            {
                "author": "bernd",
                "body": (
                    "Was passiert, wenn das System ausfällt? Mit Papier kann man wenigstens weiterarbeiten."
                ),
                "section": 0,
                "official": False,
                "votes": [["hans", 1], ["ines", -1]],
                "replies": [
                    {
                        "author": "jonas",
                        "body": (
                            "Dafür gibt es Notfallkonzepte und gespiegelte Rechenzentren. Papierakten können "
                            "übrigens auch verloren gehen oder bei einem Wasserschaden unbrauchbar werden."
                        ),
                        "official": False,
                        "votes": [["ines", 1], ["cem", 1]],
                        "replies": [],
                    },
                ],
            },
            {
                "author": "cem",
                "body": (
                    "Befragungen sind gut, aber nur, wenn die Ergebnisse auch veröffentlicht werden. Sonst "
                    "verlieren die Beschäftigten schnell das Vertrauen in den Prozess."
                ),
                "section": 2,
                "official": False,
                "votes": [["ines", 1], ["hans", 1]],
                "replies": [],
            },
        ],
    },
    {
        "region": "wuppertal",
        "title": "Digitaler Assistent für das Bürgertelefon",
        "summary": (
            "Ein Chatbot auf der städtischen Website soll häufige Fragen rund um die Uhr beantworten und das "
            "Bürgertelefon entlasten."
        ),
        "body": """\
Das Wuppertaler Bürgertelefon beantwortet jeden Monat Tausende Anfragen – viele davon wiederholen
sich: Öffnungszeiten, benötigte Unterlagen, Zuständigkeiten. Ein **digitaler Assistent** auf der
städtischen Website soll solche Standardfragen rund um die Uhr beantworten, damit am Telefon mehr
Zeit für komplexe Anliegen bleibt.

## Einsatzbereiche

Der Assistent soll zunächst Fragen zu Bürgerbüro, Abfallentsorgung und Kfz-Zulassung beantworten.
Grundlage sind ausschließlich geprüfte Informationen aus dem städtischen Dienstleistungsverzeichnis.

## Übergabe an Mitarbeitende

Kann der Assistent eine Frage nicht beantworten, wird das Anliegen an das Team des Bürgertelefons
übergeben. Das persönliche Gespräch bleibt jederzeit möglich.

## Datenschutz

Gespräche mit dem Assistenten werden anonym geführt und nach 30 Tagen gelöscht. Ausgewertet wird nur
in zusammengefasster Form, um das Angebot zu verbessern.""",
        "state": "draft",
        "comments": [],
    },
]
