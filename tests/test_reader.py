"""Reading articles: encodings, BOMs, line ends, paragraphs, titles, refusals."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import ZERO_DEVICE, make_device

from translate_sum.errors import InputError
from translate_sum.reader import parse_article, read_article

ARTICLE = (
    "Le conseil municipal adopte un budget en hausse\n"
    "\n"
    "Le maire, M. Lefèvre, a présenté mardi un budget de 3,5\u00a0millions d'euros,\n"
    "en hausse de 12\u202f% sur un an.\n"
    "\n"
    "« C'est un effort sans précédent », a-t-il déclaré devant l'assemblée.\n"
)


def write(tmp_path: Path, data: bytes, name: str = "article.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_article_gives_title_and_paragraphs_in_order(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, ARTICLE.encode("utf-8")))
    assert [p.index for p in article.paragraphs] == [1, 2, 3]
    assert article.paragraphs[0].is_title
    assert article.source.title == "Le conseil municipal adopte un budget en hausse"
    assert article.paragraphs[2].source.startswith("« C'est")


def test_hard_wrapped_lines_are_joined_with_one_space(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, ARTICLE.encode("utf-8")))
    assert "d'euros, en hausse" in article.paragraphs[1].source


def test_french_non_breaking_spaces_are_kept(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, ARTICLE.encode("utf-8")))
    assert "3,5\u00a0millions" in article.paragraphs[1].source
    assert "12\u202f%" in article.paragraphs[1].source


def test_utf8_bom_is_removed_and_reported_as_utf8(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, codecs.BOM_UTF8 + ARTICLE.encode("utf-8")))
    assert article.source.encoding == "utf-8"
    assert article.paragraphs[0].source.startswith("Le conseil")


def test_crlf_line_ends_read_like_lf(tmp_path: Path) -> None:
    crlf = read_article(write(tmp_path, ARTICLE.replace("\n", "\r\n").encode("utf-8")))
    lf = read_article(write(tmp_path, ARTICLE.encode("utf-8"), "lf.txt"))
    assert [p.source for p in crlf.paragraphs] == [p.source for p in lf.paragraphs]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_bom_is_decoded(tmp_path: Path, encoding: str) -> None:
    article = read_article(write(tmp_path, ARTICLE.encode(encoding)))
    assert article.paragraphs[1].source.startswith("Le maire, M. Lefèvre")


def test_cp1252_with_curly_apostrophe_and_oe_is_detected(tmp_path: Path) -> None:
    text = "Le prix de l’œuf grimpe\n\nLes éleveurs s’inquiètent : le cœur du marché flanche à Noël.\n"
    article = read_article(write(tmp_path, text.encode("cp1252")))
    assert article.source.encoding == "cp1252"
    assert "l’œuf" in article.paragraphs[0].source


def test_iso_8859_15_oe_is_not_read_as_one_half(tmp_path: Path) -> None:
    text = "Un œuf de Pâques géant\n\nLe chocolatier a façonné un œuf de deux mètres pour la fête du bourg.\n"
    article = read_article(write(tmp_path, text.encode("iso-8859-15")))
    assert "œuf" in article.paragraphs[1].source
    assert "½" not in article.paragraphs[1].source


def test_latin1_accents_survive(tmp_path: Path) -> None:
    text = "Grève à l'hôpital\n\nLes infirmières réclament des créations de postes et un été plus serein.\n"
    article = read_article(write(tmp_path, text.encode("latin-1")))
    assert article.paragraphs[1].source == "Les infirmières réclament des créations de postes et un été plus serein."


def test_markdown_heading_marks_are_dropped(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, b"# Un titre\n\nUn paragraphe qui se termine.\n", "a.md"))
    assert article.paragraphs[0].source == "Un titre"
    assert article.paragraphs[0].is_title


def test_first_paragraph_ending_with_period_is_not_a_title() -> None:
    article = parse_article("Il pleut sur Brest depuis lundi.\n\nLa ville reste calme.")
    assert not article.paragraphs[0].is_title
    assert article.source.title is None


def test_single_paragraph_article_has_no_title() -> None:
    assert not parse_article("Un seul bloc sans point final").paragraphs[0].is_title


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
    ],
    ids=["empty", "whitespace", "png", "control-bytes"],
)
def test_unusable_content_is_refused_with_a_reason(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_article(write(tmp_path, data))


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_article(tmp_path / "absent.txt")


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        read_article(tmp_path)


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="over the 100-byte limit"):
        read_article(write(tmp_path, ARTICLE.encode("utf-8")), max_bytes=100)


def test_reading_never_modifies_the_input(tmp_path: Path) -> None:
    path = write(tmp_path, ARTICLE.replace("\n", "\r\n").encode("utf-16"))
    before = path.read_bytes()
    read_article(path)
    assert path.read_bytes() == before


from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_an_article_or_an_input_error(data: bytes) -> None:
    try:
        article = parse_article(data)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert article.paragraphs and all(p.source.strip() for p in article.paragraphs)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_keeps_every_non_space_character_in_order(text: str) -> None:
    try:
        article = parse_article(text.encode("utf-8"))
    except InputError:
        return
    if article.source.format == "html" or article.source.encoding != "utf-8":
        return  # markup is extracted, not kept; NUL-laden text can pass for UTF-16
    kept = "".join("".join(p.source.split()) for p in article.paragraphs)
    assert kept == "".join(text.removeprefix("\ufeff").split())


def test_utf8_with_a_stray_cp1252_byte_is_read_not_refused(tmp_path: Path) -> None:
    data = ARTICLE.encode("utf-8").replace(b"C'est", b"C\x92est")
    article = read_article(write(tmp_path, data))
    assert article.source.encoding == "utf-8"
    assert "C’est un effort" in article.paragraphs[2].source


def test_mostly_undecodable_bytes_name_the_problem(tmp_path: Path) -> None:
    data = bytes(range(0x80, 0x100)) * 8 + b" abc"
    with pytest.raises(InputError, match="binary|not UTF-8"):
        read_article(write(tmp_path, data))


def test_short_utf8_article_with_two_pasted_cp1252_apostrophes_is_read_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = "Le maire a annoncé l’ouverture d’une école.\n\nLes élèves arriveront lundi, a-t-il précisé.\n"
    data = text.encode("utf-8").replace("’".encode("utf-8"), b"\x92")
    with caplog.at_level("WARNING", logger="translate_sum.reader"):
        article = read_article(write(tmp_path, data))
    assert article.source.encoding == "utf-8"
    assert [p.source for p in article.paragraphs] == text.strip().split("\n\n")
    assert "2 stray byte(s)" in caplog.text


def test_cp1252_article_with_many_accents_is_still_read_as_cp1252(tmp_path: Path) -> None:
    text = "Le maire a annoncé l’ouverture d’une école.\n\nLes élèves arriveront lundi, a-t-il précisé.\n"
    article = read_article(write(tmp_path, text.encode("cp1252")))
    assert article.source.encoding == "cp1252"
    assert article.paragraphs[0].source == text.split("\n\n")[0]


def test_oversized_standard_input_is_named_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode("utf-8"))))
    with pytest.raises(InputError) as caught:
        read_article("-", max_bytes=100)
    assert str(caught.value).startswith("standard input: ") and "100-byte limit" in str(caught.value)


# --- Inputs with no size to ask: read with a bound, never to their end ---


def test_an_endless_device_is_refused_after_max_bytes_not_read_to_its_end(tmp_path: Path) -> None:
    # In a child process with 1 GiB of address space: reading /dev/zero to its end
    # would end there in a MemoryError instead of taking the machine's memory.
    zero = make_device(tmp_path / "zero", ZERO_DEVICE)
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from translate_sum.errors import InputError\n"
        "from translate_sum.reader import read_article\n"
        "try:\n"
        "    read_article(sys.argv[1], max_bytes=1000)\n"
        "except InputError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(zero)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "over the 1,000-byte limit" in done.stdout


def test_a_pipe_is_read_up_to_max_bytes_and_no_further(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    chunk = b"Le maire a parl\xc3\xa9. " * 4096  # about 80 kB
    sent = [0]

    def feed() -> None:
        with open(fifo, "wb") as pipe:
            try:
                for _ in range(250):  # about 20 MB if nobody stops reading
                    pipe.write(chunk)
                    sent[0] += len(chunk)
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with pytest.raises(InputError, match="over the 1,000-byte limit"):
        read_article(fifo, max_bytes=1000)
    writer.join(timeout=10)
    assert sent[0] < 2 * len(chunk), f"{sent[0]:,} bytes were read out of the pipe for a 1,000-byte limit"


def test_a_short_pipe_is_read_whole(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(ARTICLE.encode("utf-8")), daemon=True)
    writer.start()
    article = read_article(fifo)
    writer.join(timeout=10)
    assert [p.index for p in article.paragraphs] == [1, 2, 3]


def test_piped_markdown_loses_its_heading_mark_in_the_title(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    piped = "# Le tramway arrive à la gare\n\nLa ligne B desservira la gare dès septembre.\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(piped.encode("utf-8"))))
    article = read_article("-")
    assert article.paragraphs[0].source == "Le tramway arrive à la gare" and article.paragraphs[0].is_title
    assert article.source.title == "Le tramway arrive à la gare" and article.source.format == "markdown"


def test_pasted_text_starting_with_a_hashtag_is_not_markdown() -> None:
    article = parse_article("#MeToo : la parole se libère\n\nLes témoignages affluent depuis lundi.\n")
    assert article.paragraphs[0].source == "#MeToo : la parole se libère" and article.source.format == "text"
