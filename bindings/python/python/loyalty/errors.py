"""Exception classes raised by loyalty.

Every error of the Rust core arrives as one of these classes, all under
:class:`LoyaltyError`. Errors about bad input also subclass :class:`ValueError`,
so ``except ValueError`` keeps working for callers who do not know this package.
"""

from __future__ import annotations

__all__ = [
    "LoyaltyError",
    "EmptyInputError",
    "LengthMismatchError",
    "NotFiniteError",
    "OutOfRangeError",
    "InvalidParameterError",
    "InvalidDataError",
    "ParseError",
    "NotConvergedError",
    "NotPositiveSemidefiniteError",
    "DegenerateError",
    "StatisticalWarning",
    "BoundaryWarning",
]


class LoyaltyError(Exception):
    """Base class of every error raised by loyalty."""


class EmptyInputError(LoyaltyError, ValueError):
    """An input that needs data is empty or too short."""


class LengthMismatchError(LoyaltyError, ValueError):
    """Two inputs that must have the same length do not."""


class NotFiniteError(LoyaltyError, ValueError):
    """A value is NaN, infinite or missing where a number is required."""


class OutOfRangeError(LoyaltyError, ValueError):
    """A value lies outside its allowed range, e.g. a score off the scale."""


class InvalidParameterError(LoyaltyError, ValueError):
    """A parameter or option is invalid."""


class InvalidDataError(LoyaltyError, ValueError):
    """Rows of the data break a rule of the model, e.g. recency > T."""


class ParseError(LoyaltyError, ValueError):
    """A date, number or label could not be parsed."""


class NotConvergedError(LoyaltyError, ValueError):
    """An iterative fit stopped before it converged."""


class NotPositiveSemidefiniteError(LoyaltyError, ValueError):
    """A correlation or covariance matrix is not positive semidefinite."""


class DegenerateError(LoyaltyError, ValueError):
    """The data cannot identify the requested quantity (e.g. zero variance)."""


class StatisticalWarning(UserWarning):
    """A result was computed but should be read with care."""


class BoundaryWarning(StatisticalWarning):
    """A fitted optimum lies on the boundary of the parameter space."""
