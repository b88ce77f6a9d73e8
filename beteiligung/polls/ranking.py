"""Ranking for problem-definition polls: a Bradley–Terry fit and a pair chooser.

Model: problem ``i`` has log-strength ``theta_i`` and beats ``j`` with probability
``sigmoid(theta_i - theta_j)``. A "can't decide" (tie) counts as half a win for each side.

Prior: ``prior = a`` stands for ``a`` virtual wins and ``a`` virtual losses of every problem
against a virtual opponent of strength 1 (log-strength 0). We use its Gaussian (MAP)
equivalent, ``theta_i ~ Normal(0, 2 / a)``, which has the same curvature at 0 (``a / 2``).
Because the data likelihood only depends on differences, the fitted ``theta`` then has mean
exactly 0, so the virtual opponent *is* the geometric mean of all strengths, and a problem
that was never compared gets exactly 50 with a wide interval. ``prior=0`` gives the plain
maximum-likelihood fit; a ridge of ``1e-9`` keeps it finite when the MLE does not exist.

Fit: Newton's method on the log-strengths (sum-to-zero, with backtracking), on the
aggregated ``n x n`` count matrix, so the cost does not depend on the number of raw votes.

Intervals: the covariance of the centred log-strengths is the inverse of the observed
Fisher information (prior included) on the sum-to-zero subspace; ``theta_i ± z * se_i``
is mapped to ``100 * sigmoid(·)``. With a single problem the interval collapses to 50.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

_MIN_PRECISION = 1e-9

# A problem's place "means something" once it took part in at least this many comparisons: with
# fewer, its 95 % interval spans most of the 0..100 scale (see ``enough_comparisons``).
MIN_COMPARISONS = 10


@dataclass(frozen=True)
class Ranked:
    """One problem's result; ``score``, ``low`` and ``high`` are on a 0..100 scale."""

    problem_id: int
    score: float
    low: float
    high: float
    comparisons: int
    wins: int
    losses: int
    ties: int
    win_rate: float


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _triples(rows, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index arrays (a, b) and counts of the rows whose two ids are distinct known problems."""
    arr = np.array([tuple(row) for row in rows], dtype=np.int64).reshape(-1, 3)
    if (arr[:, 2] < 0).any():
        raise ValueError("counts must not be negative")
    a = np.searchsorted(ids, arr[:, 0]).clip(max=len(ids) - 1)
    b = np.searchsorted(ids, arr[:, 1]).clip(max=len(ids) - 1)
    keep = (ids[a] == arr[:, 0]) & (ids[b] == arr[:, 1]) & (a != b)
    return a[keep], b[keep], arr[keep, 2]


def _information(theta: np.ndarray, total: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """Win probabilities and observed Fisher information (negative Hessian of the log posterior)."""
    p = _sigmoid(theta[:, None] - theta[None, :])
    q = total * p * (1.0 - p)
    info = -q
    info[np.diag_indices_from(info)] = q.sum(axis=1) + lam
    return p, info


def _objective(theta: np.ndarray, w: np.ndarray, lam: float) -> float:
    """Negative log posterior (up to a constant)."""
    return float(np.sum(w * np.logaddexp(0.0, theta[None, :] - theta[:, None])) + 0.5 * lam * theta @ theta)


def fit_bradley_terry(
    problem_ids: Iterable[int],
    outcomes: Iterable[tuple[int, int, int]],
    ties: Iterable[tuple[int, int, int]] = (),
    *,
    prior: float = 0.5,
    z: float = 1.959964,
    max_iter: int = 500,
    tol: float = 1e-9,
) -> list[Ranked]:
    """Rank problems from aggregated ``(winner, loser, count)`` and ``(a, b, count)`` tie triples.

    Ids not in ``problem_ids`` and self-pairs are ignored; a tie is half a win for each side.
    Sorted best first (score, then win rate, then id ascending).
    """
    if prior < 0:
        raise ValueError("prior must not be negative")
    ids = np.unique(np.array([int(i) for i in problem_ids], dtype=np.int64))
    n = len(ids)
    if n == 0:
        return []

    wi, li, wc = _triples(outcomes, ids)
    ta, tb, tc = _triples(ties, ids)
    w = np.zeros((n, n))
    np.add.at(w, (wi, li), wc)
    np.add.at(w, (ta, tb), 0.5 * tc)
    np.add.at(w, (tb, ta), 0.5 * tc)
    total = w + w.T
    won = w.sum(axis=1)

    lam = max(prior / 2.0, _MIN_PRECISION)
    centre = np.full((n, n), 1.0 / n)  # fixes the otherwise free overall level in the Newton system
    theta = np.zeros(n)
    f = _objective(theta, w, lam)
    for _ in range(max_iter):
        p, info = _information(theta, total, lam)
        grad = won - (total * p).sum(axis=1) - lam * theta
        step = np.linalg.solve(info + centre, grad)
        step -= step.mean()
        slope = float(grad @ step)
        t = 1.0
        while True:
            candidate = theta + t * step
            f_new = _objective(candidate, w, lam)
            if f_new <= f - 1e-4 * t * slope + 1e-12 * abs(f) or t < 1e-8:
                break
            t *= 0.5
        theta, f = candidate, f_new
        if np.max(np.abs(t * step)) < tol:
            break
    theta -= theta.mean()

    _, info = _information(theta, total, lam)
    try:
        cov = np.linalg.inv(info + centre)
    except np.linalg.LinAlgError:
        cov = np.linalg.pinv(info + centre)
    var = np.diag(cov) - 1.0 / (n * (1.0 + lam))  # remove the constant direction added by ``centre``
    se = np.sqrt(np.clip(var, 0.0, None))
    se = np.where(np.isfinite(se), se, np.inf)

    score = 100.0 * _sigmoid(theta)
    low = np.minimum(100.0 * _sigmoid(theta - z * se), score)
    high = np.maximum(100.0 * _sigmoid(theta + z * se), score)

    wins = np.bincount(wi, weights=wc, minlength=n)
    losses = np.bincount(li, weights=wc, minlength=n)
    tie_count = np.bincount(ta, weights=tc, minlength=n) + np.bincount(tb, weights=tc, minlength=n)
    comparisons = wins + losses + tie_count

    result = []
    for k in range(n):
        played = int(comparisons[k])
        result.append(
            Ranked(
                problem_id=int(ids[k]),
                score=float(score[k]),
                low=float(low[k]),
                high=float(high[k]),
                comparisons=played,
                wins=int(wins[k]),
                losses=int(losses[k]),
                ties=int(tie_count[k]),
                win_rate=(float(wins[k]) + 0.5 * float(tie_count[k])) / played if played else 0.0,
            )
        )
    result.sort(key=lambda r: (-round(r.score, 9), -r.win_rate, r.problem_id))
    return result


def choose_pair(counts, done, rng, *, limit=None) -> tuple[int, int] | None:
    """Next pair for one participant, favouring problems with few comparisons so far.

    ``counts``: problem id -> comparisons so far (all participants); ``done``: set of
    ``frozenset({a, b})`` this participant already compared; ``rng``: a ``random.Random``.
    Picks the least-compared problem that still has an open partner, then its least-compared
    open partner (random tie-breaks), in random order. None when nothing is left or
    ``len(done) >= limit``.
    """
    if limit is not None and len(done) >= limit:
        return None
    ids = sorted(counts)
    n = len(ids)
    if n < 2:
        return None
    degree = dict.fromkeys(ids, 0)
    for pair in done:
        if len(pair) != 2:
            continue
        a, b = pair
        if a in degree and b in degree:
            degree[a] += 1
            degree[b] += 1
    open_ids = [p for p in ids if degree[p] < n - 1]
    if not open_ids:
        return None
    least = min(counts[p] for p in open_ids)
    first = rng.choice([p for p in open_ids if counts[p] == least])
    partners = [q for q in ids if q != first and frozenset((first, q)) not in done]
    least = min(counts[q] for q in partners)
    second = rng.choice([q for q in partners if counts[q] == least])
    return (second, first) if rng.random() < 0.5 else (first, second)


@dataclass(frozen=True)
class Place:
    """Where an item stands in a ranking: ``place`` to ``place_to`` (equal when it is not tied)."""

    place: int
    place_to: int

    @property
    def tied(self) -> bool:
        return self.place_to > self.place

    @property
    def label(self) -> str:
        """"3", or "1–14" for a tie."""
        return str(self.place) if not self.tied else f"{self.place}\u2013{self.place_to}"


def shared_places(keys: Sequence) -> list[Place]:
    """Places of items already sorted best first; items with equal ``keys`` share their places.

    ``[9, 7, 7, 7, 2]`` → 1, 2–4, 2–4, 2–4, 5 (each tied item gets the whole range it spans).
    """
    places = []
    start = 0
    while start < len(keys):
        end = start
        while end + 1 < len(keys) and keys[end + 1] == keys[start]:
            end += 1
        places.extend([Place(start + 1, end + 1)] * (end - start + 1))
        start = end + 1
    return places


def shown_score(score: float) -> Decimal:
    """A score as the pages show it (one decimal, half up): two problems that look equal are tied."""
    return Decimal(repr(float(score))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def enough_comparisons(comparisons: int, min_comparisons: int = MIN_COMPARISONS) -> bool:
    """The rule for "noch zu wenige Vergleiche": a problem's place means something from
    ``min_comparisons`` comparisons on (decided or "can't decide"), never before."""
    return comparisons >= min_comparisons


def place_problems(ranked: Sequence[Ranked], min_comparisons: int = MIN_COMPARISONS) -> list[dict]:
    """For a fitted ranking (best first): each problem's ``place``, ``place_to``, ``tied`` and
    ``enough_data``. Problems whose scores show the same (one decimal) share a place range.

    The one place where pages, the API and the CSV get places, ties and "enough data" from.
    """
    places = shared_places([shown_score(r.score) for r in ranked])
    return [{"place": place.place, "place_to": place.place_to, "tied": place.tied,
             "enough_data": enough_comparisons(r.comparisons, min_comparisons)}
            for r, place in zip(ranked, places, strict=True)]
