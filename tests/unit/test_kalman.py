import json
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from actors.fair_value import FairValueActorConfig
from actors.logic.kalman import KalmanEstimate
from actors.logic.kalman import KalmanParams
from actors.logic.kalman import initialise
from actors.logic.kalman import is_valid_measurement
from actors.logic.kalman import kalman_step
from actors.logic.kalman import microprice
from actors.logic.kalman import midprice
from actors.logic.kalman import process_noise
from actors.logic.kalman import run_filter
from actors.logic.kalman import to_yes_space
from actors.logic.kalman import update_estimate

pytestmark = pytest.mark.unit

PARAMS = KalmanParams()
FRAGMENT = Path(__file__).parents[2] / "configs" / "actors" / "fair_value.yaml"
TOL = 1e-12


def _exact_filter(
    measurements: list[tuple[Fraction, Fraction]],
    p0: Fraction = Fraction(1, 10),
    r: Fraction = Fraction(1, 100),
) -> list[tuple[Fraction, Fraction]]:
    # Rational reference: (z, q) per step, q ignored for the first (initialising) measurement
    x, p = measurements[0][0], p0
    out = [(x, p)]
    for z, q in measurements[1:]:
        predicted = p + q
        gain = predicted / (predicted + r)
        x = x + gain * (z - x)
        p = (1 - gain) * predicted
        out.append((x, p))
    return out


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (24.0, 0.001),
        (12.0, 0.006),
        (6.0, 0.0085),
        (1.0, 0.001 * (1.0 + 10.0 * (1.0 - 1.0 / 24.0))),
    ],
)
def test_process_noise_table_matches_formula(hours, expected):
    q = process_noise(hours, base=0.001, multiplier=10.0)

    assert q == pytest.approx(expected, abs=TOL)


def test_process_noise_one_hour_is_about_0_0106():
    assert process_noise(1.0, 0.001, 10.0) == pytest.approx(0.0106, abs=1e-4)


@pytest.mark.parametrize(("hours", "expected"), [(48.0, 0.001), (0.0, 0.011), (-3.0, 0.011)])
def test_process_noise_outside_ramp_is_bounded(hours, expected):
    assert process_noise(hours, 0.001, 10.0) == pytest.approx(expected, abs=TOL)


def test_first_measurement_initialises_state():
    state = update_estimate(None, 0.42, hours_to_expiry=5.0, params=PARAMS)

    assert state == KalmanEstimate(estimate=0.42, variance=0.1, measurement=0.42, process_noise=0.0)


def test_second_measurement_matches_hand_computation():
    # P⁻ = 0.1 + 0.001 = 0.101, K = 0.101 / 0.111 = 101/111,
    # x = 0.5 + 101/111 × 0.1 = 0.5909909909…, P = 10/111 × 0.101 = 1.01/111
    state = initialise(0.5, PARAMS)

    state = update_estimate(state, 0.6, hours_to_expiry=24.0, params=PARAMS)

    assert state.estimate == pytest.approx(0.5 + 0.1 * 101 / 111, abs=TOL)
    assert state.estimate == pytest.approx(0.59099099099099099, abs=TOL)
    assert state.variance == pytest.approx(0.00909909909909910, abs=TOL)
    assert state.process_noise == pytest.approx(0.001, abs=TOL)
    assert state.measurement == 0.6


def test_sequence_matches_exact_rationals():
    steps = [(0.5, 30.0), (0.6, 24.0), (0.55, 12.0), (0.7, 6.0), (0.65, 1.0), (0.9, 0.0)]
    exact_steps = [
        (
            Fraction(z).limit_denominator(1000),
            Fraction(1, 1000) * (1 + 10 * max(0, 1 - Fraction(h) / 24)),
        )
        for z, h in steps
    ]

    states = run_filter(steps, PARAMS)
    exact = _exact_filter(exact_steps)

    for state, (x, p) in zip(states, exact, strict=True):
        assert state.estimate == pytest.approx(float(x), abs=TOL)
        assert state.variance == pytest.approx(float(p), abs=TOL)


def test_kalman_step_with_explicit_noise():
    prior = KalmanEstimate(estimate=0.3, variance=0.02, measurement=0.3, process_noise=0.0)

    state = kalman_step(prior, z=0.4, q=0.005, r=0.025)

    # P⁻ = 0.025, K = 0.5, x = 0.35, P = 0.0125
    assert state.estimate == pytest.approx(0.35, abs=TOL)
    assert state.variance == pytest.approx(0.0125, abs=TOL)


def test_microprice_weights_toward_thin_side():
    # Heavier ask → price leans to the bid: (0.48 × 300 + 0.52 × 100) / 400 = 0.49
    assert microprice(0.48, 100.0, 0.52, 300.0) == pytest.approx(0.49, abs=TOL)
    assert microprice(0.48, 100.0, 0.52, 100.0) == pytest.approx(midprice(0.48, 0.52), abs=TOL)


def test_microprice_sequence_matches_hand_computation():
    z1 = microprice(0.40, 50.0, 0.44, 150.0)  # (0.40 × 150 + 0.44 × 50) / 200 = 0.41
    z2 = microprice(0.42, 300.0, 0.44, 100.0)  # (0.42 × 100 + 0.44 × 300) / 400 = 0.435

    states = run_filter([(z1, 24.0), (z2, 24.0)], PARAMS)

    assert z1 == pytest.approx(0.41, abs=TOL)
    assert z2 == pytest.approx(0.435, abs=TOL)
    assert states[1].estimate == pytest.approx(0.41 + 0.025 * 101 / 111, abs=TOL)


def test_no_book_microprice_maps_to_yes_microprice():
    # NO bid 0.56 (size 100) / ask 0.60 (size 300) is YES bid 0.40 (300) / ask 0.44 (100)
    no_z = microprice(0.56, 100.0, 0.60, 300.0)

    assert to_yes_space(no_z, from_yes=False) == pytest.approx(
        microprice(0.40, 300.0, 0.44, 100.0), abs=TOL
    )


def test_yes_and_no_books_feed_one_filter():
    # YES mid 0.50, then a NO mid 0.45 (a YES measurement of 0.55)
    yes_z, no_z = 0.50, 0.45

    state = update_estimate(None, to_yes_space(yes_z, from_yes=True), 10.0, PARAMS)
    state = update_estimate(state, to_yes_space(no_z, from_yes=False), 10.0, PARAMS)
    reference = run_filter([(0.50, 10.0), (1.0 - 0.45, 10.0)], PARAMS)[-1]
    fair_yes = state.estimate
    fair_no = 1.0 - fair_yes

    assert state == reference
    assert fair_no == 1.0 - fair_yes
    assert fair_yes + fair_no == pytest.approx(1.0, abs=TOL)
    assert 0.5 < fair_yes < 0.55


def test_estimate_stays_inside_unit_interval_near_bounds():
    steps = [(0.999, 1.0), (0.001, 0.5), (0.999, 0.1), (0.999, 0.0)]

    states = run_filter(steps, PARAMS)

    assert all(0.0 < state.estimate < 1.0 for state in states)


@pytest.mark.parametrize(("z", "valid"), [(0.0, False), (1.0, False), (0.5, True), (1e-9, True)])
def test_is_valid_measurement_excludes_bounds(z, valid):
    assert is_valid_measurement(z) is valid


def test_params_reject_zero_measurement_noise():
    with pytest.raises(ValueError, match="measurement_noise"):
        KalmanParams(measurement_noise=0.0)


def test_actor_config_defaults_match_spec():
    params = FairValueActorConfig().kalman_params()

    assert params == KalmanParams(0.1, 0.01, 0.001, 10.0, 24.0)


def test_actor_config_rejects_unknown_measurement():
    with pytest.raises(ValueError, match="measurement"):
        FairValueActorConfig(measurement="last")


def test_actor_config_rejects_sample_longer_than_window():
    with pytest.raises(ValueError, match="stats_sample_secs"):
        FairValueActorConfig(stats_window_secs=30, stats_sample_secs=60)


def test_actor_config_parses_yaml_fragment():
    text = FRAGMENT.read_text(encoding="utf-8")
    entry = yaml.safe_load(text)["actors"]["fair_value"]

    config = FairValueActorConfig.parse(json.dumps(entry["config"]))

    assert entry["actor_path"] == "actors.fair_value:FairValueActor"
    assert config.kalman_params() == KalmanParams()
