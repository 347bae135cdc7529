"""
Venue errors split by what the caller may do about them (STYLE.md section 6).

Retry only idempotent reads (market listings, balances) on a ``RetryableVenueError``, with
capped exponential backoff. A ``FatalVenueError`` means retrying the same request cannot help
(bad request, auth, not found, undecodable body): surface it. Never retry an order submission
blindly; reconcile from venue state instead.
"""


class VenueError(Exception):
    """
    A failed request to a venue.

    Parameters
    ----------
    message : str
        What failed.
    status : int | None
        The HTTP status, if the venue answered.
    path : str
        The request path.

    """

    def __init__(self, message: str, status: int | None = None, path: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.path = path


class RetryableVenueError(VenueError):
    """
    A transient venue failure (429, 5xx, connection error, timeout).
    """


class FatalVenueError(VenueError):
    """
    A venue failure that retrying the same request cannot fix.
    """
