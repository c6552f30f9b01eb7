"""What a feed run follows: one input expanded into the addresses and files to read.

The input of `batch` may be:

- an http(s) address: a feed, an OPML list or an article page (told apart when it
  is downloaded, by its content: see `parse.sniff_kind`);
- a saved feed file (RSS or Atom);
- an OPML export from a feed reader: its feeds;
- a text file listing addresses, one a line (`fetch.read_url_list`: "#" comments,
  blank lines), feeds and article pages mixed; each is told apart when downloaded.

`find_feed` tells whether a list of addresses holds a feed at all, from the first
bytes of each (`batch` reads a list of article pages only as it always has).

Limits: a saved file is read whole (within the size limit); addresses inside a list
are not checked here beyond their form; an OPML file's own `include` outlines are not
followed.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from translate_sum.errors import Hint, InputError
from translate_sum.feeds.client import PoliteClient
from translate_sum.feeds.opml import parse_opml
from translate_sum.feeds.parse import sniff_kind
from translate_sum.fetch import is_url, read_url_list


@dataclass(frozen=True)
class Source:
    """One address or saved file to read in a feed run.

    `kind` is "feed" when known before reading (an OPML subscription, a saved feed
    file), None when the downloaded content decides (a listed address).
    """

    location: str
    kind: str | None = None
    title: str | None = None
    folder: str | None = None

    @property
    def is_file(self) -> bool:
        return not is_url(self.location)


def read_sources(spec: str | Path, *, max_bytes: int) -> list[Source]:
    """The sources an input names: itself (an address, a saved feed), an OPML list's feeds, a list's lines.

    Raises InputError (a usage error: nothing is fetched yet) for a missing or
    unreadable file, a list with a line that is not an address, an OPML file that
    is broken or lists no feed.
    """
    name = str(spec)
    if isinstance(spec, str) and is_url(name):
        return [Source(name.strip())]
    path = Path(spec)
    if not path.is_file():
        raise InputError(f"{name}: no such file", Hint("give a feed's address, a saved feed, an OPML export or a list of addresses"))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{name}: file is {size:,} bytes, over the {max_bytes:,}-byte limit", Hint("raise {option}", "max_bytes"))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror or exc})", Hint("check its permissions")) from exc
    kind = sniff_kind(data)
    if kind == "opml":
        return [Source(feed.url, "feed", feed.title, feed.folder) for feed in parse_opml(data, name)]
    if kind == "feed":
        return [Source(name, "feed")]
    return [Source(url) for url in read_url_list(path)]


def find_feed(urls: Sequence[str], client: PoliteClient) -> str | None:
    """The first of `urls` that is a feed or an OPML list, told by its first bytes; None when none is.

    The addresses are asked for at once, within the client's per-host limits, each for
    its first `client.PEEK_BYTES` only; the rest are dropped once one in order is a
    feed. An address that cannot be had counts as no feed (whoever reads it next
    reports why).
    """

    def kind(url: str) -> str | None:
        try:
            answer = client.peek(url)
        except InputError:
            return None
        return sniff_kind(answer.data, answer.content_type)

    with ThreadPoolExecutor(max_workers=max(1, client.options.workers)) as pool:
        futures = [pool.submit(kind, url) for url in urls]
        for url, future in zip(urls, futures):
            if future.result() in ("feed", "opml"):
                for rest in futures:
                    rest.cancel()
                return url
    return None
