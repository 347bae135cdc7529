import math

import numpy as np
import pandas as pd
import pytest

from actors.logic.market_stats import EMPTY_SNAPSHOT
from actors.logic.market_stats import TokenStats

pytestmark = pytest.mark.unit

SEC = 1_000_000_000
T0 = 1_748_865_600 * SEC
WINDOW_SECS = 3_600
TOL = 1e-9


def _seeded_series(n: int = 400) -> tuple[list[int], list[float], list[float]]:
    rng = np.random.default_rng(20250602)
    # Mostly 60 s steps with some gaps, including one of exactly the window length
    gaps = rng.choice([60, 60, 60, 120, 300], size=n)
    gaps[150] = WINDOW_SECS
    times = (T0 + np.cumsum(gaps) * SEC).tolist()
    prices = np.clip(0.5 + np.cumsum(rng.normal(0.0, 0.01, size=n)), 0.01, 0.99).tolist()
    volumes = rng.exponential(200.0, size=n).round(2).tolist()
    return times, prices, volumes


def _pandas_reference(times, prices, volumes) -> pd.DataFrame:
    index = pd.to_datetime(times, unit="ns")
    frame = pd.DataFrame({"price": prices, "volume": volumes}, index=index)
    # The first sample only sets the reference price; its volume is dropped
    samples = pd.DataFrame(
        {"change": frame["price"].diff(), "volume": frame["volume"]}, index=index
    ).iloc[1:]
    rolling = samples.rolling(f"{WINDOW_SECS}s")
    return pd.DataFrame(
        {
            "mean_change": rolling["change"].mean(),
            "std_change": rolling["change"].std(ddof=1),
            "mean_volume": rolling["volume"].mean(),
            "count": rolling["change"].count(),
            "last_change": samples["change"],
            "last_volume": samples["volume"],
        },
    )


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= TOL


@pytest.mark.parametrize("n", [400, 2_500])  # 2 500 crosses the periodic exact resync
def test_rolling_stats_match_pandas_reference(n):
    times, prices, volumes = _seeded_series(n)
    stats = TokenStats(WINDOW_SECS)
    snapshots = []
    for ts, price, volume in zip(times, prices, volumes, strict=True):
        stats.add_volume(volume)
        stats.observe_price(price)
        if stats.sample(ts):
            snapshots.append(stats.snapshot(ts))

    reference = _pandas_reference(times, prices, volumes)

    assert len(snapshots) == len(reference)
    for snapshot, row in zip(snapshots, reference.itertuples(), strict=True):
        assert snapshot.sample_count == row.count
        assert _close(snapshot.mean_change, row.mean_change)
        assert _close(snapshot.std_change, row.std_change)
        assert _close(snapshot.mean_volume, row.mean_volume)
        assert _close(snapshot.last_change, row.last_change)
        assert _close(snapshot.last_volume, row.last_volume)
    assert min(s.sample_count for s in snapshots) == 1  # The window-length gap emptied it


def test_first_sample_only_sets_reference():
    stats = TokenStats(WINDOW_SECS)
    stats.add_volume(10.0)
    stats.observe_price(0.5)

    added = stats.sample(T0)

    assert added is False
    assert stats.snapshot(T0) == EMPTY_SNAPSHOT


def test_no_price_no_sample():
    stats = TokenStats(WINDOW_SECS)
    stats.add_volume(10.0)

    assert stats.sample(T0) is False
    assert stats.has_price is False


def test_std_is_sample_std_and_nan_below_two_samples():
    stats = TokenStats(WINDOW_SECS)
    stats.observe_price(0.50)
    stats.sample(T0)
    stats.observe_price(0.52)
    stats.sample(T0 + 60 * SEC)
    one = stats.snapshot(T0 + 60 * SEC)
    stats.observe_price(0.51)
    stats.add_volume(5.0)
    stats.sample(T0 + 120 * SEC)

    two = stats.snapshot(T0 + 120 * SEC)

    assert math.isnan(one.std_change)
    assert one.sample_count == 1
    # Changes 0.02 and -0.01: mean 0.005, sample std = sqrt(2 × 0.015² / 1)
    assert two.mean_change == pytest.approx(0.005, abs=1e-12)
    assert two.std_change == pytest.approx(math.sqrt(2 * 0.015**2), abs=1e-12)
    assert two.mean_volume == pytest.approx(2.5, abs=1e-12)
    assert two.last_change == pytest.approx(-0.01, abs=1e-12)
    assert two.last_volume == 5.0


def test_sample_at_window_edge_is_evicted():
    stats = TokenStats(60)
    stats.observe_price(0.5)
    stats.sample(T0)
    stats.observe_price(0.6)
    stats.sample(T0 + 10 * SEC)

    inside = stats.snapshot(T0 + 69 * SEC)
    edge = stats.snapshot(T0 + 70 * SEC)

    assert inside.sample_count == 1
    assert edge == EMPTY_SNAPSHOT


def test_window_must_be_positive():
    with pytest.raises(ValueError, match="window_secs"):
        TokenStats(0)
