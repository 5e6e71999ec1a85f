"""The command line: ``python -m pyo3_levenshtein`` and the ``pyo3-levenshtein`` script."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyo3_levenshtein
import pytest
from pyo3_levenshtein import cli, levenshtein, levenshtein_batch

CMD = [sys.executable, "-m", "pyo3_levenshtein"]
TIMEOUT = 300


def run(
    *args: str, input: bytes | None = None, cmd: list[str] = CMD
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*cmd, *args],
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        timeout=TIMEOUT,
    )


def ints(stdout: bytes) -> list[int]:
    return [int(x) for x in stdout.decode("ascii").splitlines()]


def tsv(pairs: list[tuple[str, str]], newline: str = "\n") -> bytes:
    return "".join(f"{a}\t{b}{newline}" for a, b in pairs).encode("utf-8")


def assert_clean_error(proc: subprocess.CompletedProcess[bytes], status: int) -> str:
    """The run failed with ``status`` and a short message, not a traceback."""
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == status, err
    assert "Traceback" not in err
    assert err.strip()
    return err


PAIRS: list[tuple[str, str]] = [
    ("kitten", "sitting"),
    ("", ""),
    ("", "abc"),
    ("abc", ""),
    ("flaw", "lawn"),
    ("Straße", "Strasse"),
    ("日本語", "日本"),
    ("naïve café", "naive cafe"),
    ("\U0001f600", "\U0001f601"),  # astral: one code point each, not surrogate pairs
    ("a\U0001f600b", "ab"),
    ("\U00010348\U00010348", "\U00010348"),
    ("Ω≈ç√", "Ω≈ç"),
    ("e\u0301", "\u00e9"),
]
EXPECTED = [3, 0, 3, 3, 2, 2, 1, 2, 1, 1, 1, 1, 2]


def test_expected_table_matches_library() -> None:
    assert levenshtein_batch(PAIRS) == EXPECTED


# --- two-string form -------------------------------------------------------------------


def test_two_strings() -> None:
    proc = run("kitten", "sitting")
    assert proc.returncode == 0
    assert proc.stdout == b"3\n"
    assert proc.stderr == b""


@pytest.mark.parametrize(
    ("a", "b", "expected"), [(a, b, e) for (a, b), e in zip(PAIRS, EXPECTED, strict=True)]
)
def test_two_strings_unicode(a: str, b: str, expected: int) -> None:
    proc = run("--", a, b)
    assert proc.returncode == 0, proc.stderr
    assert ints(proc.stdout) == [expected]


def test_two_strings_starting_with_dash() -> None:
    assert run("--", "-abc", "-abd").stdout == b"1\n"


def test_two_strings_graphemes() -> None:
    assert run("e\u0301", "\u00e9").stdout == b"2\n"
    assert run("--graphemes", "e\u0301", "\u00e9").stdout == b"1\n"
    assert run("-g", "\U0001f44d\U0001f3fd", "\U0001f44d").stdout == b"1\n"


def test_two_strings_threads_accepted() -> None:
    assert run("--threads", "2", "kitten", "sitting").stdout == b"3\n"


def test_version() -> None:
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.decode().strip() == f"pyo3-levenshtein {pyo3_levenshtein.__version__}"


def test_help_documents_partial_output() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    text = proc.stdout.decode()
    assert "--pairs" in text and "--threads" in text and "--graphemes" in text
    assert "have been printed" in text  # what a malformed line leaves on stdout


def test_installed_script() -> None:
    bindir = Path(sys.executable).parent
    script = shutil.which("pyo3-levenshtein", path=str(bindir))
    if script is None:
        pytest.skip(f"pyo3-levenshtein script not installed in {bindir}")
    proc = run("kitten", "sitting", cmd=[script])
    assert proc.returncode == 0
    assert proc.stdout == b"3\n"
    assert proc.stderr == b""
    proc = run("--pairs", "-", input=tsv(PAIRS), cmd=[script])
    assert ints(proc.stdout) == EXPECTED


def test_main_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["kitten", "sitting"]) == 0
    assert capsys.readouterr().out == "3\n"


# --- usage errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["kitten"],
        ["kitten", "sitting", "extra"],
        ["kitten", "--pairs", "-"],
        ["kitten", "sitting", "--pairs", "-"],
        ["--no-such-option", "a", "b"],
    ],
)
def test_usage_errors(args: list[str]) -> None:
    proc = run(*args, input=b"")
    err = assert_clean_error(proc, 2)
    assert "usage:" in err
    assert proc.stdout == b""


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", str(pyo3_levenshtein.MAX_THREADS + 1)])
@pytest.mark.parametrize("form", ["strings", "pairs"])
def test_bad_threads(value: str, form: str) -> None:
    extra = ["a", "b"] if form == "strings" else ["--pairs", "-"]
    proc = run("--threads", value, *extra, input=b"a\tb\n")
    err = assert_clean_error(proc, 2)
    assert "--threads" in err
    assert proc.stdout == b""


# --- --pairs ---------------------------------------------------------------------------


def test_pairs_file(tmp_path: Path) -> None:
    path = tmp_path / "pairs.tsv"
    path.write_bytes(tsv(PAIRS))
    proc = run("--pairs", str(path))
    assert proc.returncode == 0
    assert proc.stderr == b""
    assert ints(proc.stdout) == EXPECTED


def test_pairs_stdin() -> None:
    proc = run("--pairs", "-", input=tsv(PAIRS))
    assert proc.returncode == 0
    assert proc.stderr == b""
    assert ints(proc.stdout) == EXPECTED


def test_pairs_empty_input() -> None:
    proc = run("--pairs", "-", input=b"")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")


def test_pairs_crlf() -> None:
    proc = run("--pairs", "-", input=tsv(PAIRS, newline="\r\n"))
    assert proc.returncode == 0
    assert ints(proc.stdout) == EXPECTED


def test_pairs_mixed_line_endings_and_no_final_newline() -> None:
    data = b"kitten\tsitting\r\nabc\tabd\n\tabc\r\nx\ty"
    assert ints(run("--pairs", "-", input=data).stdout) == [3, 1, 3, 1]


def test_pairs_only_the_line_ending_cr_is_stripped() -> None:
    # A \r inside a line, or before the tab, is data.
    data = b"a\r\tb\r\na\tb\r\r\n"
    assert ints(run("--pairs", "-", input=data).stdout) == [
        levenshtein("a\r", "b"),
        levenshtein("a", "b\r"),
    ]


def test_pairs_empty_fields() -> None:
    data = b"\tabc\nabc\t\n\t\n"
    assert ints(run("--pairs", "-", input=data).stdout) == [3, 3, 0]


def test_pairs_spaces_are_data() -> None:
    data = b" a\ta \n"
    assert ints(run("--pairs", "-", input=data).stdout) == [2]


def test_pairs_nul_and_unusual_code_points() -> None:
    pairs = [("a\x00b", "ab"), ("\ufeffx", "x"), ("\u2028", "\u2029"), ("\x0b\x0c", "")]
    proc = run("--pairs", "-", input=tsv(pairs))
    assert proc.returncode == 0, proc.stderr
    assert ints(proc.stdout) == levenshtein_batch(pairs) == [1, 1, 1, 2]


def test_pairs_graphemes() -> None:
    data = tsv([("e\u0301", "\u00e9"), ("\U0001f1eb\U0001f1f7", "\U0001f1e9\U0001f1ea")])
    assert ints(run("--pairs", "-", input=data).stdout) == [2, 2]
    assert ints(run("--graphemes", "--pairs", "-", input=data).stdout) == [1, 1]


@pytest.mark.parametrize("threads", ["1", "2", "3"])
def test_pairs_threads(threads: str) -> None:
    proc = run("--threads", threads, "--pairs", "-", input=tsv(PAIRS))
    assert proc.returncode == 0
    assert ints(proc.stdout) == EXPECTED


def random_pairs(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    alphabet = "abcdeé日\U0001f600 "
    out = []
    for _ in range(n):
        a = "".join(rng.choices(alphabet, k=rng.randrange(0, 12)))
        b = "".join(rng.choices(alphabet, k=rng.randrange(0, 12)))
        out.append((a, b))
    return out


def test_pairs_larger_than_one_chunk(tmp_path: Path) -> None:
    n = 150_000
    assert n > 2 * cli.CHUNK_LINES
    pairs = random_pairs(n, seed=1)
    path = tmp_path / "big.tsv"
    path.write_bytes(tsv(pairs))
    proc = run("--threads", "2", "--pairs", str(path))
    assert proc.returncode == 0
    assert proc.stderr == b""
    assert ints(proc.stdout) == levenshtein_batch(pairs)


def test_pairs_long_lines_split_by_bytes(tmp_path: Path) -> None:
    # Lines long enough that chunks end on CHUNK_BYTES, not CHUNK_LINES.
    # One long field and one short keeps the arithmetic cheap.
    rng = random.Random(2)
    pairs = [
        ("".join(rng.choices("abé", k=100_000)), "".join(rng.choices("ab", k=3)))
        for _ in range(2 * cli.CHUNK_BYTES // 100_000 + 5)
    ]
    path = tmp_path / "long.tsv"
    path.write_bytes(tsv(pairs))
    proc = run("--pairs", str(path))
    assert proc.returncode == 0
    assert ints(proc.stdout) == levenshtein_batch(pairs)


# --- bad input -------------------------------------------------------------------------


def test_bad_field_count_names_the_line() -> None:
    good = PAIRS[:6]
    data = tsv(good) + b"a\tb\tc\n" + b"x\ty\n"
    proc = run("--pairs", "-", input=data)
    err = assert_clean_error(proc, 1)
    assert "line 7: expected 2 tab-separated fields, got 3" in err
    assert err.startswith("pyo3-levenshtein: ")
    # Every line before the bad one is answered, none after.
    assert ints(proc.stdout) == EXPECTED[:6]


@pytest.mark.parametrize(
    ("line", "got"),
    [(b"no tab here", 1), (b"", 1), (b"\t\t", 3), (b"a\tb\tc\td", 4), (b"\r", 1)],
)
def test_bad_field_counts(line: bytes, got: int) -> None:
    proc = run("--pairs", "-", input=b"a\tb\n" + line + b"\n")
    err = assert_clean_error(proc, 1)
    assert f"line 2: expected 2 tab-separated fields, got {got}" in err
    assert proc.stdout == b"1\n"


def test_bad_line_after_first_chunk(tmp_path: Path) -> None:
    n_good = cli.CHUNK_LINES + 100
    path = tmp_path / "bad.tsv"
    path.write_bytes(b"a\tb\n" * n_good + b"oops\n" + b"a\tb\n" * 10)
    proc = run("--pairs", str(path))
    err = assert_clean_error(proc, 1)
    assert f"line {n_good + 1}:" in err
    assert proc.stdout == b"1\n" * n_good


@pytest.mark.parametrize(
    "bad",
    [
        b"\xff\tx",  # never valid
        b"abc\t\xc3",  # truncated sequence
        b"\xc0\xaf\tx",  # overlong encoding
        b"\xed\xa0\x80\tx",  # an encoded surrogate (CESU-8 / WTF-8), not UTF-8
        b"\xf4\x90\x80\x80\tx",  # above U+10FFFF
    ],
)
def test_invalid_utf8_names_the_line(bad: bytes) -> None:
    proc = run("--pairs", "-", input=b"a\tb\nab\tab\n" + bad + b"\nx\ty\n")
    err = assert_clean_error(proc, 1)
    assert "line 3:" in err
    assert "UTF-8" in err
    assert ints(proc.stdout) == [1, 0]


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-file.tsv"
    proc = run("--pairs", str(missing))
    err = assert_clean_error(proc, 1)
    assert "no-such-file.tsv" in err
    assert proc.stdout == b""


def test_directory_instead_of_file(tmp_path: Path) -> None:
    proc = run("--pairs", str(tmp_path))
    assert_clean_error(proc, 1)


# --- pipes and signals -----------------------------------------------------------------


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    # Far more output than a pipe buffer holds, so the writer is still going.
    path = tmp_path / "big.tsv"
    path.write_bytes(b"kitten\tsitting\n" * 400_000)
    proc = subprocess.Popen(
        [*CMD, "--pairs", str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"3\n"
    proc.stdout.close()
    status = proc.wait(timeout=TIMEOUT)
    err = proc.stderr.read()
    proc.stderr.close()
    assert err == b""
    assert status in (0, 141, -signal.SIGPIPE)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_exits_130_without_traceback() -> None:
    proc = subprocess.Popen(
        [*CMD, "--pairs", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    # One full chunk, then leave stdin open: once its answers are out, the CLI is
    # certainly running (SIGINT handler installed) and waiting for more input.
    n = cli.CHUNK_LINES
    proc.stdin.write(b"a\tb\n" * n)
    proc.stdin.flush()
    assert proc.stdout.read(2 * n) == b"1\n" * n
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    assert out == b""


# --- progress bar ----------------------------------------------------------------------


def run_with_pty_stderr(args: list[str], tmp_path: Path) -> tuple[int, bytes, bytes]:
    """Run the CLI with stderr (only) on a pseudo-terminal; return (status, stdout, tty)."""
    pty = pytest.importorskip("pty")
    del pty  # os.openpty is the call used; the import just checks for POSIX ptys
    master, slave = os.openpty()
    out_path = tmp_path / "stdout.txt"
    with open(out_path, "wb") as out:
        proc = subprocess.Popen([*CMD, *args], stdin=subprocess.DEVNULL, stdout=out, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    status = proc.wait(timeout=TIMEOUT)
    return status, out_path.read_bytes(), b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    n = 100_000
    path = tmp_path / "pairs.tsv"
    path.write_bytes(b"kitten\tsitting\n" * n)
    status, out, tty = run_with_pty_stderr(["--pairs", str(path)], tmp_path)
    assert status == 0, tty
    assert out == b"3\n" * n  # nothing of the bar on stdout
    text = tty.decode("utf-8", "replace")
    assert f"{n:,} lines" in text
    assert "100%" in text  # a regular file: bytes and percent are known
    assert "Traceback" not in text
    # The bar is erased at the end: the last thing written clears the line.
    assert text.endswith("\r\x1b[K")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_progress_bar_without_size_for_stdin_pipe(tmp_path: Path) -> None:
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            [*CMD, "--pairs", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=slave,
        )
    finally:
        os.close(slave)
    out, _ = proc.communicate(b"a\tb\n" * 1000, timeout=TIMEOUT)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.returncode == 0
    assert out == b"1\n" * 1000
    text = b"".join(chunks).decode()
    assert "1,000 lines" in text
    assert "%" not in text  # size unknown for a pipe


def test_no_progress_bar_when_stderr_is_a_pipe(tmp_path: Path) -> None:
    path = tmp_path / "pairs.tsv"
    path.write_bytes(b"kitten\tsitting\n" * 100_000)
    proc = run("--pairs", str(path))
    assert proc.returncode == 0
    assert proc.stderr == b""
    assert proc.stdout == b"3\n" * 100_000


def test_error_clears_progress_bar(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_bytes(b"a\tb\n" * 10 + b"bad\n")
    status, out, tty = run_with_pty_stderr(["--pairs", str(path)], tmp_path)
    assert status == 1
    assert out == b"1\n" * 10
    assert b"line 11: expected 2 tab-separated fields, got 1" in tty


# --- wer: corpus error rates -----------------------------------------------------------


def wer_lines(refs: list[str], hyps: list[str], unit: str = "word") -> list[str]:
    """What `wer` prints for these sentences, from the library."""
    c = pyo3_levenshtein.error_counts(refs, hyps, unit=unit)
    name = "wer" if unit == "word" else "cer"
    return [
        f"{name}: {c.error_rate}",
        f"mer: {c.mer}",
        f"wil: {c.wil}",
        f"wip: {c.wip}",
        f"hits: {c.hits}",
        f"substitutions: {c.substitutions}",
        f"deletions: {c.deletions}",
        f"insertions: {c.insertions}",
    ]


REFS = ["the cat sat on the mat", "hello world", "", "a b c d"]
HYPS = ["the cat sat on mat now", "hello  wurld", "extra", " a b  c d "]


def write_lines(path: Path, lines: list[str], newline: str = "\n") -> Path:
    path.write_bytes("".join(line + newline for line in lines).encode("utf-8"))
    return path


def test_wer_prints_rates_and_counts(tmp_path: Path) -> None:
    refs = write_lines(tmp_path / "refs.txt", REFS)
    hyps = write_lines(tmp_path / "hyps.txt", HYPS, newline="\r\n")
    proc = run("wer", str(refs), str(hyps))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    assert proc.stdout.decode().splitlines() == wer_lines(REFS, HYPS)
    assert proc.stdout.decode().splitlines()[4:] == [
        "hits: 9",
        "substitutions: 3",
        "deletions: 0",
        "insertions: 1",
    ]


def test_wer_counts_equal_jiwer_s(tmp_path: Path) -> None:
    jiwer = pytest.importorskip("jiwer")
    refs = write_lines(tmp_path / "refs.txt", REFS)
    hyps = write_lines(tmp_path / "hyps.txt", HYPS)
    out = dict(
        line.split(": ") for line in run("wer", str(refs), str(hyps)).stdout.decode().splitlines()
    )
    want = jiwer.process_words(REFS, HYPS)
    assert float(out["wer"]) == want.wer
    assert int(out["substitutions"]) == want.substitutions
    out = dict(
        line.split(": ")
        for line in run("wer", "-u", "char", str(refs), str(hyps)).stdout.decode().splitlines()
    )
    assert float(out["cer"]) == jiwer.cer(REFS, HYPS)


@pytest.mark.parametrize("unit", ["char", "grapheme"])
def test_wer_units(tmp_path: Path, unit: str) -> None:
    refs, hyps = ["e\u0301x y"], ["\u00e9x  y"]
    proc = run(
        "wer",
        "--unit",
        unit,
        str(write_lines(tmp_path / "r", refs)),
        str(write_lines(tmp_path / "h", hyps)),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().splitlines() == wer_lines(refs, hyps, unit)


def test_wer_reads_one_file_from_stdin(tmp_path: Path) -> None:
    refs = write_lines(tmp_path / "refs.txt", REFS)
    data = "".join(h + "\n" for h in HYPS).encode()
    proc = run("wer", str(refs), "-", input=data)
    assert proc.stdout.decode().splitlines() == wer_lines(REFS, HYPS)
    proc = run("wer", "-", str(refs), input=data)
    assert proc.stdout.decode().splitlines() == wer_lines(HYPS, REFS)


def test_wer_more_lines_than_a_chunk(tmp_path: Path) -> None:
    rng = random.Random(3)
    words = "a b c d e f".split()
    n = cli.CHUNK_LINES + 1_000
    refs = [" ".join(rng.choices(words, k=rng.randint(0, 6))) for _ in range(n)]
    hyps = [" ".join(rng.choices(words, k=rng.randint(0, 6))) for _ in range(n)]
    proc = run(
        "wer",
        "--threads",
        "2",
        str(write_lines(tmp_path / "r", refs)),
        str(write_lines(tmp_path / "h", hyps)),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().splitlines() == wer_lines(refs, hyps)


@pytest.mark.parametrize(("n_refs", "n_hyps"), [(3, 2), (2, 3), (0, 1)])
def test_wer_line_counts_must_match(tmp_path: Path, n_refs: int, n_hyps: int) -> None:
    refs = write_lines(tmp_path / "r", ["a"] * n_refs)
    hyps = write_lines(tmp_path / "h", ["a"] * n_hyps)
    proc = run("wer", str(refs), str(hyps))
    err = assert_clean_error(proc, 1)
    assert f"same number of lines, got {n_refs} and {n_hyps}" in err
    assert proc.stdout == b""


def test_wer_invalid_utf8_and_missing_file(tmp_path: Path) -> None:
    refs = tmp_path / "r"
    refs.write_bytes(b"ok\n\xff\n")
    hyps = write_lines(tmp_path / "h", ["ok", "x"])
    err = assert_clean_error(run("wer", str(refs), str(hyps)), 1)
    assert "line 2:" in err and "invalid UTF-8" in err
    err = assert_clean_error(run("wer", str(tmp_path / "nope"), str(hyps)), 1)
    assert "nope" in err


@pytest.mark.parametrize(
    "args",
    [
        ["wer", "-", "-"],
        ["wer", "--unit", "sentence", "a", "b"],
        ["wer"],
        ["wer", "-t", "0", "a", "b"],
    ],
)
def test_wer_usage_errors(args: list[str]) -> None:
    assert_clean_error(run(*args), 2)


def test_wer_help_and_the_string_wer() -> None:
    proc = run("wer", "--help")
    assert proc.returncode == 0
    assert b"REFS" in proc.stdout and b"jiwer" in proc.stdout
    # Exactly one string after "wer": the distance between two strings.
    assert ints(run("wer", "abc").stdout) == [levenshtein("wer", "abc")]
    assert ints(run("--", "wer", "were").stdout) == [1]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_wer_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    n = 50_000
    refs = write_lines(tmp_path / "r", ["a b c"] * n)
    hyps = write_lines(tmp_path / "h", ["a x c"] * n)
    status, out, tty = run_with_pty_stderr(["wer", str(refs), str(hyps)], tmp_path)
    assert status == 0, tty
    assert out.decode().splitlines()[0] == f"wer: {1 / 3}"
    text = tty.decode("utf-8", "replace")
    assert f"{n:,} lines" in text and "100%" in text
    assert text.endswith("\r\x1b[K")
