"""The registry of entities and places across articles: one person however their name is spelled.

An article's entity is matched against the registry by its names (the canonical name and the
aliases the article used), transliteration-insensitively (`names.same_name`, word by word):
"Alexander Lukashenka" is "Alexander Lukashenko". A surname alone ("Lukashenka") joins a person
only when exactly one person in the registry fits it; otherwise it stays an entity of its own.
Candidates are found through an index on the consonant skeleton of the last word, so matching
costs a few rows whatever the size of the store.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from ..analyze.names import same_name, skeleton, translit_key
from .db import Database

GROUPS = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place"}
# Words before a name that are not part of it.
_TITLES = frozenset(
    "mr mrs ms dr prof president minister general colonel sir madam mister gen col lt sgt".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def group(entity_type: str) -> str:
    return GROUPS.get(entity_type, entity_type.lower())


def words(name: str) -> list[str]:
    """The words of a name, titles dropped, a final possessive 's dropped."""
    return list(_words(name))


@functools.lru_cache(maxsize=65536)
def _words(name: str) -> tuple[str, ...]:
    found = [w for w in _WORD.findall(name)]
    if found and found[-1].lower() in ("s",) and len(found) > 1:
        found = found[:-1]
    found = [re.sub(r"['’]s$", "", w) for w in found]
    while len(found) > 1 and found[0].lower().rstrip(".") in _TITLES:
        found = found[1:]
    return tuple(found)


def folded(name: str) -> str:
    """The key of exact alias matches: words, transliteration folded, in order."""
    return " ".join(translit_key(w) for w in words(name))


def skel(name: str) -> str:
    """The index key of candidates: the consonant skeleton of the last word."""
    ws = words(name)
    return skeleton(translit_key(ws[-1])) if ws else ""


def _same_word(a: str, b: str) -> bool:
    return same_name(a, b) or translit_key(a) == translit_key(b)


def _first_names_fit(a: str, b: str) -> bool:
    # "A." or "A" fits "Alexander"; otherwise the spellings must be one name.
    if len(a.rstrip(".")) == 1 or len(b.rstrip(".")) == 1:
        return translit_key(a)[:1] == translit_key(b)[:1]
    return _same_word(a, b)


def fit(a: str, b: str, grp: str) -> str | None:
    """How two names of one group fit: "full" (the same name), "surname" (one is the other's
    surname alone), or None."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return None
    if grp == "person" and min(len(wa), len(wb)) == 1:
        # A single word of a person is a surname: weak evidence, whatever the other side.
        return "surname" if _same_word(wa[-1], wb[-1]) else None
    if len(wa) == len(wb):
        if grp == "person":
            ok = _first_names_fit(wa[0], wb[0]) and all(
                _same_word(x, y) for x, y in zip(wa[1:], wb[1:], strict=True)
            )
        else:
            ok = all(_same_word(x, y) for x, y in zip(wa, wb, strict=True))
        return "full" if ok else None
    # A middle name on one side only: first and last names decide.
    if grp == "person" and _first_names_fit(wa[0], wb[0]) and _same_word(wa[-1], wb[-1]):
        return "full"
    return None


def candidates(db: Database, names: Iterable[str], grp: str) -> dict[int, list[str]]:
    """Registry entities of the group sharing a last-word skeleton with one of `names`: id -> aliases."""
    keys = sorted({k for k in (skel(n) for n in names) if k})
    if not keys:
        return {}
    marks = ",".join("?" * len(keys))
    rows = db.all(
        f"SELECT a.entity_id, a.alias FROM aliases a JOIN entities e ON e.id = a.entity_id "
        f"WHERE a.skel IN ({marks}) AND e.grp = ? ORDER BY a.entity_id",
        (*keys, grp),
    )
    found: dict[int, list[str]] = {}
    for entity_id, alias in rows:
        found.setdefault(int(entity_id), []).append(alias)
    return found


def match(db: Database, names: list[str], grp: str, *, lenient: bool = False) -> list[int]:
    """Registry ids that `names` (one entity's names) stand for, best first.

    A full fit wins; surname-only fits count only when exactly one entity fits that way, unless
    `lenient` (a user's query, where every person of that surname is an answer).
    """
    return _match(candidates(db, names, grp), names, grp, lenient=lenient)


def _match(found: dict[int, list[str]], names: list[str], grp: str, *, lenient: bool = False) -> list[int]:
    full: list[int] = []
    partial: list[int] = []
    many_words = any(len(words(n)) > 1 for n in names)
    for entity_id, aliases in found.items():
        kinds = {fit(n, a, grp) for n in names for a in aliases}
        if "full" in kinds:
            full.append(entity_id)
        elif "surname" in kinds and not (many_words and any(len(words(a)) > 1 for a in aliases)):
            # Two full names that differ (Olha Petrenko, Ivan Petrenko) are two people, even
            # when one of them was once called by the surname alone.
            partial.append(entity_id)
    if full:
        return full
    if lenient or len(partial) == 1:
        return partial
    return []


def resolve(db: Database, name: str, entity_type: str, aliases: Iterable[str]) -> int:
    """The registry id of an article's entity: an existing one it fits, else a new one."""
    return resolve_all(db, [(name, entity_type, list(aliases))])[0]


def resolve_all(db: Database, items: Sequence[tuple[str, str, Sequence[str]]]) -> list[int]:
    """The registry ids of an article's entities, given as (name, type, aliases): for each, an
    existing entity it fits, else a new one.

    The aliases each brings are added to the registry, and a surname-only entity gets the full
    name as its canonical name once one is seen. One query finds the candidates of all of them.
    """
    prepared = []
    keys: set[str] = set()
    for name, entity_type, aliases in items:
        names = list(dict.fromkeys(n for n in [name, *aliases] if n and n.strip()))
        prepared.append((name, entity_type, group(entity_type), names))
        keys.update(k for k in (skel(n) for n in names) if k)
    # (group, skeleton) -> entity id -> its aliases with that skeleton
    pool: dict[tuple[str, str], dict[int, list[str]]] = {}
    if keys:
        ordered = sorted(keys)
        rows = db.all(
            f"SELECT a.entity_id, a.alias, a.skel, e.grp FROM aliases a "
            f"JOIN entities e ON e.id = a.entity_id "
            f"WHERE a.skel IN ({','.join('?' * len(ordered))}) ORDER BY a.entity_id",
            ordered,
        )
        for entity_id, alias, key, grp in rows:
            pool.setdefault((str(grp), str(key)), {}).setdefault(int(entity_id), []).append(str(alias))
    ids: list[int] = []
    for name, entity_type, grp, names in prepared:
        found: dict[int, list[str]] = {}
        for key in dict.fromkeys(skel(n) for n in names):
            for entity_id, aliases in pool.get((grp, key), {}).items():
                found.setdefault(entity_id, []).extend(aliases)
        matched = _match(found, names, grp)
        known: set[str] = set()
        if matched:
            entity_id = matched[0]
            known = set(found[entity_id])
            # The canonical name is the fullest seen: "Kavalenka" becomes "Andrei Kavalenka".
            if len(words(name)) > max(len(words(a)) for a in found[entity_id]):
                db.execute("UPDATE entities SET name = ? WHERE id = ?", (name, entity_id))
        else:
            row = db.one(
                "INSERT INTO entities (name, type, grp) VALUES (?, ?, ?) RETURNING id",
                (name, entity_type, grp),
            )
            assert row is not None
            entity_id = int(row[0])
        new = [n for n in names if folded(n) and n not in known]  # every spelling (migration 0005)
        db.executemany(
            "INSERT INTO aliases (entity_id, alias, folded, skel) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(entity_id, n, folded(n), skel(n)) for n in new],
        )
        for n in new:  # later entities of the same article see them
            pool.setdefault((grp, skel(n)), {}).setdefault(entity_id, []).append(n)
        ids.append(entity_id)
    return ids


def find(db: Database, name: str, groups: Iterable[str] = ("person", "org", "place")) -> list[int]:
    """Registry ids a user's name may mean (any alias, any spelling), exact alias matches first."""
    key = folded(name)
    if not key:
        return []
    ids = [int(r[0]) for r in db.all("SELECT DISTINCT entity_id FROM aliases WHERE folded = ?", (key,))]
    for grp in groups:
        ids.extend(i for i in match(db, [name], grp, lenient=True) if i not in ids)
    return ids


def place_key(geonames_id: int | None, name: str, country: str | None) -> str:
    return f"g{geonames_id}" if geonames_id else f"n:{folded(name)}|{country or ''}"


def find_places(db: Database, name: str) -> list[int]:
    """Place ids a user's name may mean: the gazetteer name in any spelling, or `#ID`."""
    key = folded(name)
    if not key:
        return []
    exact = [int(r[0]) for r in db.all("SELECT id FROM places WHERE folded = ?", (key,))]
    if exact:
        return exact
    rows = db.all("SELECT id, name FROM places WHERE skel = ?", (skel(name),))
    return [int(pid) for pid, pname in rows if fit(name, pname, "place") == "full"]
