"""The ``pyo3-levenshtein`` command (also ``python -m pyo3_levenshtein``).

Four forms::

    pyo3-levenshtein [--graphemes] [--threads N] STRING1 STRING2
    pyo3-levenshtein [--graphemes] [--threads N] --pairs FILE
    pyo3-levenshtein join [--graphemes] [--threads N] --max-distance K FILE
    pyo3-levenshtein wer [--unit char|grapheme] [--threads N] REFS HYPS

The second form streams: it reads FILE (``-`` for standard input) in chunks of at most
``CHUNK_LINES`` lines (fewer when the lines are long, see ``CHUNK_BYTES``), computes each
chunk with :func:`pyo3_levenshtein.levenshtein_batch` and writes its distances before it
reads the next one, so memory does not grow with the size of the input.

The third form reads one string per line and writes every pair of lines within K edits,
``i<TAB>j<TAB>distance`` with 0-based line numbers ``i < j``, computed by
:func:`pyo3_levenshtein.levenshtein_join`.

The fourth form prints the corpus error rates of the sentences of HYPS (one per line) against
those of REFS, as :func:`pyo3_levenshtein.error_counts` computes them, reading both files
in chunks the same way and adding up the counts.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from typing import IO, BinaryIO, NoReturn

from . import __version__, error_counts, levenshtein, levenshtein_batch, levenshtein_join

__all__ = ["main"]

PROG = "pyo3-levenshtein"

#: Most lines computed in one ``levenshtein_batch`` call.
CHUNK_LINES = 65_536
#: A chunk also ends once it holds this many bytes of input, so that a file of long lines
#: neither holds much memory nor leaves the progress bar still for long.
CHUNK_BYTES = 8 * 1024 * 1024

#: Exit statuses.
EXIT_OK = 0
EXIT_INPUT_ERROR = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `cat big | head -1`
EXIT_INTERRUPTED = 130  # 128 + SIGINT

_DESCRIPTION = """\
Print the Levenshtein distance between two strings, or between the two strings on each
line of a file. Distances count Unicode code points (or, with --graphemes, extended
grapheme clusters); no normalisation or case folding is applied."""

_EPILOG = f"""\
input format for --pairs:
  UTF-8 text, one pair per line: exactly two fields separated by one tab character.
  Lines end with \\n or \\r\\n; the last line may lack its line ending. Fields may be
  empty (the line "<TAB>abc" gives 3). Tabs and line breaks cannot occur inside a field.
  One distance is printed per line, in input order.

streaming and errors:
  The input is processed in chunks of up to {CHUNK_LINES:,} lines, and each chunk's
  distances are printed before the next chunk is read. A malformed line (not exactly
  two fields, or invalid UTF-8) stops the run with a message on standard error naming
  its 1-based line number, and exit status 1. By then the distances of ALL the lines
  before the malformed one have been printed (possibly many chunks' worth), and nothing
  after it: check the exit status before trusting the output.

  A progress bar is drawn on standard error only when standard error is a terminal.

exit status:
  0 success; 1 bad input line or unreadable file; 2 usage error (including a bad
  --threads); 130 interrupted (Ctrl-C); 141 standard output closed early (e.g. by
  `head`), which is otherwise silent.

examples:
  {PROG} kitten sitting                         # 3
  {PROG} --graphemes $'e\\u0301' $'\\u00e9'   # 1 (2 without --graphemes)
  {PROG} --threads 4 --pairs pairs.tsv > distances.txt
  cut -f2,3 data.tsv | {PROG} --pairs -
  {PROG} -- -abc abd                            # strings that start with '-'
  {PROG} wer references.txt hypotheses.txt      # word error rate (see: {PROG} wer -h)
  {PROG} -- wer were                            # 1: the distance between two strings"""


_WER_DESCRIPTION = """\
Print the error rates of the hypotheses in HYPS against the references in REFS, one
sentence per line (line i of HYPS is compared with line i of REFS), as jiwer computes
them: the word error rate (or, with --unit char or grapheme, the character error rate)
(S + D + I) / (H + S + D), the match error rate, word information lost and preserved,
then the hits, substitutions, deletions and insertions over the whole corpus."""

_WER_EPILOG = f"""\
input:
  UTF-8 text, one sentence per line, lines ending with \\n or \\r\\n. REFS and HYPS
  must have the same number of lines. Words are split on whitespace as Python's
  str.split() splits them; --unit char counts code points and --unit grapheme extended
  grapheme clusters, of each line with its leading and trailing whitespace removed.
  One of REFS and HYPS may be '-' for standard input.

  A progress bar is drawn on standard error only when standard error is a terminal.

exit status:
  0 success; 1 unreadable file, invalid UTF-8 or different line counts; 2 usage error;
  130 interrupted (Ctrl-C).

examples:
  {PROG} wer references.txt hypotheses.txt
  {PROG} wer --unit char references.txt hypotheses.txt
  asr-decode audio/ | {PROG} wer references.txt -"""


class _InputError(Exception):
    """A malformed input line, reported as ``line N: message``."""

    def __init__(self, lineno: int, message: str) -> None:
        super().__init__(f"line {lineno}: {message}")
        self.lineno = lineno


class _Progress:
    """A one-line progress display on a terminal; does nothing when disabled."""

    INTERVAL = 0.1  # seconds: at most ~10 refreshes a second

    def __init__(self, stream: IO[str] | None, total_bytes: int | None) -> None:
        self._stream = stream
        self._total = total_bytes
        self._start = time.monotonic()
        self._last = float("-inf")
        self._drawn = False

    def update(self, lines: int, nbytes: int, force: bool = False) -> None:
        if self._stream is None:
            return
        now = time.monotonic()
        if not force and now - self._last < self.INTERVAL:
            return
        self._last = now
        elapsed = now - self._start
        parts = [f"{PROG}: {lines:,} lines"]
        if self._total is not None:
            total = max(self._total, 1)
            pct = min(100.0, 100.0 * nbytes / total)
            parts.append(f"{_fmt_bytes(nbytes)} / {_fmt_bytes(self._total)} ({pct:.0f}%)")
        if elapsed > 0:
            parts.append(f"{lines / elapsed:,.0f} lines/s")
        text = "  ".join(parts)
        try:
            width = os.get_terminal_size(self._stream.fileno()).columns
        except (OSError, ValueError):
            width = 0
        if width <= 0:  # unknown (e.g. a pty whose size was never set)
            width = 80
        text = text[: max(width - 1, 1)]
        self._write("\r" + text + "\x1b[K")
        self._drawn = True

    def close(self) -> None:
        """Erase the bar, leaving the cursor at the start of an empty line."""
        if self._stream is not None and self._drawn:
            self._write("\r\x1b[K")
            self._drawn = False

    def _write(self, text: str) -> None:
        assert self._stream is not None
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):
            self._stream = None  # the terminal went away: stop drawing


def _fmt_bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: an int of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1)
_nonnegative_int = _int_at_least(0)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        usage=(
            "%(prog)s [-g] [-t N] STRING1 STRING2\n"
            "       %(prog)s [-g] [-t N] --pairs FILE\n"
            "       %(prog)s join [-g] [-t N] -k K FILE\n"
            "       %(prog)s wer [-u {word,char,grapheme}] [-t N] REFS HYPS\n"
            "       %(prog)s -h | --version"
        ),
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("string1", nargs="?", metavar="STRING1", help="first string")
    parser.add_argument("string2", nargs="?", metavar="STRING2", help="second string")
    parser.add_argument(
        "-p",
        "--pairs",
        metavar="FILE",
        help="read tab-separated pairs from FILE ('-' for standard input), "
        "print one distance per line",
    )
    parser.add_argument(
        "-t",
        "--threads",
        type=_positive_int,
        metavar="N",
        help="number of worker threads for --pairs (default: the library's pool)",
    )
    parser.add_argument(
        "-g",
        "--graphemes",
        action="store_true",
        help="count extended grapheme clusters instead of code points",
    )
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _error(message: str) -> None:
    try:
        sys.stderr.write(f"{PROG}: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def _usage_error(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.error(message)  # prints usage and message, exits with status 2


def _regular_file_size(stream: BinaryIO) -> int | None:
    """Bytes left to read if ``stream`` is a regular file, else None."""
    try:
        st = os.fstat(stream.fileno())
        if not stat.S_ISREG(st.st_mode):
            return None
        return max(st.st_size - stream.tell(), 0)
    except (OSError, ValueError, AttributeError):
        return None


def _is_interactive(stream: BinaryIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError, AttributeError):
        return False


def _chunks(
    stream: BinaryIO, chunk_lines: int, chunk_bytes: int
) -> Iterator[tuple[list[tuple[str, str]], int, _InputError | None]]:
    """Yield ``(pairs, bytes_read, error)`` per chunk.

    ``error`` is set (and ends the iteration) on the first malformed line; ``pairs`` then
    holds the valid lines of the chunk that precede it.
    """
    readline = stream.readline
    lineno = 0
    while True:
        pairs: list[tuple[str, str]] = []
        append = pairs.append
        nbytes = 0
        while len(pairs) < chunk_lines and nbytes < chunk_bytes:
            raw = readline()
            if not raw:
                break
            lineno += 1
            nbytes += len(raw)
            if raw[-1:] == b"\n":
                raw = raw[:-1]
                if raw[-1:] == b"\r":
                    raw = raw[:-1]
            try:
                line = raw.decode("utf-8")  # strict: also rejects encoded surrogates
            except UnicodeDecodeError as exc:
                bad = raw[exc.start : exc.start + 1].hex()
                err = _InputError(
                    lineno, f"invalid UTF-8 (byte 0x{bad} at byte {exc.start + 1} of the line)"
                )
                yield pairs, nbytes, err
                return
            fields = line.split("\t")
            if len(fields) != 2:
                err = _InputError(lineno, f"expected 2 tab-separated fields, got {len(fields)}")
                yield pairs, nbytes, err
                return
            append((fields[0], fields[1]))
        if not pairs and nbytes == 0:
            return
        yield pairs, nbytes, None


def _run_pairs(
    source: BinaryIO,
    out: IO[str],
    progress: _Progress,
    threads: int | None,
    graphemes: bool,
    chunk_lines: int,
) -> int:
    done = 0
    read = 0
    for pairs, nbytes, err in _chunks(source, chunk_lines, CHUNK_BYTES):
        read += nbytes
        if pairs:
            dists = levenshtein_batch(pairs, num_threads=threads, grapheme_segmentation=graphemes)
            out.write("\n".join(map(str, dists)))
            out.write("\n")
            out.flush()
            done += len(dists)
        if err is not None:
            progress.close()
            _error(str(err))
            return EXIT_INPUT_ERROR
        progress.update(done, read)
    progress.update(done, read, force=True)
    progress.close()
    return EXIT_OK


def _build_wer_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} wer",
        usage="%(prog)s [-u {word,char,grapheme}] [-t N] REFS HYPS",
        description=_WER_DESCRIPTION,
        epilog=_WER_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("refs", metavar="REFS", help="file of reference sentences ('-': stdin)")
    parser.add_argument("hyps", metavar="HYPS", help="file of hypothesis sentences ('-': stdin)")
    parser.add_argument(
        "-u",
        "--unit",
        choices=("word", "char", "grapheme"),
        default="word",
        help="what to count: words (WER, the default), code points or grapheme clusters (CER)",
    )
    parser.add_argument(
        "-t",
        "--threads",
        type=_positive_int,
        metavar="N",
        help="number of worker threads (default: the library's pool)",
    )
    return parser


class _Lines:
    """The lines of a UTF-8 file, line endings removed, read a chunk at a time."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self._readline = stream.readline
        self.name = name
        self.count = 0  # lines read so far

    def read(self, max_lines: int, max_bytes: int = CHUNK_BYTES) -> tuple[list[str], int]:
        """Up to ``max_lines`` lines (fewer once ``max_bytes`` are read) and their
        bytes; invalid UTF-8 raises ``_InputError`` naming the file."""
        lines: list[str] = []
        nbytes = 0
        while len(lines) < max_lines and nbytes < max_bytes:
            raw = self._readline()
            if not raw:
                break
            self.count += 1
            nbytes += len(raw)
            if raw[-1:] == b"\n":
                raw = raw[:-1]
                if raw[-1:] == b"\r":
                    raw = raw[:-1]
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                bad = raw[exc.start : exc.start + 1].hex()
                where = f"byte 0x{bad} at byte {exc.start + 1} of the line"
                raise _InputError(self.count, f"{self.name}: invalid UTF-8 ({where})") from None
        return lines, nbytes

    def rest(self) -> int:
        """Reads to the end; returns the number of lines in all."""
        while self.read(CHUNK_LINES)[0]:
            pass
        return self.count


def _rates(hits: int, subs: int, dels: int, ins: int) -> dict[str, float]:
    """jiwer's formulas (process_words), with its conventions for empty references."""
    reference, hypothesis = hits + subs + dels, hits + subs + ins
    if reference == 0:
        rate = float(ins)
        mer = 0.0 if hypothesis == 0 else 1.0
        wip = 1.0 if hypothesis == 0 else 0.0
    else:
        rate = (subs + dels + ins) / reference
        mer = (subs + dels + ins) / (reference + ins)
        wip = (hits / reference) * (hits / hypothesis) if hypothesis else 0.0
    return {"rate": rate, "mer": mer, "wil": 1 - wip, "wip": wip}


def _open(path: str) -> BinaryIO:
    if path == "-":
        return sys.stdin.buffer
    return open(path, "rb")  # closed by the caller


def _run_wer(argv: list[str]) -> int:
    parser = _build_wer_parser()
    args = parser.parse_args(argv)
    if args.refs == "-" and args.hyps == "-":
        _usage_error(parser, "REFS and HYPS cannot both be standard input")
    threads: int | None = args.threads
    if threads is not None:
        from . import MAX_THREADS

        if threads > MAX_THREADS:
            _usage_error(
                parser, f"argument -t/--threads: must be at most {MAX_THREADS}, got {threads}"
            )
    streams: list[BinaryIO] = []
    progress = _Progress(None, None)
    try:
        try:
            for path in (args.refs, args.hyps):
                try:
                    streams.append(_open(path))
                except OSError as exc:
                    _error(f"cannot open {path!r}: {exc.strerror or exc}")
                    return EXIT_INPUT_ERROR
            refs, hyps = streams
            if sys.stderr is not None and sys.stderr.isatty():
                progress = _Progress(sys.stderr, _regular_file_size(refs))
            totals = [0, 0, 0, 0]
            read = 0
            ref_lines, hyp_lines = _Lines(refs, args.refs), _Lines(hyps, args.hyps)
            while True:
                # The hypotheses chunk has as many lines as the references one.
                chunk, nbytes = ref_lines.read(CHUNK_LINES)
                others, _ = hyp_lines.read(len(chunk), max_bytes=sys.maxsize)
                if len(others) != len(chunk) or (not chunk and hyp_lines.read(1)[0]):
                    n_ref, n_hyp = ref_lines.rest(), hyp_lines.rest()
                    progress.close()
                    _error(
                        "REFS and HYPS must have the same number of lines, "
                        f"got {n_ref:,} and {n_hyp:,}"
                    )
                    return EXIT_INPUT_ERROR
                if not chunk:
                    break
                counts = error_counts(chunk, others, unit=args.unit, num_threads=threads)
                for k, value in enumerate(
                    (counts.hits, counts.substitutions, counts.deletions, counts.insertions)
                ):
                    totals[k] += value
                read += nbytes
                progress.update(ref_lines.count, read)
            done = ref_lines.count
            progress.update(done, read, force=True)
            progress.close()
            rates = _rates(*totals)
            name = "wer" if args.unit == "word" else "cer"
            sys.stdout.write(
                f"{name}: {rates['rate']}\n"
                f"mer: {rates['mer']}\n"
                f"wil: {rates['wil']}\n"
                f"wip: {rates['wip']}\n"
                f"hits: {totals[0]}\n"
                f"substitutions: {totals[1]}\n"
                f"deletions: {totals[2]}\n"
                f"insertions: {totals[3]}\n"
            )
            sys.stdout.flush()
            return EXIT_OK
        except _InputError as exc:
            progress.close()
            _error(str(exc))
            return EXIT_INPUT_ERROR
        except BrokenPipeError:
            progress.close()
            _quiet_stdout()
            return EXIT_BROKEN_PIPE
        except KeyboardInterrupt:
            progress.close()
            return EXIT_INTERRUPTED
        except OSError as exc:
            progress.close()
            _error(f"I/O error: {exc.strerror or exc}")
            return EXIT_INPUT_ERROR
        finally:
            for stream in streams:
                if stream is not getattr(sys.stdin, "buffer", None):
                    stream.close()
    except KeyboardInterrupt:  # a second Ctrl-C while cleaning up
        return EXIT_INTERRUPTED


def _is_wer(argv: list[str]) -> bool:
    """``wer`` first, followed by anything but exactly one string: the subcommand
    (``pyo3-levenshtein wer abc`` is the distance between "wer" and "abc")."""
    if not argv or argv[0] != "wer":
        return False
    rest = argv[1:]
    return len(rest) != 1 or rest[0].startswith("-")


def _quiet_stdout() -> None:
    """After EPIPE: point stdout at /dev/null so that the final flush cannot fail.

    This is the recipe in the Python docs (signal module, "Note on SIGPIPE").
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


_JOIN_DESCRIPTION = """\
Print every pair of lines of FILE within K edits of each other, as
i<TAB>j<TAB>distance with 0-based line numbers i < j, sorted by (i, j). Distances count
Unicode code points (or, with --graphemes, extended grapheme clusters)."""

_JOIN_EPILOG = f"""\
input format:
  UTF-8 text, one string per line; lines end with \\n or \\r\\n, the last may lack its
  line ending. Every character but the line ending is data (tabs and spaces included).
  The whole file is read before the join starts. An invalid line stops the run with a
  message naming its 1-based line number and exit status 1, before any output.

  A progress bar (rows joined, then pairs written) is drawn on standard error only
  when standard error is a terminal.

exit status:
  0 success; 1 bad input or unreadable file; 2 usage error; 130 interrupted
  (Ctrl-C); 141 standard output closed early.

examples:
  {PROG} join --max-distance 2 names.txt > pairs.tsv
  cut -f1 data.tsv | {PROG} join -k 1 -"""

#: Pairs formatted and written at a time.
JOIN_WRITE_PAIRS = 65_536


def _build_join_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} join",
        usage="%(prog)s [-g] [-t N] -k K FILE",
        description=_JOIN_DESCRIPTION,
        epilog=_JOIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="one string per line ('-' for standard input)")
    parser.add_argument(
        "-k",
        "--max-distance",
        type=_nonnegative_int,
        required=True,
        metavar="K",
        help="the largest distance of a pair that is printed",
    )
    parser.add_argument(
        "-t",
        "--threads",
        type=_positive_int,
        metavar="N",
        help="number of worker threads (default: the library's pool)",
    )
    parser.add_argument(
        "-g",
        "--graphemes",
        action="store_true",
        help="count extended grapheme clusters instead of code points",
    )
    return parser


def _read_lines(stream: BinaryIO) -> list[str]:
    """The lines of ``stream`` without their endings; ``_InputError`` on invalid UTF-8."""
    lines = []
    for lineno, raw in enumerate(stream, start=1):
        if raw[-1:] == b"\n":
            raw = raw[:-1]
            if raw[-1:] == b"\r":
                raw = raw[:-1]
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            bad = raw[exc.start : exc.start + 1].hex()
            raise _InputError(
                lineno, f"invalid UTF-8 (byte 0x{bad} at byte {exc.start + 1} of the line)"
            ) from None
    return lines


def _join_main(argv: list[str]) -> int:
    parser = _build_join_parser()
    args = parser.parse_args(argv)
    threads: int | None = args.threads
    if threads is not None:
        from . import MAX_THREADS

        if threads > MAX_THREADS:
            _usage_error(
                parser, f"argument -t/--threads: must be at most {MAX_THREADS}, got {threads}"
            )
    terminal = sys.stderr is not None and sys.stderr.isatty()
    stream = sys.stderr if terminal else None
    source: BinaryIO | None = None
    drawn = False

    def draw(text: str) -> None:
        nonlocal drawn
        if stream is not None:
            try:
                stream.write("\r" + text + "\x1b[K")
                stream.flush()
                drawn = True
            except (OSError, ValueError):
                pass

    def clear() -> None:
        if stream is not None and drawn:
            try:
                stream.write("\r\x1b[K")
                stream.flush()
            except (OSError, ValueError):
                pass

    try:
        try:
            if args.file == "-":
                source = sys.stdin.buffer
            else:
                try:
                    source = open(args.file, "rb")  # closed in the finally below
                except OSError as exc:
                    _error(f"cannot open {args.file!r}: {exc.strerror or exc}")
                    return EXIT_INPUT_ERROR
            try:
                lines = _read_lines(source)
            except _InputError as exc:
                _error(str(exc))
                return EXIT_INPUT_ERROR
            start = time.monotonic()
            last = [float("-inf")]

            def progress(done: int, total: int) -> None:
                now = time.monotonic()
                if now - last[0] >= _Progress.INTERVAL:
                    last[0] = now
                    draw(f"{PROG} join: {done:,} / {total:,} rows ({now - start:.1f} s)")

            pairs = levenshtein_join(
                lines,
                max_distance=args.max_distance,
                grapheme_segmentation=args.graphemes,
                num_threads=threads,
                progress=progress if stream is not None else None,
            )
            out = sys.stdout
            total = len(pairs)
            for at in range(0, total, JOIN_WRITE_PAIRS):
                chunk = [pairs[i] for i in range(at, min(at + JOIN_WRITE_PAIRS, total))]
                out.write("".join(f"{i}\t{j}\t{d}\n" for i, j, d in chunk))
                if stream is not None:
                    draw(f"{PROG} join: {at + len(chunk):,} / {total:,} pairs written")
            out.flush()
            clear()
            return EXIT_OK
        except BrokenPipeError:
            clear()
            _quiet_stdout()
            return EXIT_BROKEN_PIPE
        except KeyboardInterrupt:
            clear()
            return EXIT_INTERRUPTED
        except OSError as exc:
            clear()
            _error(f"I/O error: {exc.strerror or exc}")
            return EXIT_INPUT_ERROR
        finally:
            if source is not None and source is not getattr(sys.stdin, "buffer", None):
                source.close()
    except KeyboardInterrupt:  # a second Ctrl-C while cleaning up
        return EXIT_INTERRUPTED


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    if argv is None:
        argv = sys.argv[1:]
    # `join X` with one plain argument stays the distance between "join" and X, as
    # before the subcommand existed; `-- join X` always means the two strings.
    if argv[:1] == ["join"] and not (len(argv) == 2 and not argv[1].startswith("-")):
        return _join_main(argv[1:])
    if _is_wer(argv):
        return _run_wer(argv[1:])
    parser = _build_parser()
    args = parser.parse_args(argv)

    have_strings = args.string1 is not None or args.string2 is not None
    if args.pairs is not None and have_strings:
        _usage_error(parser, "give either two strings or --pairs FILE, not both")
    if args.pairs is None and (args.string1 is None or args.string2 is None):
        if have_strings:
            _usage_error(parser, "expected two strings (or --pairs FILE), got one")
        _usage_error(parser, "expected two strings, or --pairs FILE")

    threads: int | None = args.threads
    if threads is not None:
        from . import MAX_THREADS

        if threads > MAX_THREADS:
            _usage_error(
                parser,
                f"argument -t/--threads: must be at most {MAX_THREADS}, got {threads}",
            )

    progress = _Progress(None, None)
    source: BinaryIO | None = None
    try:
        try:
            if args.pairs is None:
                dist = levenshtein(args.string1, args.string2, grapheme_segmentation=args.graphemes)
                sys.stdout.write(f"{dist}\n")
                sys.stdout.flush()
                return EXIT_OK

            if args.pairs == "-":
                source = sys.stdin.buffer
            else:
                try:
                    source = open(args.pairs, "rb")  # closed in the finally below
                except OSError as exc:
                    _error(f"cannot open {args.pairs!r}: {exc.strerror or exc}")
                    return EXIT_INPUT_ERROR

            interactive = _is_interactive(source)
            if not interactive and sys.stderr is not None and sys.stderr.isatty():
                progress = _Progress(sys.stderr, _regular_file_size(source))
            # Typed input: answer each line as it is entered.
            chunk_lines = 1 if interactive else CHUNK_LINES
            return _run_pairs(source, sys.stdout, progress, threads, args.graphemes, chunk_lines)
        except BrokenPipeError:
            progress.close()
            _quiet_stdout()
            return EXIT_BROKEN_PIPE
        except KeyboardInterrupt:
            progress.close()
            return EXIT_INTERRUPTED
        except OSError as exc:  # a read (or non-EPIPE write) error mid-stream
            progress.close()
            _error(f"I/O error: {exc.strerror or exc}")
            return EXIT_INPUT_ERROR
        except ValueError as exc:
            # The CLI checks --threads itself; this keeps any limit the library adds
            # a usage error rather than a traceback.
            if "num_threads" not in str(exc):
                raise
            progress.close()
            _usage_error(parser, f"argument -t/--threads: {exc}")
        finally:
            if source is not None and source is not getattr(sys.stdin, "buffer", None):
                source.close()
    except KeyboardInterrupt:  # a second Ctrl-C while cleaning up
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
