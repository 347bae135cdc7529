"""
Question text for synthetic markets: fictional names, real-looking phrasing.

Every entity is invented so that nobody mistakes the sample for real markets.
"""

import numpy as np

CATEGORIES: tuple[str, ...] = (
    "politics",
    "sports",
    "crypto",
    "economics",
    "weather",
    "entertainment",
    "science",
)

_STANDALONE: dict[str, tuple[str, ...]] = {
    "politics": (
        "Will {person} resign as {office} of {country} by {date}?",
        "Will the {country} parliament pass the {bill} by {date}?",
        "Will {person} lead the {country} polls on {date}?",
    ),
    "sports": (
        "Will {team} beat {team2} on {date}?",
        "Will {person} score in the {team} match on {date}?",
        "Will {team} vs. {team2} on {date} end in a draw?",
    ),
    "crypto": (
        "Will {coin} close above ${level:,} on {date}?",
        "Will {coin} hit ${level:,} by {date}?",
        "Will {coin} be up on {date}?",
    ),
    "economics": (
        "Will {country} CPI come in above {pct}% on {date}?",
        "Will the {country} central bank cut rates on {date}?",
        "Will {country} unemployment print below {pct}% on {date}?",
    ),
    "weather": (
        "Will it rain in {city} on {date}?",
        "Will the high in {city} exceed {temp}°F on {date}?",
    ),
    "entertainment": (
        "Will '{film}' gross over ${level:,} on its opening weekend ({date})?",
        "Will {person} release a new single by {date}?",
    ),
    "science": (
        "Will the {mission} launch succeed by {date}?",
        "Will {company} announce the {product} by {date}?",
    ),
}

_GROUPS: dict[str, tuple[str, str]] = {
    "politics": (
        "Who will win the {country} presidential election?",
        "Will {member} win the {country} presidential election?",
    ),
    "sports": (
        "Who will win the {league} final?",
        "Will {member} win the {league} final?",
    ),
    "entertainment": (
        "Best Picture at the {award}?",
        "Will '{member}' win Best Picture at the {award}?",
    ),
    "weather": (
        "Highest temperature in {city} on {date}?",
        "Will the high in {city} on {date} be {member}?",
    ),
}

_WORDS: dict[str, tuple[str, ...]] = {
    "person": ("Ada Merrow", "Tomas Quill", "Rhea Vantor", "Ilse Brannock", "Odo Kestrel"),
    "office": ("prime minister", "finance minister", "president"),
    "country": ("Freedonia", "Ruritania", "Genovia", "Latveria", "Elbonia", "Sokovia"),
    "bill": ("Harbour Act", "Digital Rights Bill", "Pension Reform Bill"),
    "team": ("Northport FC", "Glenmoor United", "Ashby Rovers", "Calder Athletic"),
    "team2": ("Westvale City", "Harrow Town", "Kingsreach FC", "Dunmore Wanderers"),
    "coin": ("BTC", "ETH", "SOL", "XRP"),
    "city": ("Port Avalon", "New Carthage", "Eastmere", "Lake Orrin"),
    "film": ("The Glass Orchard", "Neon Tide", "Paper Kings", "Saltwind"),
    "mission": ("Aurora-3", "Kestrel Lander", "Helios Probe"),
    "company": ("Orbitek", "Nimbus Labs", "Quantix"),
    "product": ("Q1 headset", "Nimbus 7 chip", "Orbit glasses"),
    "league": ("Continental Cup", "Premier Shield", "Summer Invitational"),
    "award": ("Silver Lantern Awards", "Meridian Film Festival"),
}

_MEMBERS: dict[str, tuple[str, ...]] = {
    "politics": ("Ada Merrow", "Tomas Quill", "Rhea Vantor", "Ilse Brannock", "Odo Kestrel"),
    "sports": ("Northport FC", "Glenmoor United", "Ashby Rovers", "Calder Athletic"),
    "entertainment": ("The Glass Orchard", "Neon Tide", "Paper Kings", "Saltwind"),
    "weather": ("70-74°F", "75-79°F", "80-84°F", "85-89°F", "90°F or higher"),
}

GROUP_CATEGORIES: tuple[str, ...] = tuple(_GROUPS)


def _fill(rng: np.random.Generator, date: str) -> dict[str, object]:
    words: dict[str, object] = {key: str(rng.choice(values)) for key, values in _WORDS.items()}
    words["date"] = date
    words["level"] = int(rng.choice((50_000, 75_000, 100_000, 4_000, 150, 2_500_000)))
    words["pct"] = round(float(rng.uniform(2.0, 6.0)), 1)
    words["temp"] = int(rng.integers(70, 96))
    return words


def standalone_question(rng: np.random.Generator, category: str, date: str) -> str:
    """
    Return the question of a standalone binary market.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator to draw the template and names from.
    category : str
        One of ``CATEGORIES``.
    date : str
        The human-readable end date to mention.

    Returns
    -------
    str

    """
    template = str(rng.choice(_STANDALONE[category]))
    return template.format(**_fill(rng, date))


def group_questions(
    rng: np.random.Generator,
    category: str,
    date: str,
    size: int,
) -> tuple[str, list[str]]:
    """
    Return the event title and member questions of a negative-risk group.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator to draw names from.
    category : str
        One of ``GROUP_CATEGORIES``.
    date : str
        The human-readable end date to mention.
    size : int
        The number of member markets (at most the number of named members).

    Returns
    -------
    tuple[str, list[str]]
        The event title and one question per member.

    """
    title, member_template = _GROUPS[category]
    words = _fill(rng, date)
    members = _MEMBERS[category][:size]
    questions = [member_template.format(member=member, **words) for member in members]
    return title.format(**words), questions
