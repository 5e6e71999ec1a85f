"""The Spark recipe (mapInArrow) on a local[2] session, when pyspark and Java are there."""

from __future__ import annotations

import os
import random
import shutil
import string
import sys

import pytest

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")
if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
    pytest.skip("Spark needs Java", allow_module_level=True)

from pyo3_levenshtein.spark import levenshtein_in_arrow  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers import this very package
    session = (
        SparkSession.builder.master("local[2]")
        .appName("pyo3-levenshtein-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_map_in_arrow_equals_the_in_process_batch(lev, spark):
    rng = random.Random(4)
    alphabet = string.ascii_letters + "éü日😀"
    rows = [
        (
            "".join(rng.choices(alphabet, k=rng.randint(0, 40))),
            None if i % 17 == 0 else "".join(rng.choices(alphabet, k=rng.randint(0, 40))),
        )
        for i in range(20_000)
    ]
    df = spark.createDataFrame(rows, "a string, b string").repartition(4)
    out = df.mapInArrow(levenshtein_in_arrow("a", "b"), "a string, b string, distance long")
    got = {(r.a, r.b): r.distance for r in out.collect()}
    for a, b in rows:
        assert got[(a, b)] == (None if b is None else lev.levenshtein(a, b))
    literal = df.mapInArrow(
        levenshtein_in_arrow("a", "kitten", b_is_literal=True, name="d"),
        "a string, b string, d long",
    )
    assert {r.d for r in literal.where("a = ''").collect()} <= {6}
