"""Product search: exact SKU/barcode, then accent-, plural- and typo-tolerant words.

Each process keeps an in-memory index of the catalogue, rebuilt lazily when the catalogue
stamp in the database changes (imports bump it), so several web processes stay in step
without any PostgreSQL-only extension. The index works on *words*, not products:

1. every distinct word of every name gets trigrams; a query word finds the vocabulary words
   it may mean (exact, prefix, trigram candidates scored by rapidfuzz, English synonyms);
2. each vocabulary word has a posting array of the products that contain it, so scoring all
   products is a handful of numpy operations, whatever the catalogue size.

A product's score is the mean, over the query words, of its best word similarity (0..100).
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from models.stock.tables import Product, catalogue_stamp, compact_code
from models.stock.words import SYNONYMS, query_words, words

HIT = 72.0  # a product this close is an answer
SUGGEST = 30.0  # this close: "did you mean"
WORD_CUTOFF = 70.0  # a misspelt word must be at least this similar to count
MAX_TRIGRAM_CANDIDATES = 400
MATCHED = 1000.0  # above any closeness total (100 a query word): see CatalogueIndex.search


def _trigrams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


@dataclass
class SearchResult:
    """Product ids with scores, best first: ``hits`` answer the query, ``suggestions`` come close."""

    hits: list[tuple[int, float]] = field(default_factory=list)
    suggestions: list[tuple[int, float]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


class CatalogueIndex:
    """Words -> products, for one version of the catalogue."""

    def __init__(self, stamp: str, rows: list[tuple[int, str, str | None, str]]) -> None:
        self.stamp = stamp
        self.build_seconds = 0.0  # how long loading and building it took (set by ``_load``)
        self.ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        self.codes: dict[str, int] = {}
        vocab: dict[str, int] = {}
        # (word, product) pairs in two flat lists, then one sort into compressed postings: a
        # million SKUs are a million one-product words, too many for an array each.
        pair_words: list[int] = []
        pair_docs: list[int] = []
        lengths = np.zeros(len(rows), dtype=np.float32)
        for doc, (pid, sku, barcode, name) in enumerate(rows):
            code = compact_code(sku)
            self.codes[code] = pid
            if barcode:
                self.codes.setdefault(compact_code(barcode), pid)
            doc_words = set(words(name))
            doc_words.add(code.lower())
            lengths[doc] = len(doc_words)
            for w in doc_words:
                wid = vocab.get(w)
                if wid is None:
                    wid = vocab[w] = len(vocab)
                pair_words.append(wid)
                pair_docs.append(doc)
        self.vocab = vocab
        self.words = list(vocab)
        by_word = np.asarray(pair_words, dtype=np.int32)
        order = np.argsort(by_word, kind="stable")  # stable: each word's products stay in catalogue order
        self._docs = np.asarray(pair_docs, dtype=np.int32)[order]
        self._starts = np.concatenate(([0], np.cumsum(np.bincount(by_word, minlength=len(vocab)))))
        self.lengths = lengths
        self.sorted_words = sorted(vocab)
        # Trigrams of the alphabetic words only (codes and numbers match exactly or by prefix),
        # numbered apart: a million SKUs must not make every fuzzy lookup count over a million words.
        self.alpha_words = np.asarray([wid for wid, w in enumerate(self.words) if w.isalpha()], dtype=np.int32)
        grams: dict[str, list[int]] = defaultdict(list)
        for n, wid in enumerate(self.alpha_words.tolist()):
            for g in _trigrams(self.words[wid]):
                grams[g].append(n)
        self.grams = {g: np.asarray(v, dtype=np.int32) for g, v in grams.items()}

    def __len__(self) -> int:
        return len(self.ids)

    def postings(self, wid: int) -> np.ndarray:
        """The products (positions in the catalogue) whose name or SKU has word ``wid``."""
        return self._docs[self._starts[wid]:self._starts[wid + 1]]

    # -- words ----------------------------------------------------------------------------------
    def _prefixed(self, q: str, limit: int = 200) -> list[int]:
        start = bisect.bisect_left(self.sorted_words, q)
        out = []
        for w in self.sorted_words[start:start + limit]:
            if not w.startswith(q):
                break
            out.append(self.vocab[w])
        return out

    def _fuzzy(self, q: str) -> dict[int, float]:
        grams = [self.grams[g] for g in _trigrams(q) if g in self.grams]
        if not grams:
            return {}
        counts = np.bincount(np.concatenate(grams), minlength=len(self.alpha_words))
        candidates = np.flatnonzero(counts)
        if len(candidates) > MAX_TRIGRAM_CANDIDATES:
            top = np.argpartition(-counts[candidates], MAX_TRIGRAM_CANDIDATES)[:MAX_TRIGRAM_CANDIDATES]
            candidates = candidates[top]
        choices = {int(wid): self.words[wid] for wid in self.alpha_words[candidates]}
        return {wid: float(score) for _w, score, wid in
                process.extract(q, choices, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF, limit=None)}

    def meanings(self, q: str) -> dict[int, float]:
        """Vocabulary words that ``q`` may stand for, with a similarity 0..100."""
        found: dict[int, float] = {}
        exact = self.vocab.get(q)
        if exact is not None:
            found[exact] = 100.0
        if len(q) >= 3 or not q.isalpha():
            for wid in self._prefixed(q):
                found.setdefault(wid, 92.0 if q.isalpha() else 90.0)
        if q.isalpha() and len(q) >= 3:
            for wid, score in self._fuzzy(q).items():
                found[wid] = max(found.get(wid, 0.0), score)
        # An English word also means its Portuguese twin ("blue chair" -> "cadeira azul"), even
        # when the catalogue happens to hold the English word too ("Office chair").
        synonym = SYNONYMS.get(q)
        if synonym is None and exact is None and q.isalpha() and len(q) >= 4:
            guess = process.extractOne(q, SYNONYMS.keys(), scorer=fuzz.ratio, score_cutoff=78)
            synonym = SYNONYMS[guess[0]] if guess else None
        if synonym is not None:
            for wid, score in self.meanings(synonym).items():
                found[wid] = max(found.get(wid, 0.0), score * 0.97)
        return found

    # -- products -------------------------------------------------------------------------------
    def search(self, text: str, *, limit: int = 8, question: bool = False) -> SearchResult:
        qwords = query_words(text, question=question)
        code = compact_code(" ".join(qwords)).lower()
        if len(qwords) > 1 and any(c.isdigit() for c in code) and self._prefixed(code, 1):
            qwords = [code]  # a SKU typed with spaces or dashes ("prd 104")
        result = SearchResult(words=qwords)
        if not qwords or not len(self):
            return result
        # One dense pass per query word: each product's best closeness for the word is written
        # with MATCHED added, so the one running sum carries both the closeness total and (in its
        # thousands) how many query words the product matched.
        total = np.zeros(len(self), dtype=np.float32)
        best = np.empty(len(self), dtype=np.float32)
        for q in qwords:
            best.fill(0)
            # Closest meaning last: its products take its closeness, whatever a looser one wrote.
            for wid, closeness in sorted(self.meanings(q).items(), key=lambda m: m[1]):
                best[self.postings(wid)] = MATCHED + closeness
            total += best
        # Only products close enough to be shown are ranked (a big catalogue has few).
        candidates = np.flatnonzero(total >= MATCHED + SUGGEST * len(qwords))
        matched = np.floor(total[candidates] / MATCHED)
        score = (total[candidates] - MATCHED * matched) / len(qwords)
        keep = score >= SUGGEST
        candidates, matched, score = candidates[keep], matched[keep], score[keep]
        # Among equal scores, prefer names with fewer words the query did not ask for.
        rank = score - 0.5 * np.maximum(self.lengths[candidates] - 1 - matched, 0)
        top = _best_first(rank, min(len(candidates), max(limit * 4, 32)))
        for at in top:
            s = float(score[at])
            pair = (int(self.ids[candidates[at]]), round(s, 1))
            if s >= HIT and len(result.hits) < limit:
                result.hits.append(pair)
            elif SUGGEST <= s < HIT and len(result.suggestions) < 3:
                result.suggestions.append(pair)
        return result


def _best_first(rank: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest ranks, highest first; equal ranks in catalogue order, so the
    same question always gets the same answer, however many products tie."""
    if k < len(rank):
        kth = np.partition(rank, len(rank) - k)[len(rank) - k]  # the k-th highest rank
        above = np.flatnonzero(rank > kth)
        top = np.concatenate((above, np.flatnonzero(rank == kth)[:k - len(above)]))
    else:
        top = np.arange(len(rank))
    return top[np.lexsort((top, -rank[top]))]


_cache: dict[str, CatalogueIndex] = {}
_lock = threading.Lock()
_building: dict[str, threading.Thread] = {}
REBUILD_WAIT = 1.0  # seconds a request may wait for a fresh index, when the last one was built sooner


def _load(session: Session, stamp: str) -> CatalogueIndex:
    started = time.perf_counter()
    rows = session.execute(select(Product.id, Product.sku, Product.barcode, Product.name).order_by(Product.id)).all()
    index = CatalogueIndex(stamp, [(pid, sku, barcode, name) for pid, sku, barcode, name in rows])
    index.build_seconds = time.perf_counter() - started
    return index


def _rebuild(engine: Engine | Connection, key: str, stamp: str) -> None:
    try:
        with Session(engine.execution_options(readonly=True)) as session:  # SQLite: no write lock
            fresh = _load(session, catalogue_stamp(session))
        with _lock:
            _cache[key] = fresh
    finally:
        with _lock:
            _building.pop(key, None)


def catalogue_index(session: Session) -> CatalogueIndex:
    """This process's index of the catalogue, rebuilt when an import changed it since.

    The stamp is read once per unit of work (one primary-key read). The first index is built
    on the spot; later ones aside, in the background, and swapped in whole when ready. Until
    then requests answer from the previous index (quantities always come from the database;
    only products added or renamed a moment ago are not found yet). A small catalogue, whose
    last build took less than ``REBUILD_WAIT``, is worth waiting for (the new product is found
    at once); a large one never holds a request up.
    """
    cached = session.info.get("stock_index")
    if cached is not None:
        return cached
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    stamp = catalogue_stamp(session)
    current = _cache.get(key)
    if current is None:
        with _lock:
            current = _cache.get(key)
            if current is None or current.stamp != stamp:
                current = _cache[key] = _load(session, stamp)
    elif current.stamp != stamp:
        with _lock:
            worker = _building.get(key)
            if worker is None:
                worker = _building[key] = threading.Thread(target=_rebuild, args=(session.get_bind(), key, stamp),
                                                           daemon=True, name="stock-index")
                worker.start()
        if current.build_seconds < REBUILD_WAIT:
            worker.join(REBUILD_WAIT)
        current = _cache[key]
    session.info["stock_index"] = current
    return current


def code_lookup(session: Session, code: str) -> int | None:
    """The product id whose SKU or barcode, compacted, is ``code``."""
    return catalogue_index(session).codes.get(code)


def find_by_code(session: Session, text: str) -> Product | None:
    """The product whose SKU or barcode is ``text`` exactly (case, spaces and dashes ignored)."""
    raw = text.strip()
    if not raw or len(raw) > 64:
        return None
    product_id = code_lookup(session, compact_code(raw))
    if product_id:
        return session.get(Product, product_id)
    if " " not in raw and any(c.isdigit() for c in raw):
        # Imported a moment ago, before this process's search index caught up.
        return session.scalar(select(Product).where(Product.sku == raw.upper()))
    return None


def search(session: Session, text: str, *, limit: int = 8, question: bool = False) -> SearchResult:
    """Products matching ``text`` (words of the name, SKU), best first; see the module docstring."""
    return catalogue_index(session).search(text, limit=limit, question=question)
