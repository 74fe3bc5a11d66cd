"""Transaction logs to per-customer RFM summaries (Fader-Hardie convention).

:func:`rfm_summary` turns a log of (customer, date, value) rows into one row
per customer: ``frequency`` (repeat purchase periods), ``recency`` (time from
the first to the last purchase period), ``T`` (time from the first purchase
period to the observation end) and ``monetary_value`` (mean value of the
repeat periods), the inputs of the BG/NBD, Pareto/NBD and Gamma-Gamma models.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Optional, Tuple, Union

import numpy as np
import pandas as pd

from . import _loyalty
from .errors import InvalidDataError, ParseError

__all__ = ["rfm_summary"]

DateLike = Union[str, _dt.date, _dt.datetime, np.datetime64, pd.Timestamp]


def _moment(value: Optional[DateLike]) -> Optional[str]:
    """Turn an observation or calibration end into text the core parses."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    return pd.Timestamp(value).isoformat()


def _codes(customer_ids: Any) -> Tuple[np.ndarray, Any]:
    """Return int64 ids as they are (uniques ``None``), or factorise other ids
    into int64 codes ordered like the sorted distinct ids."""
    if not isinstance(customer_ids, (pd.Series, pd.Index, np.ndarray)):
        # numpy would turn [1, "1"] into two equal strings: look at the
        # Python objects first.
        customer_ids = _one_dimensional(customer_ids, "customer_ids", dtype=object)
    ids = customer_ids
    _check_one_dimensional(ids, "customer_ids")
    dtype = ids.dtype
    if isinstance(dtype, np.dtype) and (
        dtype.kind == "i" or (dtype.kind == "u" and dtype.itemsize < 8)
    ):
        return np.ascontiguousarray(np.asarray(ids), dtype=np.int64), None
    kind = pd.api.types.infer_dtype(ids, skipna=True)
    if kind.startswith("mixed"):
        raise InvalidDataError(
            f"invalid data in customer_ids: ids of mixed types ({kind}) cannot be ordered; "
            "pass ids of one type, e.g. all str or all int"
        )
    if kind == "integer" and isinstance(dtype, np.dtype) and dtype.kind == "O":
        # Python ints in an object array: int64 ids when they fit.
        try:
            return _codes(np.asarray(ids, dtype=np.int64))
        except OverflowError:
            pass
    try:
        codes, uniques = pd.factorize(ids, sort=True)
    except TypeError as err:
        raise InvalidDataError(
            f"invalid data in customer_ids: ids of mixed types cannot be ordered ({err}); "
            "pass ids of one type, e.g. all str or all int"
        ) from None
    missing = np.flatnonzero(codes < 0)
    if missing.size:
        raise InvalidDataError(
            f"invalid data in customer_ids: ids are missing (rows {missing[:10].tolist()}"
            f"{', and %d more' % (missing.size - 10) if missing.size > 10 else ''}); "
            "drop or fill the rows without a customer id"
        )
    return np.ascontiguousarray(codes, dtype=np.int64), uniques


def _one_dimensional(values: Any, name: str, dtype: Any = None) -> np.ndarray:
    """Return ``values`` as a 1-D numpy array, rejecting other shapes."""
    array = np.asarray(values, dtype=dtype) if dtype is not None else np.asarray(values)
    _check_one_dimensional(array, name)
    return array


def _check_one_dimensional(values: Any, name: str) -> None:
    ndim = getattr(values, "ndim", 1)
    if ndim != 1:
        raise InvalidDataError(
            f"invalid data in {name}: expected one value per transaction (a 1-D array), "
            f"got shape {getattr(values, 'shape', ())}; pass one column"
        )


def _dates(dates: Any, tz: Optional[str]) -> Tuple[Any, str, Optional[str]]:
    """Return (dates, kind, tz) for the core: int64 ticks, an object array or
    text.

    A tz-aware pandas column is passed as UTC ticks; without ``tz`` its
    own zone is the declared zone.
    """
    if isinstance(dates, (pd.Series, pd.Index)):
        dtype = dates.dtype
        if isinstance(dtype, np.dtype) and dtype.kind == "M":
            # Naive datetime64: a view of the int64 ticks, no copy.
            return _ticks(dates.to_numpy(), "naive", tz)
        if isinstance(dtype, pd.DatetimeTZDtype):
            index = pd.DatetimeIndex(dates)
            stamps = index.tz_convert("UTC").tz_localize(None).to_numpy()
            return _ticks(stamps, "utc", tz or str(index.tz))
        values = dates.to_numpy(dtype=object)
    else:
        values = _one_dimensional(dates, "dates")
        if values.dtype.kind == "M":
            return _ticks(values, "naive", tz)
    if values.dtype.kind == "O":
        # The core reads str objects in place; `_object_texts` is the way
        # back when it cannot.
        return np.ascontiguousarray(values), "objects", tz
    return (*_object_texts(values), tz)


def _object_texts(values: np.ndarray) -> Tuple[Any, str]:
    """Return the dates of an array as joined text (see `_text`), converting
    date objects and missing values that are not str."""
    if values.dtype.kind in "US":
        return _text(values.astype(str).tolist())
    texts = values.tolist()
    try:
        return _text(texts)
    except TypeError:
        # Not all str: convert date objects and missing values one by one.
        return _text([_date_text(v) for v in texts])


def _ticks(stamps: np.ndarray, zone: str, tz: Optional[str]) -> Tuple[Any, str, Optional[str]]:
    """Return a datetime64 array as int64 ticks with its kind, e.g.
    ``"naive_us"``; units coarser than seconds become seconds."""
    unit = np.datetime_data(stamps.dtype)[0]
    finer = {"ps": 10**3, "fs": 10**6, "as": 10**9}
    if unit in finer:
        # Sub-nanosecond units: floor to nanoseconds, keeping NaT.
        ticks = stamps.view(np.int64)
        nanos = np.where(np.isnat(stamps), np.iinfo(np.int64).min, ticks // finer[unit])
        return np.ascontiguousarray(nanos), f"{zone}_ns", tz
    if unit not in ("s", "ms", "us", "ns"):
        # numpy's cast wraps around silently outside its range, so dates
        # outside years 1 to 9999 are rejected in their own unit first.
        low, high = np.datetime64("0001-01-01", unit), np.datetime64("9999-12-31", unit)
        outside = np.flatnonzero(~np.isnat(stamps) & ((stamps < low) | (stamps > high)))
        if outside.size:
            raise InvalidDataError(
                f"invalid data in dates: timestamps must fall in years 1 to 9999, e.g. "
                f"{stamps[outside[0]]} (rows {outside[:10].tolist()}); "
                "drop or correct the out-of-range dates"
            )
        stamps, unit = stamps.astype("datetime64[s]"), "s"
    return np.ascontiguousarray(stamps.view(np.int64)), f"{zone}_{unit}", tz


def _text(texts: list) -> Tuple[Any, str]:
    """Join text dates by newlines: one conversion for the core instead of
    one per date. The list is kept for the core to fall back on when a date
    contains a newline."""
    if not texts:
        return texts, "text"
    return ("\n".join(texts), texts), "joined"


def _check_encodable(texts: list) -> None:
    """Raise ParseError naming the first date that is not valid Unicode
    (a lone surrogate), which the core cannot receive."""
    for row, text in enumerate(texts):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ParseError(
                f"cannot parse dates[{row}] = {text!r}: not valid Unicode ({err.reason}); "
                "fix or drop the date"
            ) from None


def _date_text(value: Any) -> str:
    """Text of one date object; missing values become "", which the core
    reports as a missing date."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, (_dt.datetime, np.datetime64)):
        stamp = pd.Timestamp(value)
        return "" if stamp is pd.NaT else stamp.isoformat()
    return str(value)


def rfm_summary(
    customer_ids: Any,
    dates: Any,
    values: Any = None,
    *,
    observation_end: Optional[DateLike],
    period: Union[str, float] = "W",
    calibration_end: Optional[DateLike] = None,
    tz: Optional[str] = None,
    date_format: Optional[str] = None,
) -> pd.DataFrame:
    """Summarise a transaction log per customer (Fader-Hardie RFM summary).

    Several purchases of a customer in one period count as one repeat
    purchase whose value is their sum, and the first period is not a repeat.
    Row order does not matter. Customers appear in ascending id order.

    Args:
        customer_ids: one id per transaction (int or str; numpy array, list or
            pandas Series).
        dates: one date per transaction: numpy ``datetime64`` in any unit
            (``s`` to ``ns`` read as int64 ticks without copying), a pandas Series of Timestamps, naive
            or tz-aware, Python datetimes or dates, or strings. Strings follow
            ``date_format``; without it ISO 8601 (``2024-03-05``,
            ``2024-03-05T14:30:00+01:00``), ``20240305`` and ``2024/03/05`` are
            read, and ``03/05/2024``-like text raises :class:`~loyalty.ParseError`
            because day and month cannot be distinguished.
        values: optional transaction values (spend), >= 0; without them the
            monetary columns are left out.
        observation_end: last date observed; every transaction of its period
            counts and later ones raise :class:`~loyalty.InvalidDataError`.
            ``None`` takes the date of the latest transaction.
        period: ``"D"``, ``"W"`` (calendar weeks from Monday), ``"M"``, or a
            number of days: transactions are then grouped by day and times are
            days divided by it, e.g. ``7`` for the fractional weeks of the
            CDNOW summaries of Fader, Hardie and Lee (2005).
        calibration_end: end of the calibration period; adds
            ``frequency_holdout``, ``monetary_value_holdout`` and
            ``duration_holdout`` for the purchases after it. Customers whose
            first purchase is later are left out.
        tz: zone in which dates are floored to periods (IANA name, ``"UTC"`` or
            ``"+05:30"``). Zone-aware dates are converted to it; naive dates
            are read as its wall-clock time. Defaults to the zone of a tz-aware
            pandas column; text with UTC offsets needs it.
        date_format: strftime-style format of text dates, e.g. ``"%m/%d/%Y"``.

    Returns:
        A DataFrame indexed by ``customer_id`` with columns ``frequency``,
        ``recency``, ``T``, ``monetary_value`` (with values) and, with
        ``calibration_end``, ``frequency_holdout``, ``monetary_value_holdout``
        (with values) and ``duration_holdout``. Times are in the period's unit.

    Raises:
        ParseError: a date that does not parse, naming its row and text.
        InvalidDataError: rows after ``observation_end``, negative values,
            missing dates or ids, zone-aware mixed with naive timestamps.
        NotFiniteError: NaN or infinite values.

    Example:
        >>> import loyalty
        >>> df = loyalty.rfm_summary(
        ...     ["a", "a", "a", "b"],
        ...     ["2024-01-01", "2024-01-01", "2024-01-10", "2024-01-05"],
        ...     [10.0, 5.0, 20.0, 8.0],
        ...     observation_end="2024-01-31",
        ...     period="D",
        ... )
        >>> df.loc["a", ["frequency", "recency", "T", "monetary_value"]].tolist()
        [1.0, 9.0, 30.0, 20.0]
    """
    codes, uniques = _codes(customer_ids)
    date_values, kind, tz = _dates(dates, tz)
    if values is not None:
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise InvalidDataError(
                f"invalid data in values: transaction values must be real numbers ({err}); "
                "convert the column to float first"
            ) from None
        _check_one_dimensional(array, "values")
        values = np.ascontiguousarray(array)
    if isinstance(period, (int, float, np.integer, np.floating)) and not isinstance(period, bool):
        period = repr(float(period))

    def summarise(date_values: Any, kind: str) -> Optional[dict]:
        return _loyalty.rfm_summary_codes(
            codes,
            date_values,
            values,
            date_kind=kind,
            observation_end=_moment(observation_end),
            period=str(period),
            calibration_end=_moment(calibration_end),
            tz=tz,
            date_format=date_format,
            # Factorised ids are dense codes, grouped without hashing.
            n_codes=None if uniques is None else len(uniques),
        )

    result = None
    if kind == "objects":
        result = summarise(date_values, "objects")
        if result is None:
            # Not all str, or few shared objects: pass the dates as text.
            date_values, kind = _object_texts(date_values)
    if kind == "joined" and len(date_values[1]) != len(codes):
        # Lengths differ: the list lets the core name the mismatch.
        date_values, kind = date_values[1], "text"
    if kind == "joined":
        joined, texts = date_values
        if not joined.isascii():
            _check_encodable(texts)
        result = summarise(joined, "joined")
        if result is None:
            # The core split the text into more dates than rows: a date
            # contains a newline. The list keeps the dates apart.
            result = summarise(texts, "text")
    elif result is None:
        result = summarise(date_values, kind)
    ids = result.pop("customer_id")
    if uniques is not None:
        ids = np.asarray(uniques)[ids]
    index = pd.Index(ids, name="customer_id")
    result.pop("period")
    duration = result.pop("duration_holdout", None)
    # No other object refers to the new arrays, so the frame may keep them.
    frame = pd.DataFrame(result, index=index, copy=False)
    if duration is not None:
        frame["duration_holdout"] = float(duration)
    return frame
