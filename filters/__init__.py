"""The filter chain, in the order it runs on the assembled document.

comments first: nothing inside %%...%% may be embedded, linked or tagged.
embeds next: what they bring in then passes through every later filter.
raw_content after embeds, so embedded copies are vetted too, and before the filters that
  write raw LaTeX of their own (callouts, wikilinks, tags), which it must not touch.
blocks after embeds: it drops the ^ids that embedded copies carry.
callouts before wikilinks: a callout's first line is matched as written.
page_citations after callouts: it skips callout titles, and reads the embeds' sources.
index_terms after wikilinks: it marks the cross-references and concepts they made.
footnotes last: the notes' contents have been through every other filter.
"""
from __future__ import annotations

from . import (
    blocks,
    callouts,
    comments,
    embeds,
    footnotes,
    index_terms,
    page_citations,
    raw_content,
    tags,
    wikilinks,
)

CHAIN = [comments, embeds, raw_content, blocks, callouts, page_citations, wikilinks, index_terms,
         tags, footnotes]


def run_chain(doc):
    """Run every filter of CHAIN, in order, on `doc` in this process."""
    for module in CHAIN:
        doc = module.main(doc) or doc
    return doc
