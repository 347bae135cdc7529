"""
Pure path math: update times and YES-probability paths (numpy in, numpy out).

The YES probability follows a random walk in logit space whose drift toward the drawn
outcome grows as expiry nears (``drift = sign * strength / (hours_to_expiry + offset)``).
A late reversal makes the walk favour the losing side (at least ``favourite_floor`` inside the
final hours) and flips it to the winner in the last hour.
"""

from dataclasses import dataclass

import numpy as np

NS_PER_HOUR = 3_600_000_000_000
NS_PER_MS = 1_000_000


@dataclass(frozen=True)
class PathParams:
    """
    Knobs of the update-time process and the logit walk.

    Parameters
    ----------
    base_rate_per_hour : float
        Book updates per hour far from expiry.
    expiry_rate_boost : float
        Rate multiplier numerator: ``rate = base * (1 + boost / (hours_left + offset))``.
    rate_offset_hours : float
        The offset in the rate formula (hours).
    drift_strength : float
        Logit drift numerator toward the outcome (logit per hour at ``offset`` hours).
    drift_offset_hours : float
        The offset in the drift formula (hours).
    logit_cap : float
        Paths are clipped to ``[-cap, cap]`` in logit space.
    final_window_hours : float
        Hours before expiry in which a reversal's fake favourite is held above the floor.
    flip_min_hours : float
        Earliest flip, in hours before expiry.
    flip_max_hours : float
        Latest flip, in hours before expiry.
    flip_ramp_hours : float
        Duration of the flip from the fake favourite to the winner (hours).
    favourite_floor : float
        Minimum probability of a reversal's fake favourite in the final window.

    """

    base_rate_per_hour: float = 45.0
    expiry_rate_boost: float = 10.0
    rate_offset_hours: float = 0.25
    drift_strength: float = 1.8
    drift_offset_hours: float = 0.5
    logit_cap: float = 6.0
    final_window_hours: float = 4.0
    flip_min_hours: float = 0.25
    flip_max_hours: float = 1.0
    flip_ramp_hours: float = 0.15
    favourite_floor: float = 0.8


def logit(p: np.ndarray | float) -> np.ndarray:
    """
    Return ``log(p / (1 - p))``.
    """
    p = np.asarray(p, dtype=np.float64)
    return np.log(p / (1.0 - p))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """
    Return ``1 / (1 + exp(-x))``.
    """
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def event_times_ns(
    rng: np.random.Generator,
    start_ns: int,
    stop_ns: int,
    end_ns: int,
    params: PathParams,
) -> np.ndarray:
    """
    Draw book-update times on ``(start_ns, stop_ns)``, denser as ``end_ns`` nears.

    An inhomogeneous Poisson process sampled by inverting its cumulative intensity on a
    one-minute grid. Times are rounded to the millisecond and strictly increasing.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    start_ns : int
        The first snapshot time (excluded).
    stop_ns : int
        The last allowed time (excluded): the market end or the window end.
    end_ns : int
        The market end time that drives the intensity.
    params : PathParams
        The rate knobs.

    Returns
    -------
    numpy.ndarray
        Sorted unique int64 UNIX ns.

    """
    span_h = (stop_ns - start_ns) / NS_PER_HOUR
    grid_h = np.linspace(0.0, span_h, max(2, int(span_h * 60) + 1))
    hours_left = (end_ns - start_ns) / NS_PER_HOUR - grid_h
    rate = params.base_rate_per_hour * (
        1.0 + params.expiry_rate_boost / (hours_left + params.rate_offset_hours)
    )
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (rate[1:] + rate[:-1]) * np.diff(grid_h))])
    n_events = int(rng.poisson(cum[-1]))
    u = np.sort(rng.uniform(0.0, cum[-1], n_events))
    t_ms = np.round(np.interp(u, cum, grid_h) * (NS_PER_HOUR / NS_PER_MS)).astype(np.int64)
    times = start_ns + np.unique(t_ms) * NS_PER_MS
    return times[(times > start_ns) & (times < stop_ns)]


def hours_to_expiry(times_ns: np.ndarray, end_ns: int) -> np.ndarray:
    """
    Return the hours left until ``end_ns`` at each time.
    """
    return (end_ns - np.asarray(times_ns, dtype=np.int64)) / NS_PER_HOUR


def drift_walk(
    rng: np.random.Generator,
    hours_left: np.ndarray,
    x0: float,
    sign: float,
    vol_per_sqrt_hour: float,
    params: PathParams,
) -> np.ndarray:
    """
    Return a logit walk drifting toward ``sign`` with strength growing near expiry.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    hours_left : numpy.ndarray
        Hours to expiry at each observation (decreasing).
    x0 : float
        Starting logit.
    sign : float
        +1 to drift toward YES, -1 toward NO.
    vol_per_sqrt_hour : float
        Diffusion in logit units per square-root hour.
    params : PathParams
        The drift knobs.

    Returns
    -------
    numpy.ndarray
        Logits, same length as ``hours_left`` (unclipped).

    """
    dt = np.maximum(-np.diff(hours_left), 0.0)
    mid = 0.5 * (hours_left[1:] + hours_left[:-1])
    drift = sign * params.drift_strength / (np.maximum(mid, 0.0) + params.drift_offset_hours)
    shocks = vol_per_sqrt_hour * np.sqrt(dt) * rng.standard_normal(dt.size)
    return x0 + np.concatenate([[0.0], np.cumsum(drift * dt + shocks)])


def apply_late_reversal(
    rng: np.random.Generator,
    hours_left: np.ndarray,
    logits: np.ndarray,
    winner_sign: float,
    params: PathParams,
) -> np.ndarray:
    """
    Hold the loser as favourite in the final window, then flip to the winner.

    ``logits`` must already drift toward the losing side (``-winner_sign``).

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    hours_left : numpy.ndarray
        Hours to expiry at each observation (decreasing).
    logits : numpy.ndarray
        A walk drifting toward the losing side.
    winner_sign : float
        +1 if YES wins, -1 if NO wins.
    params : PathParams
        The reversal knobs.

    Returns
    -------
    numpy.ndarray
        The reversed path (new array).

    """
    out = np.clip(logits, -params.logit_cap, params.logit_cap)
    fake = -winner_sign
    flip_h = rng.uniform(params.flip_min_hours, params.flip_max_hours)
    hold = (hours_left <= params.final_window_hours) & (hours_left > flip_h)
    floor = float(logit(params.favourite_floor))
    out[hold] = fake * np.maximum(fake * out[hold], floor)
    after = hours_left <= flip_h
    if not after.any():
        return out
    first = int(np.argmax(after))
    x_flip = out[first - 1] if first > 0 else out[0]
    weight = np.clip((flip_h - hours_left[after]) / params.flip_ramp_hours, 0.0, 1.0)
    target = winner_sign * rng.uniform(2.5, 4.5)
    wobble = 0.1 * np.cumsum(rng.standard_normal(weight.size)) / np.sqrt(max(weight.size, 1))
    out[after] = x_flip + (target - x_flip) * weight + wobble * weight
    return out


def probability_path(
    rng: np.random.Generator,
    hours_left: np.ndarray,
    p0: float,
    yes_wins: bool,
    reversal: bool,
    vol_per_sqrt_hour: float,
    params: PathParams,
) -> np.ndarray:
    """
    Return the YES probability at each observation.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    hours_left : numpy.ndarray
        Hours to expiry at each observation (decreasing; index 0 is the snapshot).
    p0 : float
        The initial YES probability.
    yes_wins : bool
        The drawn outcome.
    reversal : bool
        If the final-hours favourite must lose.
    vol_per_sqrt_hour : float
        Diffusion in logit units per square-root hour.
    params : PathParams
        The path knobs.

    Returns
    -------
    numpy.ndarray
        Probabilities strictly inside (0, 1).

    """
    sign = 1.0 if yes_wins else -1.0
    drift_sign = -sign if reversal else sign
    x = drift_walk(rng, hours_left, float(logit(p0)), drift_sign, vol_per_sqrt_hour, params)
    if reversal:
        x = apply_late_reversal(rng, hours_left, x, sign, params)
    return sigmoid(np.clip(x, -params.logit_cap, params.logit_cap))
