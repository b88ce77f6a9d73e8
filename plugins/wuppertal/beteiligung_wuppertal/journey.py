"""The question type "Bürgerreise": the steps of one municipal service, each rated on a feeling scale.

The question's options are the touchpoints, in order. An answer rates the touchpoints the
participant went through; each rating is one cell ``(touchpoint, feeling, remark)``.
"""

import re

from beteiligung.plugin_api import (
    AnswerError,
    Cell,
    QuestionType,
    Setting,
    answer_counts,
    clean_text,
    scale_settings,
    share,
    strict_int,
    withheld,
)
from beteiligung.plugin_api import gettext as _
from beteiligung.plugin_api import lazy_gettext as _l

REMARK_MAX = 500  # default of the setting remark_max
DEFAULT_LABELS = {"1": "sehr schlecht", "2": "schlecht", "3": "neutral", "4": "gut", "5": "sehr gut"}
#: a touchpoint whose mean is at most this far above the lowest mean counts as one of the weakest
CLOSE_TO_LOWEST = 0.25
ENTRY_KEYS = {"touchpoint", "feeling", "remark"}
# Control characters (PostgreSQL refuses NUL) and unpaired surrogates, as the core cleans its texts.
_FORM_INT = re.compile(r"-?[0-9]{1,3}")


def clean_remark(text):
    return clean_text(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def default_labels(low, high):
    """Words for the feelings when the moderator gave none: the usual five, or the ends and the middle."""
    if (low, high) == (1, 5):
        return dict(DEFAULT_LABELS)
    labels = {str(low): "sehr schlecht", str(high): "sehr gut"}
    if (low + high) % 2 == 0:
        labels[str((low + high) // 2)] = "neutral"
    return labels


class JourneyType(QuestionType):
    label = _l("Bürgerreise (Schritte eines Behördengangs bewerten)")
    has_options = True
    min_options = 2
    max_options = 12
    form_template = "wuppertal/journey.html"
    result_template = "wuppertal/journey_result.html"
    shows_own_texts = True  # remarks are shown per touchpoint, not as the core's flat list
    value_doc = ("list in touchpoint order of {\"touchpoint\": option id, \"feeling\": integer from settings.min "
                 "to settings.max, \"remark\"?: text of at most settings.remark_max characters (default 500, 50 to "
                 "2000)}; touchpoints not experienced are "
                 "left out, at least one; settings min, max (default 1 to 5), labels {\"1\": \"sehr schlecht\", …}")

    settings_fields = (Setting("remark_max", _l("Höchstzahl Zeichen je Anmerkung (Bürgerreise)"), "int",
                               default=REMARK_MAX, min=50, max=2000,
                               help=_l("So lang darf die freiwillige Anmerkung zu einem Schritt sein.")),)

    # --- definition ----------------------------------------------------------------------------

    def clean_definition(self, definition):
        return {**scale_settings(definition.get("settings") or {}, default_labels=default_labels),
                **self.clean_settings(definition)}

    def remark_max(self, question):
        return question.settings.get("remark_max", REMARK_MAX)

    def bounds(self, question):
        return question.settings.get("min", 1), question.settings.get("max", 5)

    def steps(self, question):
        """(value, word) for every step of the feeling scale, worst first."""
        low, high = self.bounds(question)
        labels = question.settings.get("labels") or default_labels(low, high)
        return [(value, labels.get(str(value), "")) for value in range(low, high + 1)]

    # --- answers -------------------------------------------------------------------------------

    def parse(self, question, value):
        if not isinstance(value, list):
            raise AnswerError(_("Bitte geben Sie Ihre Bewertungen als Liste an, je Schritt "
                                "{\"touchpoint\": …, \"feeling\": …}."))
        if not value:
            return None
        options = self.options_by_id(question)
        low, high = self.bounds(question)
        rated = {}
        for entry in value:
            if not isinstance(entry, dict) or not set(entry) <= ENTRY_KEYS:
                raise AnswerError(_("Jede Bewertung besteht aus touchpoint, feeling und optional remark."))
            touchpoint = entry.get("touchpoint")
            if not strict_int(touchpoint) or touchpoint not in options:
                raise AnswerError(_("Dieser Schritt gehört nicht zu dieser Frage."))
            if touchpoint in rated:
                raise AnswerError(_("Jeden Schritt können Sie nur einmal bewerten."))
            label = options[touchpoint].label
            remark = entry.get("remark")
            if remark is not None and not isinstance(remark, str):
                raise AnswerError(_("Ihre Anmerkung zu „%(step)s“ muss ein Text sein.", step=label))
            remark = clean_remark(remark) if remark else ""
            feeling = entry.get("feeling")
            if feeling is None and remark:
                raise AnswerError(_("Bitte bewerten Sie auch den Schritt „%(step)s“, zu dem Sie eine Anmerkung "
                                    "geschrieben haben.", step=label))
            if not strict_int(feeling) or not low <= feeling <= high:
                raise AnswerError(_("Bitte bewerten Sie den Schritt „%(step)s“ mit einem Wert von %(low)d bis "
                                    "%(high)d.", step=label, low=low, high=high))
            if len(remark) > self.remark_max(question):
                raise AnswerError(_("Ihre Anmerkung zu „%(step)s“ darf höchstens %(max)d Zeichen lang sein "
                                    "(sie hat %(length)d).", step=label, max=self.remark_max(question),
                                    length=len(remark)))
            rated[touchpoint] = Cell(option_id=touchpoint, number=feeling, text=remark or None)
        return [rated[option.id] for option in question.options if option.id in rated]

    def from_form(self, question, form):
        """Fields ``q<id>_<option id>`` (the feeling; empty: not experienced) and ``q<id>_<option id>_remark``."""
        entries = []
        for option in question.options:
            field = f"q{question.id}_{option.id}"
            raw = (form.get(field) or "").strip()
            remark = form.get(f"{field}_remark") or ""
            entry = {"touchpoint": option.id}
            if raw:
                entry["feeling"] = int(raw) if _FORM_INT.fullmatch(raw) else raw
            if remark.strip():
                entry["remark"] = remark
            if len(entry) > 1:
                entries.append(entry)
        return entries or None

    # --- results -------------------------------------------------------------------------------

    def remark_counts(self, question):
        """{option id: number of remarks}, from the poll's tallies (the same cost at any number of ballots)."""
        counts = {}
        for (option_id, _number), (_cells, texts) in answer_counts(question).items():
            if texts:
                counts[option_id] = counts.get(option_id, 0) + texts
        return counts

    def summarize(self, question, cells, respondents):
        """Per touchpoint: ratings, mean, share of negative ratings, remarks; small touchpoints withheld.

        The weakest touchpoints are those whose mean is at most 0.25 above the lowest mean (when at
        least two touchpoints are shown), and every touchpoint whose mean is below the scale's midpoint.
        """
        low, high = self.bounds(question)
        midpoint = (low + high) / 2
        steps = self.steps(question)
        ratings = {}
        for option_id, number, count in cells:
            if option_id is not None and number is not None:
                by_feeling = ratings.setdefault(option_id, {})
                by_feeling[number] = by_feeling.get(number, 0) + count
        remarks = self.remark_counts(question)
        touchpoints = []
        for step, option in enumerate(question.options, start=1):
            counts = ratings.get(option.id, {})
            total = sum(counts.values())
            entry = {"option_id": option.id, "step": step, "label": option.label, "withheld": withheld(total),
                     "count": None, "mean": None, "negative_share": None, "remarks": None, "distribution": None,
                     "weakest": False}
            if not entry["withheld"]:
                negative = sum(count for feeling, count in counts.items() if feeling < midpoint)
                entry.update(
                    count=total, mean=round(sum(f * c for f, c in counts.items()) / total, 2),
                    negative_share=share(negative, total), remarks=remarks.get(option.id, 0),
                    distribution=[{"value": value, "label": word, "count": counts.get(value, 0),
                                   "share": share(counts.get(value, 0), total)} for value, word in steps])
            touchpoints.append(entry)
        shown = [entry for entry in touchpoints if entry["mean"] is not None]
        if shown:
            lowest = min(entry["mean"] for entry in shown)
            for entry in shown:
                entry["weakest"] = ((len(shown) > 1 and round(entry["mean"] - lowest, 2) <= CLOSE_TO_LOWEST)
                                    or entry["mean"] < midpoint)
        return {"scale": {"min": low, "max": high, "midpoint": midpoint,
                          "labels": {str(value): word for value, word in steps if word}},
                "touchpoints": touchpoints,
                "weakest": [entry["option_id"] for entry in touchpoints if entry["weakest"]]}

    def chart_labels(self, item):
        """The words of the feeling scale for the y axis of the journey curve ({value: word})."""
        return {int(value): word for value, word in item["scale"]["labels"].items()}

    def csv_rows(self, question, summary):
        rows = []
        for entry in summary["touchpoints"]:
            rows += [(entry["label"], "mean", entry["mean"]), (entry["label"], "count", entry["count"]),
                     (entry["label"], "remarks", entry["remarks"])]
        return rows
