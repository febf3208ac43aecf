"""Summary statistics for latency samples: median, tail percentiles, a confidence interval.

Percentile definition: linear interpolation between closest ranks (Hyndman & Fan type 7,
the default of numpy.percentile, R's quantile and ``statistics.quantiles(method="inclusive")``).
For sorted samples x[0..n-1] the q-th percentile sits at rank h = (n - 1) * q / 100 and is
x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]). So p0 is the minimum, p100 the
maximum, and the median of an even count is the mean of the two middle values.

The confidence interval of the median is a percentile bootstrap: resample the samples with
replacement, take each resample's median, and report the middle ``confidence`` share of those
medians. The generator is seeded, so the same samples always give the same interval.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from authlab.errors import AuthlabError

DEFAULT_RESAMPLES = 2000
DEFAULT_CONFIDENCE = 0.95


class NoSamplesError(AuthlabError, ValueError):
    """A statistic was asked of an empty sample."""


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) of ``samples``, by linear interpolation (type 7)."""
    if not samples:
        raise NoSamplesError("no samples: measure something first")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be between 0 and 100, got {q}")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


def median(samples: Sequence[float]) -> float:
    return percentile(samples, 50)


def bootstrap_median_ci(
    samples: Sequence[float],
    confidence: float = DEFAULT_CONFIDENCE,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> tuple[float, float]:
    """A percentile-bootstrap confidence interval of the median, deterministic for a given seed.

    It treats samples as independent; consecutive requests are slightly correlated, so read it
    as "how much the median would move on a re-run", not as an exact coverage guarantee.
    """
    if not samples:
        raise NoSamplesError("no samples: measure something first")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    values = np.asarray(samples, dtype=float)
    generator = np.random.default_rng(seed)
    medians = np.empty(resamples)
    chunk = max(1, 2_000_000 // len(values))  # bound memory: at most ~16 MB of indices at once
    for start in range(0, resamples, chunk):
        stop = min(start + chunk, resamples)
        picks = generator.integers(0, len(values), size=(stop - start, len(values)))
        medians[start:stop] = np.median(values[picks], axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(medians, [tail, 100 - tail])  # numpy's default is type 7 too
    return float(low), float(high)


@dataclasses.dataclass(frozen=True)
class Summary:
    """The figures the comparison reports for one set of samples (same unit as the samples)."""

    n: int
    median: float
    p95: float
    p99: float
    ci_low: float
    ci_high: float
    minimum: float
    maximum: float


def summarize(samples: Sequence[float], resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
              confidence: float = DEFAULT_CONFIDENCE) -> Summary:
    low, high = bootstrap_median_ci(samples, confidence, resamples, seed)
    return Summary(
        n=len(samples), median=median(samples), p95=percentile(samples, 95), p99=percentile(samples, 99),
        ci_low=low, ci_high=high, minimum=min(samples), maximum=max(samples),
    )
