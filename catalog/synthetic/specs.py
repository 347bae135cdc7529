"""
Draw the synthetic market universe: ids, questions, groups, end times and outcomes.

Everything here is decided up front from the seed, before any path is simulated, so that the
outcome, the reversal flag and the end time of each market are fixed inputs of its path.
"""

import datetime as dt
from dataclasses import dataclass
from dataclasses import replace

import numpy as np

from catalog.synthetic import ids
from catalog.synthetic.questions import CATEGORIES
from catalog.synthetic.questions import GROUP_CATEGORIES
from catalog.synthetic.questions import group_questions
from catalog.synthetic.questions import standalone_question

NS_PER_HOUR = 3_600_000_000_000
NS_PER_MINUTE = 60_000_000_000


@dataclass(frozen=True)
class UniverseParams:
    """
    Shape of the synthetic universe.

    Parameters
    ----------
    grouped_fraction : float
        Share of markets placed in negative-risk groups (groups of 3-4).
    after_window_fraction : float
        Share of events that end after the window (never resolve in it).
    reversal_fraction : float
        Share of resolving markets whose final-hours favourite loses.
    fine_tick_fraction : float
        Share of events with tick size 0.001 (others use 0.01).
    late_listing_fraction : float
        Share of standalone markets listed after the window start.
    first_end_hours : float
        Hours after the window start of the earliest end time.
    min_reversal_hours : float
        Minimum life (hours) of a market chosen for a late reversal.

    """

    grouped_fraction: float = 0.3
    after_window_fraction: float = 0.12
    reversal_fraction: float = 0.18
    fine_tick_fraction: float = 0.2
    late_listing_fraction: float = 0.1
    first_end_hours: float = 1.5
    min_reversal_hours: float = 8.0


@dataclass(frozen=True)
class MarketKnobs:
    """
    Per-market book and path knobs drawn with the spec.

    Parameters
    ----------
    levels : int
        Book levels per side (touch included).
    base_size : float
        Median touch size (shares).
    occupancy : float
        Share of grid prices able to hold resting orders.
    vol_per_sqrt_hour : float
        Logit diffusion per square-root hour.
    volume_usd : float
        Prior traded volume reported in ``MarketInfo``.

    """

    levels: int
    base_size: float
    occupancy: float
    vol_per_sqrt_hour: float
    volume_usd: float


@dataclass(frozen=True)
class MarketSpec:
    """
    Everything fixed about one synthetic binary market before its path is drawn.

    Parameters
    ----------
    index : int
        Position in the universe (also the per-market RNG stream key).
    condition_id : str
        ``0x`` + 64 hex characters.
    yes_token_id : str
        Decimal token id of the YES outcome.
    no_token_id : str
        Decimal token id of the NO outcome.
    question : str
        The market question.
    category : str
        The market category.
    event_id : str
        The parent event id (shared inside a negative-risk group).
    neg_risk : bool
        If the market belongs to a negative-risk group.
    tick_size : str
        ``"0.01"`` or ``"0.001"``.
    fees_enabled : bool
        If taker fees apply.
    fee_rate : str
        Taker fee rate (``"0"`` where fees are off).
    start_ns : int
        First book snapshot (UNIX ns).
    end_ns : int
        Market end time (UNIX ns); may lie after the window.
    p0 : float
        Initial YES probability.
    yes_wins : bool
        The drawn outcome.
    reversal : bool
        If the final-hours favourite is made to lose.
    knobs : MarketKnobs
        Per-market book and path knobs.
    outcomes : tuple[str, str], default ("Yes", "No")
        The outcome labels of the (YES, NO) tokens (``("Up", "Down")`` for BTC up/down).

    """

    index: int
    condition_id: str
    yes_token_id: str
    no_token_id: str
    question: str
    category: str
    event_id: str
    neg_risk: bool
    tick_size: str
    fees_enabled: bool
    fee_rate: str
    start_ns: int
    end_ns: int
    p0: float
    yes_wins: bool
    reversal: bool
    knobs: MarketKnobs
    outcomes: tuple[str, str] = ("Yes", "No")


@dataclass
class _Event:
    category: str
    size: int
    end_ns: int = 0
    fine_tick: bool = False


def _plan_events(rng: np.random.Generator, n_markets: int, params: UniverseParams) -> list[_Event]:
    grouped_target = round(params.grouped_fraction * n_markets)
    events: list[_Event] = []
    grouped = 0
    while grouped_target - grouped >= 3:
        size = int(min(rng.integers(3, 5), grouped_target - grouped))
        category = GROUP_CATEGORIES[len(events) % len(GROUP_CATEGORIES)]
        events.append(_Event(category=category, size=size))
        grouped += size
    n_standalone = n_markets - grouped
    cycle = [CATEGORIES[i % len(CATEGORIES)] for i in range(n_standalone)]
    events.extend(_Event(category=str(c), size=1) for c in rng.permutation(cycle))
    order = rng.permutation(len(events))
    return [events[i] for i in order]


def _assign_ends(
    rng: np.random.Generator,
    events: list[_Event],
    start_ns: int,
    stop_ns: int,
    params: UniverseParams,
) -> None:
    n_events = len(events)
    n_after = max(1, round(params.after_window_fraction * n_events)) if n_events > 2 else 0
    first = start_ns + int(params.first_end_hours * NS_PER_HOUR)
    last = stop_ns - 15 * NS_PER_MINUTE
    n_inside = n_events - n_after
    # Evenly spaced ends with small jitter (first and last pinned) keep at least one market in
    # its final 4 h at every moment; the first after-window end keeps one at the window's end.
    slots = np.linspace(first, last, max(n_inside, 1))
    spacing = (last - first) / max(n_inside - 1, 1)
    jitter = rng.uniform(-0.15, 0.15, n_inside) * spacing
    jitter[[0, -1]] = 0.0
    quarter = 15 * NS_PER_MINUTE
    inside = np.clip((slots[:n_inside] + jitter) // quarter * quarter, first, last)
    after_hours = rng.integers(24, 24 * 45, n_after).astype(np.float64)
    after_hours[:1] = rng.uniform(2.0, 3.5)
    after = stop_ns + np.round(after_hours * 4) * (NS_PER_HOUR // 4)
    ends = np.concatenate([inside.astype(np.int64), after.astype(np.int64)])
    for event, end in zip(events, rng.permutation(ends), strict=True):
        event.end_ns = int(end)
        event.fine_tick = bool(rng.random() < params.fine_tick_fraction)


def _date_text(ns: int) -> str:
    moment = dt.datetime.fromtimestamp(ns / 1e9, tz=dt.UTC)
    return f"{moment:%B} {moment.day}, {moment.year}"


def _event_questions(rng: np.random.Generator, event: _Event) -> tuple[list[float], list[str]]:
    date = _date_text(event.end_ns)
    if event.size == 1:
        p0 = 0.08 + 0.84 * float(rng.beta(1.6, 1.6))
        return [p0], [standalone_question(rng, event.category, date)]
    shares = rng.dirichlet(np.full(event.size, 2.0))
    p0s = np.clip(0.97 * shares, 0.03, 0.9)
    _, questions = group_questions(rng, event.category, date, event.size)
    return [float(p) for p in p0s], questions


def _outcomes(rng: np.random.Generator, p0s: list[float]) -> list[bool]:
    if len(p0s) == 1:
        return [bool(rng.random() < p0s[0])]
    probs = np.asarray(p0s) / sum(p0s)
    winner = int(rng.choice(len(p0s), p=probs))
    return [i == winner for i in range(len(p0s))]


def _knobs(rng: np.random.Generator, fine_tick: bool) -> MarketKnobs:
    return MarketKnobs(
        levels=int(rng.integers(5, 11)),
        base_size=float(rng.lognormal(np.log(150.0), 0.6)),
        occupancy=float(rng.uniform(0.55, 0.75) if fine_tick else rng.uniform(0.8, 0.95)),
        vol_per_sqrt_hour=float(rng.uniform(0.1, 0.3)),
        volume_usd=round(float(rng.lognormal(np.log(250_000.0), 1.0)), 2),
    )


def _listing_start(
    rng: np.random.Generator,
    event: _Event,
    start_ns: int,
    params: UniverseParams,
) -> int:
    late = event.size == 1 and rng.random() < params.late_listing_fraction
    if not late or event.end_ns - start_ns < 18 * NS_PER_HOUR:
        return start_ns
    offset = int(rng.uniform(1.0, 12.0) * 60) * NS_PER_MINUTE
    return start_ns + offset


def _choose_reversals(
    rng: np.random.Generator,
    specs: list[MarketSpec],
    stop_ns: int,
    params: UniverseParams,
) -> set[int]:
    resolving = [s for s in specs if s.end_ns <= stop_ns]
    min_life = int(params.min_reversal_hours * NS_PER_HOUR)
    eligible = [s.index for s in resolving if not s.neg_risk and s.end_ns - s.start_ns >= min_life]
    wanted = min(round(params.reversal_fraction * len(resolving)), len(eligible))
    if wanted == 0:
        return set()
    return {int(i) for i in rng.choice(eligible, size=wanted, replace=False)}


def make_market_specs(
    seed: int,
    n_markets: int,
    start_ns: int,
    stop_ns: int,
    params: UniverseParams | None = None,
) -> list[MarketSpec]:
    """
    Draw the full synthetic universe deterministically from ``seed``.

    Parameters
    ----------
    seed : int
        The catalog seed.
    n_markets : int
        The number of binary markets.
    start_ns : int
        Window start (UNIX ns).
    stop_ns : int
        Window end (UNIX ns).
    params : UniverseParams, optional
        Universe shape; defaults to ``UniverseParams()``.

    Returns
    -------
    list[MarketSpec]
        One spec per market, ordered by index.

    """
    params = params or UniverseParams()
    rng = np.random.default_rng(seed)
    events = _plan_events(rng, n_markets, params)
    _assign_ends(rng, events, start_ns, stop_ns, params)
    specs: list[MarketSpec] = []
    for event_index, event in enumerate(events):
        event_key = ids.event_id(seed, event_index)
        specs.extend(_event_specs(rng, seed, event, event_key, len(specs), start_ns, params))
    chosen = _choose_reversals(rng, specs, stop_ns, params)
    return [replace(s, reversal=True) if s.index in chosen else s for s in specs]


def _event_specs(
    rng: np.random.Generator,
    seed: int,
    event: _Event,
    event_key: str,
    first_index: int,
    start_ns: int,
    params: UniverseParams,
) -> list[MarketSpec]:
    p0s, questions = _event_questions(rng, event)
    wins = _outcomes(rng, p0s)
    specs = []
    for offset, (p0, question, yes_wins) in enumerate(zip(p0s, questions, wins, strict=True)):
        index = first_index + offset
        specs.append(
            MarketSpec(
                index=index,
                condition_id=ids.condition_id(seed, index),
                yes_token_id=ids.token_id(seed, index, "Yes"),
                no_token_id=ids.token_id(seed, index, "No"),
                question=question,
                category=event.category,
                event_id=event_key,
                neg_risk=event.size > 1,
                tick_size="0.001" if event.fine_tick else "0.01",
                fees_enabled=event.category == "crypto",
                fee_rate="0.07" if event.category == "crypto" else "0",
                start_ns=_listing_start(rng, event, start_ns, params),
                end_ns=event.end_ns,
                p0=p0,
                yes_wins=yes_wins,
                reversal=False,
                knobs=_knobs(rng, event.fine_tick),
            ),
        )
    return specs
