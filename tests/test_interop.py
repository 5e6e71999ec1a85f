"""Columns from pandas and DuckDB, and the optional dependencies staying optional."""

from __future__ import annotations

import json

import pytest
from conftest import run_python


def test_importing_the_package_imports_no_dataframe_library():
    proc = run_python(
        """
        import json, sys
        import pyo3_levenshtein
        heavy = ["pyarrow", "polars", "pandas", "dask", "duckdb", "numpy"]
        print(json.dumps([m for m in heavy if m in sys.modules]))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


def test_pandas_series_with_arrow_strings(lev):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    for dtype in ["string[pyarrow]", pd.ArrowDtype(__import__("pyarrow").large_string())]:
        a = pd.Series(["kitten", None, "flaw", "Käse"], dtype=dtype)
        b = pd.Series(["sitting", "x", "lawn", "Kase"], dtype=dtype)
        assert lev.levenshtein_arrow(a, b).to_pylist() == [3, None, 2, 1]
        out = pd.Series(__import__("pyarrow").array(lev.levenshtein_arrow(a, "flaw")))
        assert out.tolist()[2] == 0


def test_duckdb_query_result_column(lev):
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    con = duckdb.connect()
    relation = con.sql(
        """
        select * from (values ('kitten', 'sitting'), ('flaw', 'lawn'), (null, 'x'),
                              ('日本語', '日本'))
        as t(a, b)
        """
    )
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    table = fetch()
    got = lev.levenshtein_arrow(table["a"], table["b"])
    assert got.to_pylist() == [3, 2, None, 1]
    # A one-column query result is itself a string column.
    a = con.sql("select a from (values ('kitten'), ('flaw'), (null)) as t(a)")
    assert lev.levenshtein_arrow(a, "flaw").to_pylist() == [6, 0, None]
