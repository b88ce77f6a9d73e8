"""Question types: how a question is defined, answered, validated, summarised and exported.

The core registers its five types here; a plugin adds its own through its class attribute
``question_types`` (registered as ``<plugin>.<key>``). Every type follows the same contract:

- ``clean_definition(definition)`` checks ``settings`` and ``options`` when a poll is created or
  edited and returns the normalised settings (raise ``DefinitionError`` with a German message);
- ``parse(question, value)`` turns a participant's answer (the JSON value, or what ``from_form``
  read from a page's form) into cells ``(option_id, number, text)`` or raises ``AnswerError``;
  ``None`` means "not answered" and is handled by the engine (required questions);
- ``summarize(question, cells, respondents)`` builds the results from the aggregated cells:
  ``cells`` is a list of ``(option_id, number, count)`` computed by SQL over all ballots;
- ``csv_rows(question, summary)`` gives rows ``(option_label, measure, value)`` for the export;
- ``form_template`` and ``result_template`` render the question on pages without JavaScript;
- ``settings_fields``: the type's own settings (:class:`Setting`), checked by ``clean_settings`` for
  the API and the moderators' page form alike, and shown on that form for the type.
"""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..ids import parse_id
from ..markup import clean_text
from .ranking import shared_places


class DefinitionError(ValueError):
    """A question definition (settings, options) is not valid; the message is for moderators."""


class AnswerError(ValueError):
    """An answer is not valid; the message is for the participant."""


@dataclass(frozen=True)
class Cell:
    option_id: int | None = None
    number: int | None = None
    text: str | None = None


def share(count, total):
    return round(count / total, 4) if total else 0.0


def form_id(raw):
    """A form value as an id (int) if it can be one (ids.parse_id), else the raw text (for parse to refuse)."""
    number = parse_id(raw)
    return raw if number is None else number


def strict_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def int_setting(settings, key, default, low, high):
    value = settings.get(key, default)
    if value is None:
        return default
    if not strict_int(value) or not low <= value <= high:
        raise DefinitionError(_("Die Einstellung %(key)s muss eine ganze Zahl von %(low)d bis %(high)d sein.",
                                key=key, low=low, high=high))
    return value


SETTING_KINDS = ("int", "text", "choice")
SETTING_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class Setting:
    """One setting a question type declares: its key in ``settings``, a German label, and its rule.

    ``kind`` is ``"int"`` (a whole number from ``min`` to ``max``), ``"text"`` (one line of at most
    ``max`` characters, default 200; at least ``min``, default 0) or ``"choice"`` (one of the values of
    ``choices``, pairs ``(value, label)``). ``default`` is used when the setting is left out (``None``:
    then it is required). ``help`` is a hint shown under the field.
    """

    key: str
    label: str
    kind: str = "int"
    default: object = None
    min: int | None = None
    max: int | None = None
    choices: tuple = ()
    help: str = ""

    def __post_init__(self):
        if not SETTING_KEY.fullmatch(self.key or ""):
            raise ValueError(f"Setting key {self.key!r}: [a-z][a-z0-9_]*, at most 40 characters.")
        if self.kind not in SETTING_KINDS:
            raise ValueError(f"Setting {self.key}: kind must be one of {', '.join(SETTING_KINDS)}.")
        if self.kind == "choice" and (not self.choices or not all(
                isinstance(choice, tuple | list) and len(choice) == 2 and isinstance(choice[0], str)
                for choice in self.choices)):
            raise ValueError(f"Setting {self.key}: a choice needs choices, pairs (value text, label).")
        if self.default is not None:
            self.clean(self.default)  # a default that breaks the rule is a mistake of the type

    def describe(self):
        """The rule in German, for messages and hints."""
        if self.kind == "int":
            if self.min is not None and self.max is not None:
                return _("eine ganze Zahl von %(low)s bis %(high)s", low=self.min, high=self.max)
            if self.min is not None:
                return _("eine ganze Zahl ab %(low)s", low=self.min)
            if self.max is not None:
                return _("eine ganze Zahl bis %(high)s", high=self.max)
            return _("eine ganze Zahl")
        if self.kind == "text":
            return _("ein Text mit höchstens %(max)d Zeichen", max=self.max or 200)
        choices = ", ".join(f"„{value}“" for value, _label in self.choices)
        return _("eine der Möglichkeiten %(choices)s", choices=choices)

    def _refuse(self):
        raise DefinitionError(_("Die Einstellung „%(label)s“ (%(key)s) muss %(rule)s sein.",
                                label=str(self.label), key=self.key, rule=self.describe()))

    def clean(self, value):
        """The setting's value checked and normalised; ``None`` gives the default. DefinitionError if invalid."""
        if value is None:
            if self.default is None:
                raise DefinitionError(_("Bitte geben Sie die Einstellung „%(label)s“ (%(key)s) an.",
                                        label=str(self.label), key=self.key))
            return self.default
        if self.kind == "int":
            if not strict_int(value) or (self.min is not None and value < self.min) or (
                    self.max is not None and value > self.max):
                self._refuse()
            return value
        if self.kind == "text":
            if not isinstance(value, str):
                self._refuse()
            text = " ".join(clean_text(value).split())
            if len(text) > (self.max or 200) or len(text) < (self.min or 0):
                self._refuse()
            return text
        if value not in [choice for choice, _label in self.choices]:
            self._refuse()
        return value

    def from_form(self, raw):
        """The value of the page form's field (text): ``None`` when empty, an int for whole numbers."""
        raw = (raw or "").strip()
        if not raw:
            return None
        if self.kind == "int":
            return int(raw) if re.fullmatch(r"-?[0-9]{1,12}", raw) else raw  # clean() refuses the text
        return raw


LABEL_KEY = re.compile(r"-?[0-9]{1,2}")


def scale_settings(settings, *, min_range=(-10, 10), max_range=(-10, 10), default_labels=None):
    """``{"min", "max", "labels"}`` of a rating scale of 2 to 11 steps, checked and cleaned.

    For every type with a scale (the core's, and plugins' such as a matrix or a journey): ``min_range``
    and ``max_range`` bound the ends, ``default_labels(low, high)`` gives labels when none are set.
    Raises DefinitionError with a German message.
    """
    if not isinstance(settings, dict):
        raise DefinitionError(_("Die Einstellungen sind ein Objekt mit min, max und labels."))
    low = int_setting(settings, "min", 1, *min_range)
    high = int_setting(settings, "max", 5, *max_range)
    if not low < high or high - low > 10:
        raise DefinitionError(_("Eine Skala braucht 2 bis 11 Stufen (min kleiner als max)."))
    labels = settings.get("labels")
    if not labels and default_labels is not None:
        return {"min": low, "max": high, "labels": default_labels(low, high)}
    labels = labels or {}
    if not isinstance(labels, dict):
        raise DefinitionError(_("labels muss ein Objekt sein, z. B. {\"1\": \"gar nicht\"}."))
    clean = {}
    for key, text in labels.items():
        if not (isinstance(key, str) and LABEL_KEY.fullmatch(key) and low <= int(key) <= high):
            raise DefinitionError(_("Beschriftungen gibt es nur für die Stufen %(low)d bis %(high)d.",
                                    low=low, high=high))
        text = clean_text(text).strip() if isinstance(text, str) else ""
        if not 1 <= len(text) <= 60:
            raise DefinitionError(_("Eine Beschriftung hat 1 bis 60 Zeichen."))
        clean[str(int(key))] = " ".join(text.split())
    return {"min": low, "max": high, "labels": clean}


class QuestionType:
    key = ""                # set by the registry: "single_choice" or "<plugin>.<key>"
    label = ""              # German name shown to moderators
    plugin = None           # name of the plugin that contributed the type (None: core)
    has_options = False
    min_options = 0
    max_options = 50
    supports_other = False
    form_template = "polls/questions/text.html"
    result_template = "polls/results/choice.html"
    value_doc = ""          # how an answer looks in the JSON API
    shows_own_texts = False  # True: the result template shows the written answers itself (moderators)
    settings_fields = ()    # Setting(…) declarations: checked by clean_settings, shown on the page form

    def clean_definition(self, definition):
        """Normalised settings of a question definition ``{"settings", "options", "allow_other", …}``.

        The default checks the declared ``settings_fields``; a type that overrides it and declares
        settings starts with ``settings = self.clean_settings(definition)``.
        """
        return self.clean_settings(definition)

    def clean_settings(self, definition):
        """The declared settings (``settings_fields``) of a definition, checked, defaults filled in.

        Other keys of ``settings`` are left to the type (and dropped by the default clean_definition).
        """
        settings = definition.get("settings") or {}
        if not isinstance(settings, dict):
            raise DefinitionError(_("Die Einstellungen sind ein Objekt."))
        return {field.key: field.clean(settings.get(field.key)) for field in self.settings_fields}

    def parse(self, question, value):
        raise NotImplementedError

    def from_form(self, question, form):
        """The answer in a submitted page form (a MultiDict); None if not answered."""
        value = form.get(f"q{question.id}", "").strip()
        return value or None

    def summarize(self, question, cells, respondents):
        return {}

    def csv_rows(self, question, summary):
        return [(option["label"], "count", option["count"]) for option in summary.get("options", [])]

    # helpers shared by the types
    def min_group_size(self):
        """The small-group limit (``POLL_MIN_GROUP_SIZE``), for a type's templates: ``qtype.min_group_size()``."""
        from ..disclosure import min_group_size

        return min_group_size()

    def options_by_id(self, question):
        return {option.id: option for option in question.options}

    def option_id(self, question, value):
        if not strict_int(value) or value not in self.options_by_id(question):
            raise AnswerError(_("Diese Antwortmöglichkeit gehört nicht zu dieser Frage."))
        return value

    def other_text(self, question, value):
        """The text of an answer ``{"other": "…"}`` (choice questions that allow "other")."""
        if not question.allow_other:
            raise AnswerError(_("Bei dieser Frage ist keine eigene Antwort vorgesehen."))
        text = value.get("other")
        if not isinstance(text, str) or not clean_text(text).strip():
            raise AnswerError(_("Bitte schreiben Sie Ihre eigene Antwort."))
        text = clean_text(text).strip()
        if len(text) > 300:
            raise AnswerError(_("Eine eigene Antwort darf höchstens 300 Zeichen lang sein."))
        return text

    def form_other(self, question, form):
        text = form.get(f"q{question.id}_other", "").strip()
        return {"other": text}

    def option_counts(self, question, cells, respondents):
        counts = {}
        for option_id, _number, count in cells:
            counts[option_id] = counts.get(option_id, 0) + count
        options = [{"option_id": option.id, "label": option.label, "count": counts.get(option.id, 0),
                    "share": share(counts.get(option.id, 0), respondents)} for option in question.options]
        summary = {"options": options}
        if question.allow_other:
            summary["other_count"] = counts.get(None, 0)
        return summary


class SingleChoice(QuestionType):
    label = _l("Einfachauswahl")
    has_options = True
    min_options = 2
    supports_other = True
    form_template = "polls/questions/single_choice.html"
    value_doc = "option id (integer), or {\"other\": text} when the question allows other"

    def parse(self, question, value):
        if isinstance(value, dict):
            return [Cell(text=self.other_text(question, value))]
        return [Cell(option_id=self.option_id(question, value))]

    def from_form(self, question, form):
        raw = form.get(f"q{question.id}", "")
        if raw == "other":
            return self.form_other(question, form)
        return form_id(raw) if raw else None

    def summarize(self, question, cells, respondents):
        return self.option_counts(question, cells, respondents)

    def csv_rows(self, question, summary):
        rows = [(o["label"], "count", o["count"]) for o in summary["options"]]
        if "other_count" in summary:
            rows.append((_("Andere Antwort"), "count", summary["other_count"]))
        return rows


class MultipleChoice(SingleChoice):
    label = _l("Mehrfachauswahl")
    form_template = "polls/questions/multiple_choice.html"
    value_doc = "list of option ids (and at most one {\"other\": text}); settings min, max"

    def clean_definition(self, definition):
        count = len(definition.get("options") or []) + (1 if definition.get("allow_other") else 0)
        settings = definition.get("settings") or {}
        low = int_setting(settings, "min", 0, 0, count)
        high = int_setting(settings, "max", count, 1, count)
        if low > high:
            raise DefinitionError(_("Die Mindestzahl der Auswahlen ist größer als die Höchstzahl."))
        return {"min": low, "max": high}

    def parse(self, question, value):
        if not isinstance(value, list):
            raise AnswerError(_("Bitte wählen Sie eine oder mehrere Antworten aus einer Liste."))
        cells, seen, other = [], set(), False
        for item in value:
            if isinstance(item, dict):
                if other:
                    raise AnswerError(_("Es ist nur eine eigene Antwort möglich."))
                other = True
                cells.append(Cell(text=self.other_text(question, item)))
                continue
            option_id = self.option_id(question, item)
            if option_id in seen:
                raise AnswerError(_("Jede Antwort kann nur einmal gewählt werden."))
            seen.add(option_id)
            cells.append(Cell(option_id=option_id))
        if not cells:
            return None
        low, high = question.settings.get("min", 0), question.settings.get("max", len(question.options) + 1)
        if len(cells) > high:
            raise AnswerError(_("Bitte wählen Sie höchstens %(n)d Antworten.", n=high))
        if len(cells) < low:
            raise AnswerError(_("Bitte wählen Sie mindestens %(n)d Antworten.", n=low))
        return cells

    def from_form(self, question, form):
        values = []
        for raw in form.getlist(f"q{question.id}"):
            if raw == "other":
                values.append(self.form_other(question, form))
            else:
                values.append(form_id(raw))
        return values or None


class Scale(QuestionType):
    label = _l("Bewertungsskala")
    form_template = "polls/questions/scale.html"
    result_template = "polls/results/scale.html"
    value_doc = "integer from settings.min to settings.max; settings labels {\"1\": text, …}"

    def clean_definition(self, definition):
        return scale_settings(definition.get("settings") or {})

    def steps(self, question):
        labels = question.settings.get("labels", {})
        return [(value, labels.get(str(value), "")) for value in
                range(question.settings.get("min", 1), question.settings.get("max", 5) + 1)]

    def parse(self, question, value):
        low, high = question.settings.get("min", 1), question.settings.get("max", 5)
        if not strict_int(value) or not low <= value <= high:
            raise AnswerError(_("Bitte wählen Sie einen Wert von %(low)d bis %(high)d.", low=low, high=high))
        return [Cell(number=value)]

    def from_form(self, question, form):
        raw = form.get(f"q{question.id}", "")
        return int(raw) if re.fullmatch(r"-?[0-9]{1,2}", raw) else (raw or None)

    def summarize(self, question, cells, respondents):
        counts = {}
        for _option_id, number, count in cells:
            counts[number] = counts.get(number, 0) + count
        total = sum(counts.values())
        mean = round(sum(number * count for number, count in counts.items()) / total, 2) if total else None
        return {"mean": mean,
                "distribution": [{"value": value, "label": label, "count": counts.get(value, 0),
                                  "share": share(counts.get(value, 0), respondents)}
                                 for value, label in self.steps(question)]}

    def csv_rows(self, question, summary):
        rows = [(str(step["value"]) + (f" ({step['label']})" if step["label"] else ""), "count", step["count"])
                for step in summary["distribution"]]
        rows.append(("", "mean", summary["mean"]))
        return rows


class Ranking(QuestionType):
    label = _l("Rangfolge")
    has_options = True
    min_options = 2
    form_template = "polls/questions/ranking.html"
    result_template = "polls/results/ranking.html"
    value_doc = "list of option ids, best first: exactly settings.top of them (default: all)"

    def clean_definition(self, definition):
        count = len(definition.get("options") or [])
        top = int_setting(definition.get("settings") or {}, "top", count, 1, max(count, 1))
        return {"top": top}

    def top(self, question):
        return min(question.settings.get("top") or len(question.options), len(question.options))

    def parse(self, question, value):
        if not isinstance(value, list):
            raise AnswerError(_("Bitte geben Sie eine Rangfolge als Liste an."))
        if not value:
            return None
        ids = [self.option_id(question, item) for item in value]
        if len(set(ids)) != len(ids):
            raise AnswerError(_("Jede Antwort darf in der Rangfolge nur einmal vorkommen."))
        top = self.top(question)
        if len(ids) != top:
            raise AnswerError(_("Bitte ordnen Sie genau %(n)d Antworten.", n=top))
        return [Cell(option_id=option_id, number=position) for position, option_id in enumerate(ids, start=1)]

    def from_form(self, question, form):
        """The form asks for a place per position: field q<id>_<position> holds an option id."""
        ids = []
        for position in range(1, self.top(question) + 1):
            raw = form.get(f"q{question.id}_{position}", "")
            if raw:
                ids.append(form_id(raw))
        return ids or None

    def summarize(self, question, cells, respondents):
        places = {}
        for option_id, number, count in cells:
            places.setdefault(option_id, {})[number] = count
        options = []
        for option in question.options:
            counts = places.get(option.id, {})
            ranked = sum(counts.values())
            average = round(sum(p * c for p, c in counts.items()) / ranked, 2) if ranked else None
            top = self.top(question)
            options.append({"option_id": option.id, "label": option.label, "count": ranked,
                            "share": share(ranked, respondents), "average_position": average,
                            "positions": [counts.get(p, 0) for p in range(1, top + 1)],
                            # Borda points: place 1 of ``top`` gets ``top`` points, the last place 1.
                            "points": sum((top + 1 - p) * c for p, c in counts.items() if 1 <= p <= top)})
        best_first = sorted(options, key=lambda o: -o["points"])
        for option, place in zip(best_first, shared_places([o["points"] for o in best_first]), strict=True):
            option.update(place=place.place, place_to=place.place_to, tied=place.tied)
        return {"options": options}

    def csv_rows(self, question, summary):
        rows = []
        for option in summary["options"]:
            rows.append((option["label"], "count", option["count"]))
            rows.append((option["label"], "average_position", option["average_position"]))
            rows.append((option["label"], "points", option["points"]))
        return rows


class FreeText(QuestionType):
    label = _l("Freitext")
    form_template = "polls/questions/text.html"
    result_template = "polls/results/text.html"
    value_doc = "string of at most settings.max_length characters (default 2000)"

    def clean_definition(self, definition):
        return {"max_length": int_setting(definition.get("settings") or {}, "max_length", 2000, 10, 10000)}

    def parse(self, question, value):
        if not isinstance(value, str):
            raise AnswerError(_("Bitte antworten Sie mit einem Text."))
        text = clean_text(value).strip()
        if not text:
            return None
        limit = question.settings.get("max_length", 2000)
        if len(text) > limit:
            raise AnswerError(_("Ihre Antwort darf höchstens %(limit)d Zeichen lang sein (sie hat %(n)d).",
                                limit=limit, n=len(text)))
        return [Cell(text=text)]

    def summarize(self, question, cells, respondents):
        return {}

    def csv_rows(self, question, summary):
        return []  # the engine writes the number of answers; the texts themselves are not published


CORE_TYPES = {"single_choice": SingleChoice, "multiple_choice": MultipleChoice, "scale": Scale,
              "ranking": Ranking, "text": FreeText}


class TypeRegistry:
    """All question types of an app: the core's and those of loaded plugins."""

    def __init__(self):
        self.types = {}
        for key, cls in CORE_TYPES.items():
            self.add(key, cls)

    def add(self, key, cls, plugin=None):
        instance = cls()
        instance.key = key
        instance.plugin = plugin
        self.types[key] = instance
        return instance

    def get(self, key):
        return self.types.get(key)

    def available(self, enabled_plugins):
        """The types that new questions in a region may use: the core's and those of enabled plugins."""
        return {key: t for key, t in self.types.items() if t.plugin is None or t.plugin in enabled_plugins}
