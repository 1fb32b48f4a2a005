"""The article text a question cites, for any page that shows an explanation (results, drills, the book).

Looked up through the sources domain when it is present; cached per request, and a page showing many
questions can prefetch them all in one go."""
from __future__ import annotations

from collections.abc import Iterable

from flask import g


def _sources():
    try:
        from trainer.sources import service
    except ModuleNotFoundError:
        return None
    return service


def _cache() -> dict:
    if "_articles" not in g:
        g._articles = {}
    return g._articles


def prefetch(versions: Iterable) -> None:
    """Look up the articles of many question versions at once."""
    sources = _sources()
    if sources is None:
        return
    pairs = {(v.ref_document, v.ref_article) for v in versions if v.ref_document and v.ref_article}
    cache = _cache()
    missing = [p for p in pairs if p not in cache]
    if missing:
        found = sources.articles_for(missing)
        for p in missing:
            cache[p] = found.get(p)


def article_of(version):
    """The SourceArticle a version's reference resolves to, or None."""
    if version is None or not getattr(version, "ref_article", None) or not getattr(version, "ref_document", None):
        return None
    key = (version.ref_document, version.ref_article)
    cache = _cache()
    if key not in cache:
        sources = _sources()
        cache[key] = sources.article_for(*key) if sources is not None else None
    return cache[key]
