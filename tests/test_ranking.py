"""Bradley–Terry ranking and pair choice for problem-definition polls (pure functions)."""

import math
import random
from decimal import Decimal

import numpy as np
import pytest

from beteiligung.polls.ranking import (
    MIN_COMPARISONS,
    Place,
    Ranked,
    choose_pair,
    enough_comparisons,
    fit_bradley_terry,
    place_problems,
    shared_places,
    shown_score,
)


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def logit_score(score):
    return math.log(score / (100.0 - score))


def by_id(result):
    return {r.problem_id: r for r in result}


# --- hand-computed fits -----------------------------------------------------------------------


def test_two_problems_ratio_three_to_one():
    result = fit_bradley_terry([1, 2], [(1, 2, 3), (2, 1, 1)], prior=0)
    a, b = result
    assert (a.problem_id, b.problem_id) == (1, 2)
    assert logit_score(a.score) - logit_score(b.score) == pytest.approx(math.log(3), abs=1e-6)
    assert a.score == pytest.approx(100 * sigmoid(math.log(3) / 2), abs=1e-6)
    assert a.score + b.score == pytest.approx(100.0, abs=1e-9)
    # Fisher information of d = theta_a - theta_b is 4 * 3/4 * 1/4; centred theta_a = d / 2.
    se = math.sqrt(1 / 0.75) / 2
    z = 1.959964
    assert a.low == pytest.approx(100 * sigmoid(math.log(3) / 2 - z * se), abs=1e-6)
    assert a.high == pytest.approx(100 * sigmoid(math.log(3) / 2 + z * se), abs=1e-6)


def test_prior_shrinks_towards_fifty():
    plain = by_id(fit_bradley_terry([1, 2], [(1, 2, 3), (2, 1, 1)], prior=0))[1].score
    shrunk = by_id(fit_bradley_terry([1, 2], [(1, 2, 3), (2, 1, 1)], prior=2))[1].score
    assert 50 < shrunk < plain


def test_circular_three_problems_all_fifty_and_id_order():
    outcomes = [(30, 10, 4), (10, 20, 4), (20, 30, 4)]
    result = fit_bradley_terry([30, 20, 10], outcomes, prior=0)
    assert [r.problem_id for r in result] == [10, 20, 30]
    k = 4  # comparisons per pair
    # Information = k/4 * (3 I - 11^T); on the sum-to-zero space var(theta_i) = 4/(3k) * 2/3.
    se = math.sqrt(8 / (9 * k))
    for r in result:
        assert r.score == pytest.approx(50.0, abs=1e-9)
        assert r.high == pytest.approx(100 * sigmoid(1.959964 * se), abs=1e-6)
        assert r.low == pytest.approx(100 - r.high, abs=1e-9)


def test_single_tie_gives_fifty_each():
    result = fit_bradley_terry([1, 2], [], ties=[(1, 2, 1)])
    assert [r.score for r in result] == pytest.approx([50.0, 50.0])
    assert all(r.ties == 1 and r.comparisons == 1 and r.win_rate == 0.5 for r in result)


def test_ties_count_as_half_wins():
    # A tie twice equals one win each way: same fit with and without ties.
    with_ties = by_id(fit_bradley_terry([1, 2, 3], [(1, 3, 5), (3, 2, 2)], ties=[(1, 2, 2)]))
    as_wins = by_id(fit_bradley_terry([1, 2, 3], [(1, 3, 5), (3, 2, 2), (1, 2, 1), (2, 1, 1)]))
    for pid in (1, 2, 3):
        assert with_ties[pid].score == pytest.approx(as_wins[pid].score, abs=1e-9)
        assert with_ties[pid].low == pytest.approx(as_wins[pid].low, abs=1e-9)


def test_fit_solves_the_map_equations():
    rng = random.Random(7)
    ids = list(range(1, 9))
    outcomes = [(a, b, rng.randint(0, 40)) for a in ids for b in ids if a != b]
    ties = [(a, b, rng.randint(0, 5)) for a in ids for b in ids if a < b]
    prior = 0.5
    result = by_id(fit_bradley_terry(ids, outcomes, ties, prior=prior))
    theta = {pid: logit_score(r.score) for pid, r in result.items()}
    assert sum(theta.values()) == pytest.approx(0.0, abs=1e-7)
    w = {(a, b): 0.0 for a in ids for b in ids}
    for a, b, c in outcomes:
        w[a, b] += c
    for a, b, c in ties:
        w[a, b] += c / 2
        w[b, a] += c / 2
    for i in ids:
        expected = sum((w[i, j] + w[j, i]) * sigmoid(theta[i] - theta[j]) for j in ids if j != i)
        won = sum(w[i, j] for j in ids)
        # Gradient of the log posterior with the Gaussian prior of precision prior / 2.
        assert won - expected - prior / 2 * theta[i] == pytest.approx(0.0, abs=1e-6)


# --- counting -----------------------------------------------------------------------------------


def test_counts_and_unknown_ids_ignored():
    outcomes = [(1, 2, 3), (2, 1, 1), (1, 3, 2), (1, 99, 50), (99, 2, 7), (3, 3, 4)]
    ties = [(2, 3, 2), (3, 98, 5)]
    result = by_id(fit_bradley_terry([1, 2, 3, 4], outcomes, ties))
    one, two, three, four = (result[i] for i in (1, 2, 3, 4))
    assert set(result) == {1, 2, 3, 4}
    assert (one.comparisons, one.wins, one.losses, one.ties) == (6, 5, 1, 0)
    assert (two.comparisons, two.wins, two.losses, two.ties) == (6, 1, 3, 2)
    assert (three.comparisons, three.wins, three.losses, three.ties) == (4, 0, 2, 2)
    assert (four.comparisons, four.wins, four.losses, four.ties) == (0, 0, 0, 0)
    assert one.win_rate == pytest.approx(5 / 6)
    assert two.win_rate == pytest.approx(2 / 6)
    assert three.win_rate == pytest.approx(1 / 4)
    assert four.win_rate == 0.0
    assert isinstance(one, Ranked) and isinstance(one.comparisons, int) and isinstance(one.score, float)


def test_empty_and_single_problem():
    assert fit_bradley_terry([], [(1, 2, 3)]) == []
    (only,) = fit_bradley_terry([5], [(5, 6, 3)])
    assert only.problem_id == 5
    assert only.score == 50.0
    assert only.low <= only.score <= only.high
    assert only.comparisons == 0


def test_negative_counts_rejected():
    with pytest.raises(ValueError):
        fit_bradley_terry([1, 2], [(1, 2, -1)])
    with pytest.raises(ValueError):
        fit_bradley_terry([1, 2], [], prior=-1)


# --- regularisation ----------------------------------------------------------------------------


def test_unbeaten_and_uncompared_problems():
    outcomes = [(1, 2, 5), (1, 3, 4), (2, 3, 30), (3, 2, 25), (2, 4, 20), (4, 2, 22), (3, 4, 18), (4, 3, 19)]
    result = fit_bradley_terry([1, 2, 3, 4, 5], outcomes)
    ranked = by_id(result)
    top = ranked[1]
    assert result[0].problem_id == 1
    assert top.wins == top.comparisons == 9
    assert math.isfinite(top.score) and top.score < 100
    assert top.low < top.score < top.high
    never = ranked[5]
    assert never.comparisons == 0
    assert never.score == pytest.approx(50.0, abs=1e-9)
    assert never.low < 50 < never.high
    busy = ranked[2]
    assert (never.high - never.low) > 2 * (busy.high - busy.low)
    for r in result:
        assert 0 <= r.low <= r.score <= r.high <= 100


def test_sorted_by_score_then_win_rate_then_id():
    # 5 and 6 split evenly (50, win rate 0.5); 3 and 4 were never compared (50, win rate 0).
    outcomes = [(1, 2, 9), (5, 6, 2), (6, 5, 2)]
    result = fit_bradley_terry([6, 5, 4, 3, 2, 1], outcomes)
    scores = [r.score for r in result]
    assert scores == sorted(scores, reverse=True)
    assert [r.problem_id for r in result] == [1, 5, 6, 3, 4, 2]


# --- simulated electorate ----------------------------------------------------------------------


def simulate(seed, n_problems=20, n_comparisons=20_000, per_participant=30):
    rng = random.Random(seed)
    ids = [100 + i for i in range(n_problems)]
    strengths = list(np.linspace(-2.0, 2.0, n_problems))
    rng.shuffle(strengths)
    true = dict(zip(ids, strengths, strict=True))
    counts = dict.fromkeys(ids, 0)
    tally = {}
    total = 0
    while total < n_comparisons:
        done = set()
        while total < n_comparisons:
            pair = choose_pair(counts, done, rng, limit=per_participant)
            if pair is None:
                break
            a, b = pair
            assert frozenset(pair) not in done
            done.add(frozenset(pair))
            counts[a] += 1
            counts[b] += 1
            winner, loser = (a, b) if rng.random() < sigmoid(true[a] - true[b]) else (b, a)
            tally[winner, loser] = tally.get((winner, loser), 0) + 1
            total += 1
    return true, counts, [(w, lo, c) for (w, lo), c in tally.items()]


def spearman(xs, ys):
    n = len(xs)
    rank_x = {v: i for i, v in enumerate(sorted(xs))}
    rank_y = {v: i for i, v in enumerate(sorted(ys))}
    d2 = sum((rank_x[x] - rank_y[y]) ** 2 for x, y in zip(xs, ys, strict=True))
    return 1 - 6 * d2 / (n * (n * n - 1))


def test_simulated_electorate_recovers_true_order():
    true, counts, outcomes = simulate(seed=2024)
    assert max(counts.values()) - min(counts.values()) <= 2  # choose_pair balances exposure
    result = fit_bradley_terry(list(true), outcomes)
    assert sum(r.comparisons for r in result) == 2 * 20_000
    fitted = by_id(result)
    ids = list(true)
    rho = spearman([true[i] for i in ids], [fitted[i].score for i in ids])
    assert rho > 0.95
    assert result[0].problem_id == max(true, key=true.get)

    mean = sum(true.values()) / len(true)
    covered = sum(fitted[i].low <= 100 * sigmoid(true[i] - mean) <= fitted[i].high for i in ids)
    assert covered >= 17  # 85 % of 20


def test_intervals_cover_true_values_over_several_electorates():
    covered = total = 0
    for seed in (1, 2, 3):
        true, _, outcomes = simulate(seed=seed, n_comparisons=6_000)
        fitted = by_id(fit_bradley_terry(list(true), outcomes))
        mean = sum(true.values()) / len(true)
        covered += sum(fitted[i].low <= 100 * sigmoid(true[i] - mean) <= fitted[i].high for i in true)
        total += len(true)
    assert covered / total >= 0.85


# --- choose_pair --------------------------------------------------------------------------------


def test_choose_pair_favours_low_counts():
    rng = random.Random(1)
    counts = {1: 10, 2: 10, 3: 0, 4: 10, 5: 10}
    positions = set()
    for _ in range(200):
        pair = choose_pair(counts, set(), rng)
        assert 3 in pair
        positions.add(pair.index(3))
    assert positions == {0, 1}  # shown left and right
    # Still preferred while it has open partners for this participant.
    done = {frozenset({3, 1}), frozenset({3, 2})}
    for _ in range(200):
        pair = choose_pair(counts, done, rng)
        assert 3 in pair and frozenset(pair) not in done
    # Partner is the least-compared open problem.
    counts = {1: 10, 2: 10, 3: 0, 4: 1, 5: 10}
    for _ in range(50):
        assert set(choose_pair(counts, set(), rng)) == {3, 4}


def test_choose_pair_skips_problem_without_open_partner():
    rng = random.Random(2)
    counts = {1: 0, 2: 5, 3: 5, 4: 6}
    done = {frozenset({1, 2}), frozenset({1, 3}), frozenset({1, 4})}
    for _ in range(100):
        pair = choose_pair(counts, done, rng)
        assert 1 not in pair
        assert set(pair) in ({2, 3}, {2, 4}, {3, 4})
        assert frozenset(pair) not in done


def test_choose_pair_never_repeats_and_exhausts():
    rng = random.Random(3)
    counts = dict.fromkeys(range(1, 8), 0)
    done = set()
    while (pair := choose_pair(counts, done, rng)) is not None:
        assert frozenset(pair) not in done
        assert pair[0] != pair[1]
        done.add(frozenset(pair))
        counts[pair[0]] += 1
        counts[pair[1]] += 1
    assert len(done) == 7 * 6 // 2
    assert set(counts.values()) == {6}


def test_choose_pair_none_cases():
    rng = random.Random(4)
    assert choose_pair({}, set(), rng) is None
    assert choose_pair({1: 0}, set(), rng) is None
    assert choose_pair({1: 0, 2: 0}, {frozenset({1, 2})}, rng) is None
    counts = {1: 0, 2: 0, 3: 0}
    done = {frozenset({1, 2})}
    assert choose_pair(counts, done, rng, limit=1) is None
    assert choose_pair(counts, done, rng, limit=2) is not None
    assert choose_pair(counts, set(), rng, limit=0) is None


def test_choose_pair_is_random_among_equals():
    rng = random.Random(5)
    counts = dict.fromkeys(range(1, 11), 3)
    seen = set()
    first_positions = set()
    for _ in range(500):
        a, b = choose_pair(counts, set(), rng)
        seen.update((a, b))
        first_positions.add(a)
    assert seen == set(range(1, 11))
    assert first_positions == set(range(1, 11))  # order is random too
    again = [choose_pair(counts, set(), random.Random(9)) for _ in range(3)]
    assert again[0] == again[1] == again[2]  # deterministic for a given seed


# --- places, ties and "enough data" (one rule for pages, API and CSV) ------------------------------------------


def test_shared_places_give_tied_items_their_whole_range():
    assert shared_places([9, 7, 7, 7, 2]) == [Place(1, 1), Place(2, 4), Place(2, 4), Place(2, 4), Place(5, 5)]
    assert [p.label for p in shared_places([5] * 14)] == ["1\u201314"] * 14
    assert [p.tied for p in shared_places([3, 2, 1])] == [False, False, False]
    assert shared_places([]) == []


def test_scores_that_look_equal_are_tied():
    assert shown_score(50.04) == shown_score(49.96) == Decimal("50.0")
    assert shown_score(50.05) == Decimal("50.1")  # half up, as format_number shows it


def test_place_problems_without_comparisons_is_one_tie_with_too_little_data():
    ranked = fit_bradley_terry(range(1, 15), [])
    placed = place_problems(ranked)
    assert {(p["place"], p["place_to"], p["tied"], p["enough_data"]) for p in placed} == {(1, 14, True, False)}


def test_enough_data_from_the_minimum_number_of_comparisons_on():
    assert MIN_COMPARISONS == 10
    assert not enough_comparisons(9) and enough_comparisons(10)
    assert enough_comparisons(2, 2) and not enough_comparisons(1, 2)
    ranked = fit_bradley_terry([1, 2, 3], [(1, 2, 3), (1, 3, 3), (2, 3, 1)])
    placed = {r.problem_id: p for r, p in zip(ranked, place_problems(ranked, min_comparisons=4), strict=True)}
    assert {pid: p["enough_data"] for pid, p in placed.items()} == {1: True, 2: True, 3: True}
    assert [placed[pid]["place"] for pid in (1, 2, 3)] == [1, 2, 3]
    placed = place_problems(ranked, min_comparisons=5)
    assert [p["enough_data"] for p in placed] == [True, False, False]  # 6, 4 and 4 comparisons


# --- small exact checks (found by mutation testing) ---------------------------------------------------------------


def test_objective_is_the_negative_log_posterior():
    from beteiligung.polls.ranking import _objective

    theta = np.array([0.5, -0.5])
    w = np.array([[0.0, 3.0], [1.0, 0.0]])
    expected = 3 * math.log1p(math.exp(-1.0)) + 1 * math.log1p(math.exp(1.0)) + 0.5 * 0.25 * 0.5
    assert _objective(theta, w, 0.25) == pytest.approx(expected, rel=1e-12)


def test_default_prior_is_one_half():
    outcomes = [(1, 2, 3), (2, 1, 1), (2, 3, 2)]
    assert fit_bradley_terry([1, 2, 3], outcomes) == fit_bradley_terry([1, 2, 3], outcomes, prior=0.5)
    assert fit_bradley_terry([1, 2, 3], outcomes) != fit_bradley_terry([1, 2, 3], outcomes, prior=1.5)


def test_refusals_say_what_is_wrong():
    with pytest.raises(ValueError, match="^counts must not be negative$"):
        fit_bradley_terry([1, 2], [], ties=[(1, 2, -2)])
    with pytest.raises(ValueError, match="^prior must not be negative$"):
        fit_bradley_terry([1, 2], [], prior=-0.1)


def test_choose_pair_with_two_problems():
    pairs = {choose_pair({1: 0, 2: 0}, set(), random.Random(seed)) for seed in range(20)}
    assert pairs == {(1, 2), (2, 1)}


def test_choose_pair_ignores_malformed_and_unknown_pairs_in_done():
    counts = {1: 0, 2: 5, 3: 5}
    # A one-element entry first must not stop the count of the real pairs after it; a pair with a
    # problem that is gone (99) does not count for the problem that is still there.
    done = [frozenset({7}), frozenset({1, 2}), frozenset({1, 3})]
    for seed in range(20):
        assert set(choose_pair(counts, done, random.Random(seed))) == {2, 3}
    done = {frozenset({1, 99}), frozenset({1, 2})}
    for seed in range(20):
        assert 1 in choose_pair(counts, done, random.Random(seed))  # 1 still has 3 open
