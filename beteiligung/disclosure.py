"""The small-group rule: no figure that could point at a few people.

The poll engine withholds a question's results below ``POLL_MIN_GROUP_SIZE`` answers; a breakdown
(per item of a matrix, per step of a journey, per place of residence) applies the same limit to
each group it shows. These functions are that rule, for the core and for plugins.
"""

from dataclasses import dataclass, field

from flask import current_app


def min_group_size():
    """The smallest number of answers a figure may be based on (setting ``POLL_MIN_GROUP_SIZE``)."""
    return current_app.config["POLL_MIN_GROUP_SIZE"]


def withheld(count, limit=None):
    """Whether a figure based on ``count`` answers must be withheld (fewer than the limit)."""
    return count < (min_group_size() if limit is None else limit)


@dataclass
class Suppressed:
    """The groups of a breakdown after the small-group rule.

    ``shown``: the groups that may be shown on their own, in their original order; ``hidden``: the
    others; ``rest``: the sum of the hidden groups' counts; ``combined``: whether ``rest`` may be
    shown as one group ("other places", reaches the limit), else it is not shown at all.
    """

    shown: list = field(default_factory=list)
    hidden: list = field(default_factory=list)
    rest: int = 0
    combined: bool = False


def suppress_small_groups(groups, count=lambda group: group["count"], *, complementary=True, tiebreak=None,
                          limit=None):
    """Apply the small-group rule to the groups of a breakdown.

    ``groups`` is any list (dicts, tuples, objects); ``count(group)`` gives a group's number of
    answers. A group below the limit is hidden. With ``complementary=True`` (use it whenever the
    total is public, e.g. next to the number of answers of the question) hidden groups whose sum is
    1 … limit - 1 could be worked out by subtraction, so the smallest shown groups are hidden too
    (smallest count first, then ``tiebreak(group)``, then the later one) until the rest reaches the
    limit or nothing is shown. Returns a :class:`Suppressed`.
    """
    limit = min_group_size() if limit is None else limit
    groups = list(groups)
    shown = [index for index, group in enumerate(groups) if not withheld(count(group), limit)]
    hidden = [index for index in range(len(groups)) if index not in set(shown)]
    rest = sum(count(groups[index]) for index in hidden)
    while complementary and 0 < rest < limit and shown:
        smallest = min(shown, key=lambda index: (count(groups[index]),
                                                 tiebreak(groups[index]) if tiebreak else 0, -index))
        shown.remove(smallest)
        hidden.append(smallest)
        rest += count(groups[smallest])
    return Suppressed(shown=[groups[index] for index in shown],
                      hidden=[groups[index] for index in sorted(hidden)], rest=rest,
                      combined=bool(hidden) and not withheld(rest, limit))
