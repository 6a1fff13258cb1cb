"""The filter chain, in the order it runs on the assembled document.

comments first: nothing inside %%...%% may become a link, a callout or a tag.
callouts before wikilinks: a callout's title line is matched as written.
wikilinks then tags: a tag inside a link's text stays part of that text.
"""
from __future__ import annotations

from . import callouts, comments, tags, wikilinks

CHAIN = [comments, callouts, wikilinks, tags]


def run_chain(doc):
    """Run every filter of CHAIN, in order, on `doc` in this process."""
    for module in CHAIN:
        doc = module.main(doc) or doc
    return doc
