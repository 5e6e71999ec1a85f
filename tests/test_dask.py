"""The Dask recipe on a real LocalCluster: two worker processes on loopback."""

from __future__ import annotations

import random
import string

import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

from pyo3_levenshtein.dask import levenshtein_partitions  # noqa: E402

PAIRS = 200_000


def words(rng, n):
    alphabet = string.ascii_letters + string.digits + "éü日"
    return ["".join(rng.choices(alphabet, k=rng.randint(1, 50))) for _ in range(n)]


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.mark.filterwarnings("ignore:Sending large graph")
def test_two_worker_processes_equal_the_in_process_batch(lev, client):
    rng = random.Random(11)
    a, b = words(rng, PAIRS), words(rng, PAIRS)
    frame = pd.DataFrame({"a": a, "b": b}, dtype="string[pyarrow]")
    ddf = dd.from_pandas(frame, npartitions=8)
    result = levenshtein_partitions(ddf, "a", "b").compute()
    assert len(result) == PAIRS
    assert result.tolist() == lev.levenshtein_batch(list(zip(a, b, strict=True)))
    workers = client.run(lambda: __import__("os").getpid())
    assert len(set(workers.values())) == 2


def test_a_literal_b_and_nulls(lev, client):
    frame = pd.DataFrame({"a": ["kitten", None, "flaw"] * 10}, dtype="string[pyarrow]")
    ddf = dd.from_pandas(frame, npartitions=3)
    out = levenshtein_partitions(ddf, "a", "sitting", b_is_literal=True).compute()
    assert [None if pd.isna(d) else d for d in out.tolist()[:3]] == [3, None, 7]
    assert str(out.dtype) == "uint32[pyarrow]"
