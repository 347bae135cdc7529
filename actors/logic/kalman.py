"""
Pure 1-D Kalman filter for the fair value of a binary market.

The state is the probability ``p`` that the market's YES token pays 1, modelled as a random walk
observed with noise:

- predict: ``P ← P + q`` (the estimate ``x`` is unchanged: a random walk has no drift);
- update: ``K = P / (P + r)``, ``x ← x + K (z − x)``, ``P ← (1 − K) P``.

The first measurement initialises the filter without a predict or update step: ``x = z`` and
``P = initial_variance``; its ``process_noise`` is reported as ``0.0`` because none was applied.

The process noise ``q`` grows toward expiry, when prices move fastest:
``q = base × (1 + multiplier × max(0, 1 − hours_to_expiry / horizon_hours))`` with a 24-hour
horizon by default. Negative hours (past the end time, before resolution) count as zero, so ``q``
never exceeds ``base × (1 + multiplier)``.

One filter per market: both books measure the same ``p``. A YES-book measurement ``z`` is used
as is; a NO-book measurement ``z`` is a measurement of ``1 − p`` and enters as ``1 − z``
(``to_yes_space``). Both mid and microprice map this way exactly: the NO book's bids are YES
asks at ``1 − price`` and vice versa. The NO fair value is ``1 − x`` by construction.

No clamping is needed: ``0 < K < 1`` (because ``r > 0``), so every estimate is a convex
combination of the measurements. Callers pass only measurements strictly inside (0, 1)
(``is_valid_measurement``), so every estimate stays strictly inside (0, 1).
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KalmanParams:
    """
    The parameters of the fair-value filter.

    Parameters
    ----------
    initial_variance : float, default 0.1
        The variance ``P`` given to the first measurement.
    measurement_noise : float, default 0.01
        The measurement noise variance ``r`` (must be positive).
    process_noise_base : float, default 0.001
        The process noise far from expiry.
    process_noise_multiplier : float, default 10.0
        How much the process noise grows over the last ``horizon_hours``.
    horizon_hours : float, default 24.0
        The hours before expiry over which the process noise ramps up.

    """

    initial_variance: float = 0.1
    measurement_noise: float = 0.01
    process_noise_base: float = 0.001
    process_noise_multiplier: float = 10.0
    horizon_hours: float = 24.0

    def __post_init__(self) -> None:
        positive = {
            "initial_variance": self.initial_variance,
            "measurement_noise": self.measurement_noise,
            "process_noise_base": self.process_noise_base,
            "horizon_hours": self.horizon_hours,
        }
        for name, value in positive.items():
            if not value > 0.0:
                raise ValueError(f"{name} must be positive, was {value}")
        if not self.process_noise_multiplier >= 0.0:
            raise ValueError(
                f"process_noise_multiplier must be >= 0, was {self.process_noise_multiplier}"
            )


@dataclass(frozen=True, slots=True)
class KalmanEstimate:
    """
    The filter state after one measurement.

    Parameters
    ----------
    estimate : float
        The filtered YES probability ``x``.
    variance : float
        The posterior variance ``P``.
    measurement : float
        The YES-space measurement ``z`` that produced this state.
    process_noise : float
        The process noise ``q`` applied in this step (0.0 for the initialising measurement).

    """

    estimate: float
    variance: float
    measurement: float
    process_noise: float


def process_noise(
    hours_to_expiry: float,
    base: float,
    multiplier: float,
    horizon_hours: float = 24.0,
) -> float:
    """
    Return the process noise for a step taken ``hours_to_expiry`` before the end time.

    Parameters
    ----------
    hours_to_expiry : float
        Hours left until the market's end time (negative values count as zero).
    base : float
        The process noise at or beyond the horizon.
    multiplier : float
        The extra noise, in units of ``base``, reached at expiry.
    horizon_hours : float, default 24.0
        The ramp length in hours.

    Returns
    -------
    float
        ``base × (1 + multiplier × max(0, 1 − max(hours, 0) / horizon_hours))``.

    """
    hours = max(hours_to_expiry, 0.0)
    return base * (1.0 + multiplier * max(0.0, 1.0 - hours / horizon_hours))


def midprice(bid: float, ask: float) -> float:
    """
    Return the mid price ``(bid + ask) / 2``.
    """
    return (bid + ask) / 2.0


def microprice(bid: float, bid_size: float, ask: float, ask_size: float) -> float:
    """
    Return the size-weighted microprice.

    Parameters
    ----------
    bid : float
        The best bid price.
    bid_size : float
        The size at the best bid.
    ask : float
        The best ask price.
    ask_size : float
        The size at the best ask.

    Returns
    -------
    float
        ``(bid × ask_size + ask × bid_size) / (bid_size + ask_size)``: a heavier ask side pulls
        the price toward the bid.

    """
    return (bid * ask_size + ask * bid_size) / (bid_size + ask_size)


def is_valid_measurement(z: float) -> bool:
    """
    Return whether ``z`` is a usable probability measurement (strictly inside (0, 1)).
    """
    return 0.0 < z < 1.0


def to_yes_space(z: float, from_yes: bool) -> float:
    """
    Return a token's measurement as a measurement of the YES probability.

    Parameters
    ----------
    z : float
        The measurement taken on one token's book.
    from_yes : bool
        If the measurement comes from the YES token's book (else the NO token's).

    Returns
    -------
    float
        ``z`` for the YES book, ``1 − z`` for the NO book.

    """
    return z if from_yes else 1.0 - z


def initialise(z: float, params: KalmanParams) -> KalmanEstimate:
    """
    Return the state after the first measurement: ``x = z``, ``P = initial_variance``.
    """
    return KalmanEstimate(z, params.initial_variance, z, 0.0)


def kalman_step(prior: KalmanEstimate, z: float, q: float, r: float) -> KalmanEstimate:
    """
    Return the state after one predict (process noise ``q``) and update (noise ``r``) step.

    Parameters
    ----------
    prior : KalmanEstimate
        The state before the step.
    z : float
        The YES-space measurement.
    q : float
        The process noise added in the predict step.
    r : float
        The measurement noise variance.

    Returns
    -------
    KalmanEstimate

    """
    predicted = prior.variance + q
    gain = predicted / (predicted + r)
    estimate = prior.estimate + gain * (z - prior.estimate)
    return KalmanEstimate(estimate, (1.0 - gain) * predicted, z, q)


def update_estimate(
    prior: KalmanEstimate | None,
    z: float,
    hours_to_expiry: float,
    params: KalmanParams,
) -> KalmanEstimate:
    """
    Return the filter state after the YES-space measurement ``z``.

    Parameters
    ----------
    prior : KalmanEstimate or None
        The current state, or ``None`` before the first measurement.
    z : float
        The YES-space measurement (see ``to_yes_space``).
    hours_to_expiry : float
        Hours left until the market's end time at the measurement's timestamp.
    params : KalmanParams
        The filter parameters.

    Returns
    -------
    KalmanEstimate

    """
    if prior is None:
        return initialise(z, params)
    q = process_noise(
        hours_to_expiry,
        params.process_noise_base,
        params.process_noise_multiplier,
        params.horizon_hours,
    )
    return kalman_step(prior, z, q, params.measurement_noise)


def run_filter(
    measurements: list[tuple[float, float]],
    params: KalmanParams,
) -> list[KalmanEstimate]:
    """
    Return the state after each ``(z, hours_to_expiry)`` measurement, starting empty.

    Parameters
    ----------
    measurements : list[tuple[float, float]]
        YES-space measurements with the hours to expiry at which each was taken.
    params : KalmanParams
        The filter parameters.

    Returns
    -------
    list[KalmanEstimate]

    """
    states: list[KalmanEstimate] = []
    state: KalmanEstimate | None = None
    for z, hours in measurements:
        state = update_estimate(state, z, hours, params)
        states.append(state)
    return states
