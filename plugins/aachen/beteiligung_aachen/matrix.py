"""Matrixfrage: several items (the question's options) rated on one shared scale.

An answer is a JSON object ``{"<option id>": rating, …}``; every rating becomes one cell
``Cell(option_id=item, number=rating)``. Results give per item the number of ratings, the mean and
the distribution over the steps; an item rated by fewer than ``POLL_MIN_GROUP_SIZE`` people is
withheld (only its number of ratings is shown), like a whole question in the core: the core's
small-group rule, ``plugin_api.withheld``.
"""

from beteiligung.plugin_api import AnswerError, Cell, QuestionType, scale_settings, share, withheld
from beteiligung.plugin_api import gettext as _
from beteiligung.plugin_api import lazy_gettext as _l

DEFAULT_LOW_LABEL = "trifft gar nicht zu"
DEFAULT_HIGH_LABEL = "trifft voll zu"
LABEL_MAX = 60


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _item_id(key):
    """An option id from an object key ("12" as JSON sends it; 12 from Python callers); None if it is none."""
    if _is_int(key):
        return key
    if isinstance(key, str) and key.isascii() and key.isdigit() and len(key) < 11:
        return int(key)
    return None


def _shown(key):
    text = str(key) if isinstance(key, str | int) else type(key).__name__
    return text if len(text) <= 20 else text[:19] + "…"


class MatrixType(QuestionType):
    label = _l("Matrixfrage")
    has_options = True
    min_options = 2
    max_options = 15
    form_template = "aachen/matrix.html"
    result_template = "aachen/matrix_result.html"
    value_doc = ("object {\"<option id>\": rating} – each item (option) rated with an integer from settings.min to "
                 "settings.max; leave out items that are not rated ({} means not answered); a required question "
                 "needs a rating for every item; settings min (0–9), max (1–10), 2 to 11 steps, labels "
                 "{\"1\": text, …} (default 1–5, \"trifft gar nicht zu\" … \"trifft voll zu\")")

    # --- definition ----------------------------------------------------------------------------

    def clean_definition(self, definition):
        # No negative steps: the results chart draws the means as bars from 0.
        return scale_settings(definition.get("settings") or {}, min_range=(0, 9), max_range=(1, 10),
                              default_labels=lambda low, high: {str(low): DEFAULT_LOW_LABEL,
                                                                str(high): DEFAULT_HIGH_LABEL})

    def bounds(self, question):
        return question.settings.get("min", 1), question.settings.get("max", 5)

    def steps(self, question):
        """[(value, label)] of the shared scale, lowest first."""
        low, high = self.bounds(question)
        labels = question.settings.get("labels", {})
        return [(value, labels.get(str(value), "")) for value in range(low, high + 1)]

    # --- answers -------------------------------------------------------------------------------

    def parse(self, question, value):
        if not isinstance(value, dict):
            raise AnswerError(_("Bitte geben Sie die Bewertungen als Objekt an: {\"<Eintrag-ID>\": Bewertung}."))
        items = self.options_by_id(question)
        low, high = self.bounds(question)
        ratings = {}
        for key, rating in value.items():
            item_id = _item_id(key)
            if item_id not in items:
                raise AnswerError(_("Der Eintrag „%(item)s“ gehört nicht zu dieser Frage.", item=_shown(key)))
            label = items[item_id].label
            if item_id in ratings:
                raise AnswerError(_("Der Eintrag „%(item)s“ ist doppelt bewertet. Bitte bewerten Sie jeden Eintrag "
                                    "nur einmal.", item=label))
            if not _is_int(rating):
                raise AnswerError(_("Bitte bewerten Sie „%(item)s“ mit einer ganzen Zahl von %(low)d bis %(high)d.",
                                    item=label, low=low, high=high))
            if not low <= rating <= high:
                raise AnswerError(_("Die Bewertung für „%(item)s“ muss zwischen %(low)d und %(high)d liegen.",
                                    item=label, low=low, high=high))
            ratings[item_id] = rating
        if not ratings:
            return None
        if question.required:
            missing = [option.label for option in question.options if option.id not in ratings]
            if missing:
                raise AnswerError(_("Bitte bewerten Sie alle Einträge. Es fehlt: %(items)s.",
                                    items=", ".join(f"„{label}“" for label in missing)))
        return [Cell(option_id=option.id, number=ratings[option.id]) for option in question.options
                if option.id in ratings]

    def from_form(self, question, form):
        """Fields q<question id>_<option id>, one radio group per item; "" (keine Angabe) counts as not rated."""
        value = {}
        for option in question.options:
            raw = form.get(f"q{question.id}_{option.id}", "")
            raw = raw.strip() if isinstance(raw, str) else ""
            if raw:
                value[str(option.id)] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else raw
        return value or None

    # --- results -------------------------------------------------------------------------------

    def summarize(self, question, cells, respondents):
        counts = {}
        for option_id, number, count in cells:
            if number is not None:
                by_step = counts.setdefault(option_id, {})
                by_step[number] = by_step.get(number, 0) + count
        steps = self.steps(question)
        options = []
        for option in question.options:
            by_step = counts.get(option.id, {})
            rated = sum(by_step.values())
            item = {"option_id": option.id, "label": option.label, "count": rated,
                    "share": share(rated, respondents), "withheld": withheld(rated) or rated == 0,
                    "mean": None, "distribution": []}
            if not item["withheld"]:
                item["mean"] = round(sum(number * count for number, count in by_step.items()) / rated, 2)
                item["distribution"] = [{"value": value, "label": label, "count": by_step.get(value, 0),
                                         "share": share(by_step.get(value, 0), rated)} for value, label in steps]
            options.append(item)
        low, high = self.bounds(question)
        return {"scale": {"min": low, "max": high, "labels": dict(question.settings.get("labels", {}))},
                "options": options}

    def csv_rows(self, question, summary):
        """Per item: ratings, mean and one count:<step> row per step (empty values for withheld items)."""
        scale = summary["scale"]
        rows = []
        for item in summary["options"]:
            counts = {step["value"]: step["count"] for step in item["distribution"]}
            rows.append((item["label"], "ratings", item["count"]))
            rows.append((item["label"], "mean", item["mean"]))
            rows.extend((item["label"], f"count:{value}", counts.get(value))
                        for value in range(scale["min"], scale["max"] + 1))
        return rows
