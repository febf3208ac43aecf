"""Statistics of `authlab compare` on fixed data: type-7 percentiles, the bootstrap CI of the median."""

import random
import statistics

import numpy as np
import pytest

from authlab.compare.stats import NoSamplesError, bootstrap_median_ci, median, percentile, summarize

HUNDRED = [float(value) for value in range(1, 101)]


def test_percentiles_interpolate_between_closest_ranks():
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5  # even count: mean of the middle two
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert percentile(HUNDRED, 95) == pytest.approx(95.05)  # rank 99 * 0.95 = 94.05
    assert percentile(HUNDRED, 99) == pytest.approx(99.01)
    assert percentile(HUNDRED, 0) == 1.0 and percentile(HUNDRED, 100) == 100.0
    assert percentile([7.0], 99) == 7.0


def test_percentile_definition_matches_numpy_and_statistics():
    rng = random.Random(3)
    samples = [rng.lognormvariate(0, 1) for _ in range(257)]
    for q in (1, 25, 50, 90, 95, 99):
        assert percentile(samples, q) == pytest.approx(np.percentile(samples, q))
    assert [percentile(samples, q) for q in range(1, 100)] == pytest.approx(
        statistics.quantiles(samples, n=100, method="inclusive"))


def test_bad_input_is_refused_clearly():
    with pytest.raises(NoSamplesError, match="no samples"):
        percentile([], 50)
    with pytest.raises(NoSamplesError):
        bootstrap_median_ci([])
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0], 101)
    with pytest.raises(ValueError, match="between 0 and 1"):
        bootstrap_median_ci([1.0], confidence=95)


def test_bootstrap_ci_is_deterministic_and_surrounds_the_median():
    rng = random.Random(1)
    samples = [rng.gauss(10, 2) for _ in range(400)]
    low, high = bootstrap_median_ci(samples, seed=7)
    assert (low, high) == bootstrap_median_ci(samples, seed=7)
    assert bootstrap_median_ci(samples, seed=8) != (low, high)
    assert low < median(samples) < high
    # the median of N(10, 2) has standard error about 1.25 * 2 / sqrt(400) = 0.125: a 95% CI near +-0.25
    assert 0.25 < high - low < 0.8


def test_bootstrap_ci_narrows_with_more_samples_and_is_exact_for_constant_data():
    rng = random.Random(2)
    few = [rng.expovariate(1) for _ in range(30)]
    many = [rng.expovariate(1) for _ in range(3000)]
    width = lambda samples: (lambda ci: ci[1] - ci[0])(bootstrap_median_ci(samples))  # noqa: E731
    assert width(many) < width(few) / 4
    assert bootstrap_median_ci([5.0] * 50) == (5.0, 5.0)


def test_summary_collects_every_figure():
    summary = summarize(HUNDRED, resamples=500)
    assert (summary.n, summary.median, summary.minimum, summary.maximum) == (100, 50.5, 1.0, 100.0)
    assert summary.p95 == pytest.approx(95.05) and summary.p99 == pytest.approx(99.01)
    assert summary.ci_low < summary.median < summary.ci_high
