"""Numbers of a French paragraph that are missing or changed in its English translation.

Both sides are read into *mentions*: a piece of text and the set of values it may
stand for. A value is a key such as ``("n", 3.5)``, ``("t", 13, 30)`` (a time) or
``("d", 2025, 7, 5)`` (a date). A French mention is present in the English when some
English mention shares a value with it; an English mention written in digits that
shares no value with the French is reported as added.

Ambiguous writings get every reading instead of a guess, because real English text
keeps French formats (WMT's references write ``1 224`` and ``27,5``): ``2,500`` is
2500 or 2.5 on either side, ``7/5/2025`` is a date in either order.

Mentions are also paired one to one, so a number written twice in the source and
changed once in the translation is found (``trois ... trois`` → ``four ... three``).
Ordinals are compared with ordinals only: ``la première fois`` → ``the second time`` is
flagged, ``le Premier ministre`` → ``the Prime Minister`` is not, since French
``premier`` is as often "prime", "leading" or "the former" as "first".

The reading is split by kind of writing: `number_patterns` (times, dates, Roman
numerals, digit amounts, and the English writings of French amounts such as British
``7.4 thousand million`` for ``7,4 milliards``), then `number_words` (the words left),
both building
`number_mention.Mention`s from the tables of `number_vocab`. This module pairs the two
sides and turns what is left unpaired into flags.

Limits: no units (``5 km`` and ``5 miles`` match), no arithmetic (``la moitié`` is not
50%), approximate quantities (``une dizaine``, ``des milliers``) are not numbers. A
number written in words that the translation drops is only a warning, a dropped
ordinal nothing at all (``deuxième`` → ``next``); an English number word with no
French number beside it (``tridimensionnel`` → ``four-dimensional``, ``plusieurs`` →
``three``) is not reported, since translators add such words freely.
"""

from __future__ import annotations

from translate_sum.audit.number_mention import Key, Mention
from translate_sum.audit.number_patterns import pattern_mentions
from translate_sum.audit.number_vocab import SOFT_EN
from translate_sum.audit.number_words import word_mentions
from translate_sum.audit.quote import quoted
from translate_sum.document import Flag

__all__ = ["Mention", "check_numbers", "extract"]


def extract(text: str, lang: str) -> list[Mention]:
    """Every number mentioned in `text` (`lang` is "fr" or "en").

    In the order the passes find them, not the order of the text: the writings found
    by pattern (clock times first, plain digits last), then the number words.
    """
    # One byte a character, set where a mention was taken, shared by both readings so
    # that the scale word of "7 mille" is not read again as the number word 1000.
    taken = bytearray(len(text))
    mentions = pattern_mentions(text, lang, taken)
    return mentions + word_mentions(text, lang, taken)


def _soft(mention: Mention) -> bool:
    return mention.weak or (not mention.digits and mention.text.lower() in SOFT_EN)


def _match(src: list[Mention], tgt: list[Mention]) -> tuple[set[int], set[int]]:
    """Indexes of the source and translation mentions paired one to one by a shared value.

    A maximum matching (augmenting paths), tried first against the translation's
    plain numbers and only then against its soft words ("both", "first"), so that
    "trois ... trois" → "four ... three" leaves one "trois" and "four" unpaired.
    """
    owner: dict[int, int] = {}  # translation index -> source index

    def augment(start: int, allowed: list[int]) -> bool:
        # Depth-first search for an augmenting path, with an explicit stack: a huge
        # pasted paragraph has thousands of numbers, deeper than Python's recursion.
        seen: set[int] = set()
        stack = [(start, iter(allowed))]
        path: list[int] = []  # the translation index chosen at each depth
        while stack:
            i, candidates = stack[-1]
            for j in candidates:
                if j in seen or not (src[i].keys & tgt[j].keys):
                    continue
                seen.add(j)
                path.append(j)
                if j not in owner:
                    for (source_index, _), target_index in zip(stack, path):
                        owner[target_index] = source_index
                    return True
                stack.append((owner[j], iter(allowed)))
                break
            else:
                stack.pop()
                if path:
                    path.pop()
        return False

    strong = [j for j, m in enumerate(tgt) if not _soft(m)]
    # Pair the easy ones first (a free translation mention sharing a value), so that
    # the searches are only for the few left: a paragraph repeating one number a
    # thousand times would otherwise cost a search as long as the paragraph per number.
    by_key: dict[Key, list[int]] = {}
    for j in strong:
        for key in tgt[j].keys:
            by_key.setdefault(key, []).append(j)
    for i in range(len(src)):
        free = (j for key in src[i].keys for j in by_key.get(key, ()) if j not in owner)
        j = min(free, default=None)
        if j is not None:
            owner[j] = i
    paired_first = set(owner.values())
    for i in range(len(src)):
        if i not in paired_first:
            augment(i, strong)
    paired = set(owner.values())
    soft = [j for j, m in enumerate(tgt) if _soft(m)]
    for i in range(len(src)):
        if i not in paired:
            j = next((j for j in soft if j not in owner and src[i].keys & tgt[j].keys), None)
            if j is not None:
                owner[j] = i
                paired.add(i)
    return paired, set(owner)


def check_numbers(source: str, translation: str) -> list[Flag]:
    """Flags for source numbers missing or changed in the translation, and digits it adds.

    A number in digits that is missing is a warning, and an error when the translation
    also has a number the source lacks (then it was changed, not dropped). A number in
    words is reported only when changed: translators turn "deux" into "both", "a pair",
    "twice" or nothing at all. Ordinals are compared only with ordinals ("première" →
    "second"), since "premier" is as often "prime" or "leading".
    """
    src = extract(source, "fr")
    tgt = extract(translation, "en")
    tgt_keys = frozenset().union(*(m.keys for m in tgt)) if tgt else frozenset()
    src_keys = frozenset().union(*(m.keys for m in src)) if src else frozenset()
    missing = [m for m in src if m.required and not (m.keys & tgt_keys)]
    added = [m for m in tgt if m.digits and not (m.keys & src_keys)]
    changed = added or [m for m in tgt if not (m.keys & src_keys) and not _soft(m)]
    # A number word with no counterpart at all ("Trois hommes." → "Men.") is a warning;
    # on the 4,157 professional pairs this flags 5 more (0.1%): idioms ("dormir sur
    # ses deux oreilles"), "deux ou trois ans" → "every few years".
    dropped_words = [m for m in missing if not m.digits and not m.ordinal]
    missing = [m for m in missing if m.digits or changed or m in dropped_words]
    # Counts matter too: "trois blessés et trois morts" → "four injured and three dead"
    # has every value on both sides, but one "trois" has no partner and "four" none.
    paired_src, paired_tgt = _match(src, tgt)
    extra_src = [m for i, m in enumerate(src) if i not in paired_src and m.required]
    extra_tgt = [m for j, m in enumerate(tgt) if j not in paired_tgt and not _soft(m)]
    if not (extra_src and extra_tgt):
        extra_src = extra_tgt = []
    # Ordinals: an English ordinal no source number explains, beside a French ordinal
    # the English lacks ("le premier jour" → "the second day").
    odd_src = [m for m in src if m.ordinal and not (m.keys & tgt_keys)]
    odd_tgt = [m for m in tgt if m.ordinal and not (m.keys & src_keys)]
    if not (odd_src and odd_tgt):
        odd_src = odd_tgt = []
    changed_any = bool((missing and changed) or extra_src or odd_src)
    severity = "error" if changed_any else "warning"
    flags: list[Flag] = []
    seen: set[str] = set()

    def report(mention: Mention, detail: str) -> None:
        if mention.text not in seen:
            seen.add(mention.text)
            flags.append(Flag("number", detail, severity))

    def shown(mention: Mention) -> str:
        return mention.text if mention.digits else quoted(mention.text)

    for m in missing + odd_src + extra_src:
        fewer = m.keys & tgt_keys
        report(m, f"number {shown(m)} " + ("appears fewer times in translation" if fewer else "missing in translation"))
    for m in added + odd_tgt + extra_tgt:
        more = m.keys & src_keys
        report(m, f"number {shown(m)} in translation " + ("more times than in source" if more else "not in source"))
    return flags
