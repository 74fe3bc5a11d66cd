"""loyalty.rfm_summary: reference cases, input types, zones and bad rows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import loyalty
from conftest import DATA, load_reference


def _case(group: str) -> dict:
    cases = load_reference("peer-faults.json")["cases"]
    return next(c for c in cases if c["model"] == "RFM summary" and c["group"] == group)


def _check_row(frame: pd.DataFrame, customer, expected: dict) -> None:
    row = frame.loc[customer]
    assert row["frequency"] == expected["frequency"]
    assert row["recency"] == expected["recency"]
    assert row["T"] == expected["T"]
    assert row["monetary_value"] == expected["monetary"]


def test_same_day_orders_count_once():
    # Source: peer-faults.json, lifetimes #91/#244/#343/#316 (hand computation).
    case = _case("degenerate data")
    log = pd.DataFrame(case["input"]["transactions"], columns=["id", "date", "value"])
    for customer, end in case["input"]["observation_end"].items():
        part = log[log["id"] == customer]
        frame = loyalty.rfm_summary(
            part["id"], part["date"], part["value"], observation_end=end, period="D"
        )
        _check_row(frame, customer, case["expected"][customer])
        # The same rows as parsed Timestamps give the same summary.
        parsed = loyalty.rfm_summary(
            part["id"], pd.to_datetime(part["date"]), part["value"], observation_end=end, period="D"
        )
        pd.testing.assert_frame_equal(parsed, frame)


def test_formatted_dates_compare_as_dates():
    # Source: peer-faults.json, pymc-marketing #2744 (Nov 1 -> Jan 15 = 75 days).
    case = _case("input validation (dates)")
    ids, dates, values = zip(*case["input"]["transactions"])
    frame = loyalty.rfm_summary(
        ids, dates, values, observation_end=None, period="D",
        date_format=case["input"]["datetime_format"],
    )
    _check_row(frame, 1, case["expected"])
    # Day-first text of the same dates, reversed.
    day_first = [f"{d[3:5]}/{d[0:2]}/{d[6:]}" for d in dates][::-1]
    other = loyalty.rfm_summary(
        ids[::-1], day_first, values[::-1], observation_end="2026-01-15", period="D",
        date_format="%d/%m/%Y",
    )
    pd.testing.assert_frame_equal(other, frame)


def test_ambiguous_dates_need_format():
    case = _case("input validation (dates)")
    ids, dates, values = zip(*case["input"]["transactions"])
    with pytest.raises(loyalty.ParseError, match=r"dates\[0\].*11/01/2025.*ambiguous"):
        loyalty.rfm_summary(ids, dates, values, observation_end=None, period="D")


def test_descending_order_gives_same_summary():
    # Source: peer-faults.json, lifetimes #85 (sort, then aggregate).
    case = _case("input validation (ordering)")
    ids, dates, values = zip(*case["input"]["transactions_descending"])
    end = case["input"]["observation_end"]
    frame = loyalty.rfm_summary(ids, dates, values, observation_end=end, period="D")
    for expected in case["expected"]["rows"]:
        _check_row(frame, expected["id"], expected)
    rng = np.random.default_rng(7)
    for _ in range(5):
        order = rng.permutation(len(ids))
        shuffled = loyalty.rfm_summary(
            np.asarray(ids)[order], np.asarray(dates)[order], np.asarray(values)[order],
            observation_end=end, period="D",
        )
        pd.testing.assert_frame_equal(shuffled, frame)


def _cdnow_sample() -> pd.DataFrame:
    return pd.read_csv(
        DATA / "cdnow" / "CDNOW_sample.txt", sep=r"\s+", header=None,
        names=["master_id", "id", "date", "cds", "value"], dtype={"date": str},
    )


def test_cdnow_sample_reproduces_published_summary():
    # Source: cdnow_customers_summary.csv and ..._with_transactions.csv, the
    # Fader-Hardie-Lee (2005) CDNOW sample over a 39-week calibration
    # (weeks = days / 7), rounded there to 2 decimals.
    log = _cdnow_sample()
    frame = loyalty.rfm_summary(
        log["id"], pd.to_datetime(log["date"], format="%Y%m%d"), log["value"],
        observation_end="1998-06-30", calibration_end="1997-09-30", period=7,
    )
    published = pd.read_csv(DATA / "cdnow" / "cdnow_customers_summary.csv", index_col="ID")
    spend = pd.read_csv(DATA / "cdnow" / "cdnow_customers_summary_with_transactions.csv", index_col="ID")
    assert len(frame) == len(published) == 2357
    published = published.loc[frame.index]
    np.testing.assert_array_equal(frame["frequency"], published["frequency"])
    np.testing.assert_allclose(frame["recency"], published["recency"], atol=0.005 + 1e-9, rtol=0)
    np.testing.assert_allclose(frame["T"], published["T"], atol=0.005 + 1e-9, rtol=0)
    np.testing.assert_allclose(frame["monetary_value"], spend.loc[frame.index, "zbar"], atol=0.005 + 1e-9, rtol=0)
    assert frame["duration_holdout"].iloc[0] == pytest.approx(273 / 7)
    # Text dates in their own format give the same summary.
    from_text = loyalty.rfm_summary(
        log["id"], log["date"], log["value"], observation_end="19980630",
        calibration_end="1997-09-30", period=7, date_format="%Y%m%d",
    )
    pd.testing.assert_frame_equal(from_text, frame)


def test_input_types_agree():
    dates = ["2024-01-01T10:00:00", "2024-01-03T23:00:00", "2024-02-01T00:30:00"]
    ids = np.array(["x", "x", "y"])
    expected = loyalty.rfm_summary(ids, dates, observation_end="2024-02-29", period="D")
    variants = [
        np.array(dates, dtype="datetime64[ns]"),
        np.array(dates, dtype="datetime64[s]"),
        pd.Series(pd.to_datetime(dates)),
        [dt.datetime.fromisoformat(d) for d in dates],
        [dt.date.fromisoformat(d[:10]) for d in dates],
        pd.Series(dates, dtype="string"),
        # pandas keeps datetime64 columns in any of four units.
        pd.Series(pd.to_datetime(dates)).astype("datetime64[us]"),
        pd.Series(pd.to_datetime(dates)).astype("datetime64[ms]"),
        pd.Series(pd.to_datetime(dates)).astype("datetime64[s]"),
        pd.Index(pd.to_datetime(dates)).as_unit("us"),
        np.array(dates, dtype="datetime64[us]"),
    ]
    for variant in variants:
        got = loyalty.rfm_summary(ids, variant, observation_end="2024-02-29", period="D")
        pd.testing.assert_frame_equal(got, expected)


def test_tz_aware_series_floor_in_declared_zone():
    stamps = pd.Series(pd.to_datetime(["2024-01-01T12:00:00Z", "2024-01-03T23:30:00Z"]))
    assert str(stamps.dt.tz) == "UTC"
    utc = loyalty.rfm_summary([1, 1], stamps, observation_end="2024-01-31", period="D")
    tokyo = loyalty.rfm_summary([1, 1], stamps, observation_end="2024-01-31", period="D", tz="Asia/Tokyo")
    own_zone = loyalty.rfm_summary(
        [1, 1], stamps.dt.tz_convert("Asia/Tokyo"), observation_end="2024-01-31", period="D"
    )
    assert utc.loc[1, "recency"] == 2.0
    assert tokyo.loc[1, "recency"] == 3.0
    pd.testing.assert_frame_equal(own_zone, tokyo)


def test_tz_aware_series_of_every_unit_agree():
    stamps = pd.Series(pd.to_datetime(["2024-01-01T12:00:00Z", "2024-01-03T23:30:00Z"]))
    expected = loyalty.rfm_summary(
        [1, 1], stamps.dt.as_unit("ns"), observation_end="2024-01-31", period="D", tz="Asia/Tokyo"
    )
    for unit in ("s", "ms", "us"):
        got = loyalty.rfm_summary(
            [1, 1], stamps.dt.as_unit(unit), observation_end="2024-01-31", period="D", tz="Asia/Tokyo"
        )
        pd.testing.assert_frame_equal(got, expected)
    assert expected.loc[1, "recency"] == 3.0


def test_day_resolution_and_missing_timestamps():
    days = np.array(["2024-01-01", "2024-01-05"], dtype="datetime64[D]")
    frame = loyalty.rfm_summary([1, 1], days, observation_end="2024-01-31", period="D")
    assert frame.loc[1, "recency"] == 4.0
    with_nat = pd.Series(pd.to_datetime(["2024-01-01", None])).astype("datetime64[us]")
    with pytest.raises(loyalty.InvalidDataError, match=r"NaT.*rows \[1\]|rows \[1\].*NaT"):
        loyalty.rfm_summary([1, 2], with_nat, observation_end="2024-01-31")


def test_mixed_aware_and_naive_raises():
    dates = [
        dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone.utc),
        dt.datetime(2024, 1, 2, 12),
        dt.datetime(2024, 1, 3, 12, tzinfo=dt.timezone.utc),
    ]
    with pytest.raises(loyalty.InvalidDataError, match=r"rows \[1\]"):
        loyalty.rfm_summary([1, 1, 1], dates, observation_end="2024-01-31", period="D", tz="UTC")


def test_offsets_without_tz_raise():
    with pytest.raises(loyalty.InvalidParameterError, match="tz"):
        loyalty.rfm_summary([1], ["2024-01-01T10:00:00+02:00"], observation_end="2024-01-31")


def test_holdout_columns():
    frame = loyalty.rfm_summary(
        ["a", "a", "a", "b", "c"],
        ["2024-01-01", "2024-01-05", "2024-01-12", "2024-01-03", "2024-01-11"],
        [10.0, 3.0, 30.0, 4.0, 5.0],
        observation_end="2024-01-15", calibration_end=dt.date(2024, 1, 8), period="D",
    )
    assert list(frame.columns) == [
        "frequency", "recency", "T", "monetary_value",
        "frequency_holdout", "monetary_value_holdout", "duration_holdout",
    ]
    assert frame.index.tolist() == ["a", "b"]
    assert frame["frequency_holdout"].tolist() == [1, 0]
    assert frame["monetary_value_holdout"].tolist() == [30.0, 0.0]
    assert frame["duration_holdout"].tolist() == [7.0, 7.0]
    assert frame["frequency"].dtype == np.int64


def test_bad_rows_raise_naming_rows():
    ids = [1, 1, 2]
    dates = ["2024-01-01", "2024-01-02", "2024-03-02"]
    with pytest.raises(loyalty.InvalidDataError, match=r"rows \[2\]"):
        loyalty.rfm_summary(ids, dates, observation_end="2024-01-31", period="D")
    with pytest.raises(loyalty.NotFiniteError, match=r"values\[1\]"):
        loyalty.rfm_summary(ids, dates, [1.0, np.nan, 2.0], observation_end="2024-03-31")
    with pytest.raises(loyalty.InvalidDataError, match=r"rows \[0\]"):
        loyalty.rfm_summary(ids, dates, [-1.0, 1.0, 2.0], observation_end="2024-03-31")
    with pytest.raises(loyalty.ParseError, match=r"dates\[1\].*2024-02-30"):
        loyalty.rfm_summary(ids, ["2024-01-01", "2024-02-30", "x"], observation_end="2024-03-31")
    with pytest.raises(loyalty.InvalidDataError, match="NaT"):
        loyalty.rfm_summary(ids, pd.to_datetime(["2024-01-01", None, "2024-01-02"]), observation_end="2024-03-31")
    with pytest.raises(loyalty.EmptyInputError):
        loyalty.rfm_summary([], [], observation_end="2024-03-31")
    with pytest.raises(loyalty.InvalidDataError, match="missing"):
        loyalty.rfm_summary(["a", None, "b"], dates, observation_end="2024-03-31")
    with pytest.raises(ValueError):
        loyalty.rfm_summary(ids, dates, observation_end="2024-03-31", period="7D")


def test_object_columns_agree_with_text():
    # Text columns are read as str objects and coded by identity. The cases
    # cover shared objects, equal texts in distinct objects, and columns of
    # mostly distinct texts, which go back to joined text.
    rng = np.random.default_rng(7)
    days = rng.integers(0, 400, 6000)
    texts = [str(np.datetime64("2023-01-01") + int(d)) for d in days]
    ids = rng.integers(0, 300, 6000)
    expected = loyalty.rfm_summary(ids, np.array(texts), observation_end="2024-03-31", period="W")
    shared = pd.Series(texts).map({t: t for t in set(texts)})
    stamps = [f"{t}T{i % 24:02d}:{i % 60:02d}:00" for i, t in enumerate(texts)]
    variants = {
        "shared objects": shared.astype(object),
        "distinct objects": pd.Series([t[:4] + t[4:] for t in texts], dtype=object),
        "string dtype": pd.Series(texts, dtype="string"),
        "numpy objects": np.array(texts, dtype=object),
        "distinct timestamps": pd.Series(stamps, dtype=object),
    }
    for name, column in variants.items():
        got = loyalty.rfm_summary(ids, column, observation_end="2024-03-31", period="W")
        pd.testing.assert_frame_equal(got, expected, obj=name)


def test_object_column_errors_name_rows():
    ids = [1, 1, 2, 2]
    bad = pd.Series(["2024-01-01", "2024-13-01", "2024-01-01", "2024-02-01"], dtype=object)
    with pytest.raises(loyalty.ParseError, match=r"dates\[1\].*2024-13-01"):
        loyalty.rfm_summary(ids, bad, observation_end="2024-03-31")
    newline = pd.Series(["2024-01-01", "2024-01-01", "2024-01\n-02", "2024-01-03"], dtype=object)
    with pytest.raises(loyalty.ParseError, match=r"dates\[2\]"):
        loyalty.rfm_summary(ids, newline, observation_end="2024-03-31")
    missing = pd.Series(["2024-01-01", None, "2024-01-01", "2024-02-01"], dtype=object)
    with pytest.raises(loyalty.InvalidDataError, match=r"missing.*rows \[1\]"):
        loyalty.rfm_summary(ids, missing, observation_end="2024-03-31")
    with pytest.raises(loyalty.InvalidDataError, match=r"missing.*rows \[1\]"):
        loyalty.rfm_summary(ids, missing.astype("string"), observation_end="2024-03-31")
    surrogate = pd.Series(["2024-01-01", "2024-01-0\ud800", "2024-01-01", "2024-02-01"], dtype=object)
    with pytest.raises(loyalty.ParseError, match=r"dates\[1\].*Unicode"):
        loyalty.rfm_summary(ids, surrogate, observation_end="2024-03-31")
    with pytest.raises(loyalty.ParseError, match=r"dates\[1\].*Unicode"):
        loyalty.rfm_summary(ids, surrogate.tolist(), observation_end="2024-03-31")


def test_unsorted_ids_of_every_kind_agree():
    # Unsorted dense integer ids and factorised text ids are grouped by a
    # counting sort, sparse integer ids by a hash map, sorted ids in one
    # pass: all must give the same summary.
    rng = np.random.default_rng(11)
    ids = rng.integers(100, 400, 5000)
    days = np.datetime64("2023-01-01") + rng.integers(0, 500, 5000)
    values = rng.gamma(2.0, 20.0, 5000)
    end = "2024-06-30"
    order = np.argsort(ids, kind="stable")
    expected = loyalty.rfm_summary(ids[order], days[order], values[order], observation_end=end, period="W")
    dense = loyalty.rfm_summary(ids, days, values, observation_end=end, period="W")
    pd.testing.assert_frame_equal(dense, expected)
    sparse = loyalty.rfm_summary(ids * 10**12, days, values, observation_end=end, period="W")
    np.testing.assert_array_equal(sparse.index.to_numpy(), expected.index.to_numpy() * 10**12)
    np.testing.assert_array_equal(sparse.to_numpy(), expected.to_numpy())
    text = loyalty.rfm_summary(ids.astype(str), days, values, observation_end=end, period="W")
    np.testing.assert_array_equal(text.index.to_numpy(), expected.index.astype(str).to_numpy())
    np.testing.assert_array_equal(text.to_numpy(), expected.to_numpy())


def test_malformed_inputs_raise_loyalty_errors():
    dates = ["2024-01-01", "2024-01-02", "2024-01-03"]
    end = "2024-12-31"
    # Ids of mixed types, whatever the container.
    for ids in ([1, "1", 2], pd.Series([1, "1", 2]), pd.Series(["b", 1, "a"])):
        with pytest.raises(loyalty.InvalidDataError, match="mixed types"):
            loyalty.rfm_summary(ids, dates, observation_end=end)
    # Shapes other than one column.
    with pytest.raises(loyalty.InvalidDataError, match=r"customer_ids.*shape \(2, 2\)"):
        loyalty.rfm_summary(np.array([[1, 1], [2, 2]]), dates + ["2024-01-04"], observation_end=end)
    with pytest.raises(loyalty.InvalidDataError, match=r"customer_ids.*shape \(\)"):
        loyalty.rfm_summary(np.int64(1), ["2024-01-01"], observation_end=end)
    with pytest.raises(loyalty.InvalidDataError, match=r"dates.*shape \(1, 3\)"):
        loyalty.rfm_summary([1], np.array([dates]), observation_end=end)
    with pytest.raises(loyalty.InvalidDataError, match=r"values.*shape \(1, 3\)"):
        loyalty.rfm_summary([1, 1, 1], dates, np.array([[1.0, 2.0, 3.0]]), observation_end=end)
    # Values that are not real numbers.
    for values in ([1.0, "x", 2.0], [1 + 1j, 2, 3], {"a": 1}):
        with pytest.raises(loyalty.InvalidDataError, match="real numbers"):
            loyalty.rfm_summary([1, 1, 1], dates, values, observation_end=end)
    # A newline does not make two dates out of one.
    with pytest.raises(loyalty.LengthMismatchError):
        loyalty.rfm_summary([1, 1, 2], ["2024-01-01\n2024-01-05", "2024-01-09"], observation_end=end)


def test_datetime64_units_outside_seconds_to_nanoseconds():
    days = np.array(["2024-01-01", "2024-01-05"], dtype="datetime64[D]")
    expected = loyalty.rfm_summary([1, 1], days, observation_end="2024-01-31", period="D")
    for unit in ("h", "m"):
        got = loyalty.rfm_summary([1, 1], days.astype(f"datetime64[{unit}]"), observation_end="2024-01-31", period="D")
        pd.testing.assert_frame_equal(got, expected)
    # Units below nanoseconds reach only weeks from 1970 (picoseconds:
    # 1970-01-01 and 1970-01-04T12:00).
    picos = np.array([0, 3 * 86_400 * 10**12 + 43_200 * 10**12], dtype=np.int64).view("datetime64[ps]")
    early = loyalty.rfm_summary([1, 1], picos, observation_end="1970-01-31", period="D")
    assert early.loc[1, "recency"] == 3.0
    # numpy's cast to seconds would wrap this around to 1969.
    far = np.array([0, 2**63 - 1], dtype=np.int64).view("datetime64[D]")
    with pytest.raises(loyalty.InvalidDataError, match=r"years 1 to 9999.*rows \[1\]"):
        loyalty.rfm_summary([1, 1], far, observation_end=None, period="D")


def test_master_log_summary_is_sane():
    log = pd.read_csv(
        DATA / "cdnow" / "CDNOW_master.txt", sep=r"\s+", dtype={"date": str}
    )
    assert len(log) == 69_659
    frame = loyalty.rfm_summary(
        log["customer_id"], pd.to_datetime(log["date"], format="%Y%m%d"), log["dollar_value"],
        observation_end="1998-06-30", period="W",
    )
    assert len(frame) == 23_570
    assert (frame["recency"] <= frame["T"]).all()
    assert (frame.loc[frame["frequency"] == 0, "monetary_value"] == 0).all()
    assert (frame["monetary_value"] >= 0).all()
    assert frame.index.is_monotonic_increasing
