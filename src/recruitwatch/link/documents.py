"""Near-duplicate documents: reprints, syndicated copies and lightly edited reposts.

A document's text becomes a set of normalised word shingles (three words in a row, case-folded,
punctuation dropped). A datasketch ``MinHash`` of that set gives a signature; the signature is
cut into bands the way ``MinHashLSH`` does for ``CANDIDATE_THRESHOLD``, and each band becomes one
integer key. Two documents sharing any band key are candidates; a candidate pair is a
near duplicate only when the Jaccard similarity of the two shingle sets, counted exactly, is at
least ``DUPLICATE_JACCARD`` (MinHash estimates; the decision never rests on an estimate).

The band keys are kept in the store (table ``document_bands``), so a new batch is compared with
every stored document through an index, without rebuilding an LSH index in memory. So is each
document's shingle set, as its **fingerprint** (table ``document_shingles``): the sorted 64-bit
hashes of its shingles, so that verifying a candidate reads 8 bytes per shingle and re-reads no
text. Counting on hashes is counting on shingles unless two different shingles of the two
documents share a 64-bit hash: about 10^-14 for a pair of news articles (a few hundred shingles
each), so the decisions are those of the shingle strings. Groups are
the connected components of the near-duplicate pairs, and a group's canonical document is the
earliest (publication date, then id): the same set of documents gives the same groups whatever
the order they were ingested in.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

NUM_PERM = 128
CANDIDATE_THRESHOLD = 0.4  # LSH banding tuned for this Jaccard: generous, candidates are verified
DUPLICATE_JACCARD = 0.7  # exact word-shingle Jaccard from which two texts are copies of one report
# A shortened or extended repost: nearly all of the shorter text's shingles are in the longer one.
DUPLICATE_CONTAINMENT = 0.9
MIN_CONTAINED = 30  # shingles of the shorter text, at least (a headline inside an article is no copy)
SHINGLE = 3
_SEED = 1  # fixed: signatures (and band keys in the store) must not change between runs

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Case-folded words of ``text`` (NFKC, so compatibility forms of a letter count as one)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """The word ``size``-grams of ``text``; a text shorter than ``size`` words is one shingle."""
    w = words(text)
    if len(w) < size:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i : i + size]) for i in range(len(w) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


_SCHEME = "affine32"  # datasketch's hashing scheme, named so that a new default never changes stored keys


@lru_cache(maxsize=1)
def _permutations():
    """The permutations of the fixed seed, made once per process (datasketch draws them from a
    random generator on every ``MinHash()``, which cost more than hashing a short document)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations


@lru_cache(maxsize=1)
def _bands() -> tuple[int, int]:
    """(b, r): the banding MinHashLSH chooses for CANDIDATE_THRESHOLD and NUM_PERM."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def band_keys(shingle_set: set[str] | frozenset[str]) -> list[int]:
    """One key per LSH band of a shingle set's MinHash: documents that share a key are candidates.

    A key is a 63-bit hash of the band's number and its rows (fits a signed BIGINT), so one
    integer column indexes every band.
    """
    from datasketch import MinHash

    if not shingle_set:
        return []
    mh = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_permutations(), scheme=_SCHEME)
    mh.update_batch([s.encode("utf-8") for s in sorted(shingle_set)])
    b, r = _bands()
    out = []
    for band in range(b):
        chunk = band.to_bytes(2, "big") + mh.hashvalues[band * r : (band + 1) * r].tobytes()
        out.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "big") >> 1)
    return out


def fingerprint(shingle_set: Iterable[str]) -> bytes:
    """A shingle set as the store keeps it: the sorted 64-bit hashes (BLAKE2b) of its shingles,
    8 bytes each, little-endian. Two fingerprints give the sizes and the overlap of two sets."""
    hashes = sorted({int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")
                     for s in shingle_set})
    return struct.pack(f"<{len(hashes)}Q", *hashes)


@dataclass(frozen=True, slots=True)
class Sketch:
    """What near-duplicate linking keeps of a document: its band keys, which find its candidates,
    and its fingerprint, which verifies them."""

    bands: list[int]
    fingerprint: bytes


def sketch(text: str) -> Sketch:
    """The band keys and the fingerprint of a text's shingles (the text is shingled once)."""
    shingle_set = shingles(text)
    return Sketch(band_keys(shingle_set), fingerprint(shingle_set))


def hashes(fingerprint: bytes):  # -> numpy.ndarray of uint64
    """A fingerprint's hashes as a (sorted) numpy array, to compare it with several others."""
    import numpy as np

    return np.frombuffer(fingerprint, dtype="<u8")


def near_duplicate(a, b) -> float | None:
    """The Jaccard similarity of two documents (by their fingerprints, as bytes or as :func:`hashes`)
    when they are near duplicates, else None.

    Near duplicates: a Jaccard of at least DUPLICATE_JACCARD, or one text (of MIN_CONTAINED
    shingles or more) nearly all inside the other (a repost cut short or with a paragraph added).
    """
    import numpy as np

    sa = a if isinstance(a, np.ndarray) else hashes(a)
    sb = b if isinstance(b, np.ndarray) else hashes(b)
    if not sa.size or not sb.size:
        return None
    if sa.size > sb.size:
        sa, sb = sb, sa
    # Both are sorted and hold each hash once: look each of the smaller's up in the larger.
    found = np.searchsorted(sb, sa)
    found[found == sb.size] = 0
    shared = int(np.count_nonzero(sb[found] == sa))
    score = shared / (sa.size + sb.size - shared)
    if score >= DUPLICATE_JACCARD:
        return score
    if sa.size >= MIN_CONTAINED and shared / sa.size >= DUPLICATE_CONTAINMENT:
        return score
    return None


def components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[set[str]]:
    """Connected components (union-find) of ``nodes`` joined by ``edges``; isolated nodes are their own."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for n in nodes:
        find(n)
    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = {}
    for n in list(parent):
        groups.setdefault(find(n), set()).add(n)
    return list(groups.values())
