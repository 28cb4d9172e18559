"""How guests' names sort: by surname, as a clerk's list of councillors and board members
does, whatever title or letters after the name they were typed with."""

import re
import unicodedata

# Words before a name that are not part of it (compared without a final full stop).
TITLES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord",
        "lady", "rev", "revd", "reverend", "councillor", "cllr", "bailie", "provost",
        "baroness", "baron", "hon", "honourable", "rt",
    }
)  # fmt: skip
# Letters after a name (honours, offices, qualifications) that are not a surname.
POSTNOMINALS = frozenset(
    {
        "obe", "mbe", "cbe", "kbe", "dbe", "bem", "msp", "mp", "mep", "msyp", "jp", "dl",
        "kc", "qc", "phd", "md", "frcp", "frcpsych", "frcgp", "frse", "jr", "jnr", "sr", "snr",
    }
)  # fmt: skip


def _plain(word: str) -> str:
    """Lower case without accents, so "Ó Briain" sorts with the Os."""
    folded = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def name_sort_key(name: str) -> str:
    """The key a name sorts by: surname first, then the given names, titles and letters
    after the name left out ("Councillor Jean Haldane" -> "haldane jean";
    "Dr Owen Maxwell OBE" -> "maxwell owen"). A name of one word sorts by that word; one
    written surname first, with a comma ("Haldane, Jean"), keeps its order."""
    head, _, tail = name.partition(",")
    tail_words = [_plain(w).rstrip(".") for w in re.split(r"[\s,]+", tail) if w]
    if tail_words and not all(w in POSTNOMINALS for w in tail_words):
        return _plain(" ".join(f"{head} {tail}".split()))[:200]
    words = head.split()
    key = [_plain(w) for w in words]
    bare = [k.rstrip(".") for k in key]
    start, end = 0, len(key)
    while end - start > 1 and bare[end - 1] in POSTNOMINALS:
        end -= 1
    while end - start > 1 and bare[start] in TITLES:
        start += 1
    if end == start:
        return ""
    return " ".join([key[end - 1], *key[start : end - 1]])[:200]
