"""
Value types shared by the config models: exact decimals written as strings in YAML.
"""

from decimal import Decimal
from decimal import InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator


def to_decimal(value: object) -> Decimal:
    """
    Return `value` as a finite ``Decimal``; floats are refused (money is never approximate).
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(
            f'write money and fractions as strings such as "10000" or "0.05", got {value!r}',
        )
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a decimal number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


Decimalish = Annotated[Decimal, BeforeValidator(to_decimal)]
