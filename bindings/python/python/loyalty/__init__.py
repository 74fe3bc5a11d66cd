"""loyalty: stakeholder loyalty management.

Measure loyalty from what people say (NPS, eNPS, CSAT, CES) and from what they
do (retention, tenure, repeat purchase), and link both to money (customer
lifetime value and its sensitivity to retention). The numerical work runs in
the Rust core; this package converts numpy and pandas inputs, returns plain
Python objects and DataFrames, and draws matplotlib plots on request.

Every index and estimate is an :class:`Estimate` with its interval and method.
Errors are subclasses of :class:`LoyaltyError`; bad input also subclasses
``ValueError``.
"""

from __future__ import annotations

from ._estimate import Estimate
from ._loyalty import __version__
from .errors import *  # noqa: F401,F403
from .survey import *  # noqa: F401,F403
from .models import *  # noqa: F401,F403
from .rfm import *  # noqa: F401,F403
from .retention import *  # noqa: F401,F403
from .separation import *  # noqa: F401,F403
from .drivers import *  # noqa: F401,F403
from .value import *  # noqa: F401,F403

from . import drivers, errors, models, retention, rfm, separation, survey, value

__all__ = (
    ["Estimate", "__version__"]
    + errors.__all__
    + survey.__all__
    + models.__all__
    + rfm.__all__
    + retention.__all__
    + separation.__all__
    + drivers.__all__
    + value.__all__
)
