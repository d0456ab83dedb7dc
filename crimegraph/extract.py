"""Candidate facts from an article, for a person to review: mentions, new names, relations.

Fully offline and rule-based; nothing it proposes is a fact until a reviewer accepts it.

- **Sentences**: the article's text (``.txt``, ``.md``, or ``.html`` with its tags,
  scripts and styles dropped) is cut into sentences at ``.``, ``!``, ``?`` and line
  ends; each keeps its character offsets in that text.
- **Mentions**: every name and alias of every entity of the dataset, found as a run
  of whole words once case, accents and invisible characters are folded (the search
  engine's folding, :mod:`crimegraph.graph.textfold`); where two overlap, the longer
  wins ("Apurímac, Ene and Mantaro River Valley (VRAEM)" over "Apurímac"). A name of
  one word must be an acronym or at least :data:`MIN_SINGLE` letters long.
- **New names**: runs of capitalized words (joined by ``de``, ``del``, ``of`` …)
  that mention no known entity, and names given as an alias (``alias "Nino"``,
  ``known as …``, ``conocido como …``); each proposed with its possible duplicates
  (:func:`crimegraph.dedupe.name_match`), and a type left for the reviewer.
- **Relations**: two entities mentioned in one sentence, a cue phrase of a
  relation type in it (:data:`CUES`, Spanish and English), and ends of the kinds
  the type allows. The sentence is the quote, verbatim; a year (or a month and year)
  after ``since`` / ``desde`` or ``until`` / ``hasta`` in the sentence becomes a candidate
  ``since``/``until`` (so the quote supports it); the confidence is the source's
  reliability with credibility 3 ("possibly true") until corroborated.

Nothing is invented: the quote is the article's own sentence; the source is the
dataset's, or a stub with only what the command line gave.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Optional

from crimegraph.errors import UsageError

#: shortest one-word name matched (shorter ones only as acronyms: MPCP, TdA)
MIN_SINGLE = 4
#: the credibility grade of an extracted relation until a reviewer corroborates it
CREDIBILITY = 3

#: cue phrases (folded, matched as whole words) that suggest a relation type, in English and Spanish
CUES: dict[str, tuple[str, ...]] = {
    "faction_of": ("faction of", "splinter of", "splinter group of", "remnant of", "split from",
                   "faccion de", "facciones de", "remanente de", "escision de"),
    "leads": ("leader of", "leads", "led by", "head of", "heads", "boss of", "cabecilla de", "lider de",
              "jefe de", "liderado por", "liderada por"),
    "member_of": ("member of", "members of", "miembro de", "miembros de", "integrante de", "integrantes de"),
    "allied_with": ("allied with", "alliance with", "allies of", "alianza con", "aliado de", "aliados de",
                    "aliada de"),
    "rival_of": ("rival of", "rivals", "war with", "war against", "fight with", "clashes with",
                 "rival de", "guerra con", "disputa con", "enfrentamiento con"),
    "associated_with": ("ties to", "ties with", "linked to", "links to", "cooperates with", "works with",
                        "share territory with", "vinculos con", "vinculado a", "nexos con", "comparte territorio"),
    "supplies": ("supplies", "supplied", "supplier of", "provee", "abastece", "suministra"),
    "engages_in": ("profits from", "proceeds", "fueled", "fuelled", "funded by", "financed by",
                   "engages in", "involved in", "dedicated to", "runs", "controls", "se dedica", "dedicado a",
                   "dedicada a", "financiado por", "financiada por", "ganancias del", "ganancias de",
                   "involucrado en", "involucrada en"),
    "operates_in": ("operates in", "operate in", "operating in", "active in", "based in", "presence in",
                    "present in", "in", "opera en", "operan en", "presencia en", "en", "controls",
                    "controla", "dominates", "domina"),
    "hub_for": ("hub for", "hub of", "centre of", "center of", "crossroads for", "epicentro de",
                "centro de", "corredor de"),
}

_CONNECTORS = frozenset({"de", "del", "la", "las", "los", "of", "the", "y", "and", "el"})
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)")
_WORD = re.compile(r"\w+", re.UNICODE)
_MONTH_NUMBERS = {m: i % 12 + 1 for i, m in enumerate(
    "january february march april may june july august september october november december "
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split())}
_MONTH_NUMBERS["setiembre"] = 9
_YEAR_CUE = re.compile(r"\b(since|desde|from|until|hasta|till)\s+(?:(?:early|late|mid|finales de|"
                       r"principios de|inicios de)\s+)?(?:(?P<month>[a-zé]+)\s+(?:de\s+|of\s+)?)?"
                       r"(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)
_ALIAS = re.compile(r"(?:\balias|\bknown as|\bconocido como|\bconocida como|\bapodado|\bapodada)\s+"
                    r"[\"“'‘«]([^\"”'’»]{2,60})[\"”'’»]", re.IGNORECASE)


@dataclass
class Mention:
    entity: str
    name: str          # the entity's name or alias that matched
    text: str          # as written in the article
    start: int
    end: int


@dataclass
class Sentence:
    text: str
    start: int
    end: int
    mentions: list[Mention] = field(default_factory=list)


# ------------------------------------------------------------------ reading the article
class _Text(HTMLParser):
    """The text of an HTML page: tags dropped, block elements as line breaks, scripts and styles skipped."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
              "blockquote", "header", "footer", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def article_text(path: Path) -> str:
    """The text of an article file (``.txt``, ``.md``, ``.html``/``.htm``), UTF-8, one clear error otherwise."""
    from crimegraph.textfile import NotUTF8, decode_utf8

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".md", ".markdown", ".html", ".htm"):
        what = suffix or "a file without a suffix"
        raise UsageError(f"{path}: extract reads .txt, .md or .html articles, not {what}")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"article not found: {path}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({(exc.strerror or str(exc)).lower()})") from None
    try:
        text = decode_utf8(raw)
    except NotUTF8 as exc:
        raise UsageError(f"{path}:{exc.line}:{exc.col}: {exc.message}") from None
    if suffix in (".html", ".htm"):
        parser = _Text()
        parser.feed(text)
        parser.close()
        text = html.unescape("".join(parser.parts))
        text = re.sub(r"[ \t\r\f\v]+", " ", text)
        text = re.sub(r"\s*\n\s*", "\n", text).strip()
    if not text.strip():
        raise UsageError(f"{path}: the article has no text")
    return text


def sentences(text: str) -> list[Sentence]:
    """The sentences of a text, stripped, with their offsets.

    >>> [s.text for s in sentences("One here. Two there!\\nThree")]
    ['One here.', 'Two there!', 'Three']
    """
    out = []
    for m in _SENTENCE.finditer(text):
        chunk = m.group()
        stripped = chunk.strip()
        if not stripped:
            continue
        start = m.start() + (len(chunk) - len(chunk.lstrip()))
        out.append(Sentence(stripped, start, start + len(stripped)))
    return out


# ------------------------------------------------------------------ mentions
def _words(text: str, offset: int = 0) -> list[tuple[str, int, int]]:
    from crimegraph.graph.textfold import fold_word
    from crimegraph.schema.names import clean_name

    out = []
    for m in _WORD.finditer(text):
        w = clean_name(m.group()).casefold()
        out.append((fold_word(w), offset + m.start(), offset + m.end()))
    return out


class Matcher:
    """Every name and alias of a dataset's entities, as sequences of folded words."""

    def __init__(self, dataset):
        self.first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for e in dataset.entities.values():
            for name in e.names:
                ws = tuple(w for w, _, _ in _words(name))
                if not ws:
                    continue
                if len(ws) == 1 and len(ws[0]) < MIN_SINGLE and not (name.isupper() and len(name) >= 2):
                    continue
                self.first.setdefault(ws[0], []).append((ws, e.id, name))
        for v in self.first.values():
            v.sort(key=lambda x: -len(x[0]))

    def find(self, text: str, start: int = 0) -> list[Mention]:
        ws = _words(text, start)
        out: list[Mention] = []
        i = 0
        while i < len(ws):
            best = None
            for seq, ident, name in self.first.get(ws[i][0], ()):
                n = len(seq)
                if tuple(w for w, _, _ in ws[i:i + n]) == seq:
                    best = (n, ident, name)
                    break  # longest first
            if best is None:
                i += 1
                continue
            n, ident, name = best
            s, e = ws[i][1], ws[i + n - 1][2]
            # a closing parenthesis that the name has (…(VRAEM)) belongs to the mention
            if name.endswith(")") and text[e - start:e - start + 1] == ")":
                e += 1
            out.append(Mention(ident, name, text[s - start:e - start], s, e))
            i += n
        return out


# ------------------------------------------------------------------ candidates
def _cue(decl_name: str, folded_between: str, strong_only: bool = False) -> Optional[str]:
    """The first cue of a relation type in a folded text (a Spanish "de" also as "del")."""
    padded = f" {folded_between} "
    for cue in CUES.get(decl_name, ()):
        if strong_only and " " not in cue:
            continue
        forms = (cue, cue[:-3] + " del") if cue.endswith(" de") else (cue,)
        if any(f" {f} " in padded for f in forms):
            return cue
    return None


def _fold_text(text: str) -> str:
    return " ".join(w for w, _, _ in _words(text))


def extract(text: str, dataset, source: dict) -> dict:
    """The review data for one article: the source, candidate entities and candidate relations."""
    from crimegraph.schema.models import default_relation_id
    from crimegraph.schema.vocab import RELATION_TYPES

    matcher = Matcher(dataset)
    reliability = source.get("reliability") or "F"
    entities_out: list[dict] = []
    relations_out: dict[str, dict] = {}
    seen_names: dict[str, dict] = {}
    mentions_out: dict[str, dict] = {}
    for sent in sentences(text):
        sent.mentions = matcher.find(sent.text, sent.start)
        for m in sent.mentions:
            rec = mentions_out.setdefault(m.entity, {"entity": m.entity, "name": dataset.entities[m.entity].name,
                                                     "count": 0, "first": {"text": m.text,
                                                                           "offsets": [m.start, m.end]}})
            rec["count"] += 1
        for cand in _new_names(sent, dataset):
            key = cand["name"].casefold()
            if key not in seen_names:
                seen_names[key] = cand
                entities_out.append(cand)
        news = [Mention(c["id"], c["name"], c["name"], c["offsets"][0], c["offsets"][1])
                for c in (seen_names[x["name"].casefold()] for x in _new_names(sent, dataset))]
        ents: list[Mention] = []
        for m in sorted(sent.mentions + news, key=lambda m: m.start):
            if m.entity not in [x.entity for x in ents]:
                ents.append(m)
        whole = _fold_text(sent.text)
        for i, a in enumerate(ents):
            for b in ents[i + 1:]:
                between = _fold_text(text[a.end:b.start])
                for tname, decl in RELATION_TYPES.items():
                    if tname not in CUES:
                        continue
                    for sm, om in ((a, b), (b, a)):
                        subj, obj = dataset.entities.get(sm.entity), dataset.entities.get(om.entity)
                        if subj is None and obj is None:
                            continue  # two new names: nothing known to tie them to
                        if subj is None or obj is None:
                            # a new name: its type is the reviewer's; the sentence's order gives the direction
                            if sm is not a:
                                continue
                            known, end = (obj, "object") if subj is None else (subj, "subject")
                            if not decl.allows(end, known.type):
                                continue
                        elif not (decl.allows("subject", subj.type) and decl.allows("object", obj.type)):
                            continue
                        # one-word cues (in, en) must stand between the two names; longer ones anywhere
                        cue = _cue(tname, between) or _strong_cue(tname, whole)
                        if cue is None:
                            continue
                        rid = default_relation_id(tname, *(sorted((sm.entity, om.entity)) if decl.symmetric
                                                           else (sm.entity, om.entity)))
                        if rid in relations_out:
                            continue
                        rel = {"accept": False, "type": tname, "subject": sm.entity, "object": om.entity,
                               "confidence": f"{reliability}{CREDIBILITY}",
                               "citations": [{"source": source["id"], "quote": sent.text}],
                               "cue": cue, "offsets": [sent.start, sent.end],
                               "mentions": [f"{x.text} [{x.start}:{x.end}] = {x.entity}"
                                            + ("" if x.entity in dataset.entities else " (a new name)")
                                            for x in (sm, om)]}
                        for field_, when in _years(sent.text).items():
                            rel[field_] = when
                        existing = _existing(dataset, tname, sm.entity, om.entity, decl.symmetric)
                        if existing:
                            rel["existing"] = existing
                        relations_out[rid] = rel
                        break
    return {"article": "", "source": source, "mentions": list(mentions_out.values()),
            "entities": entities_out, "relations": list(relations_out.values())}


def _strong_cue(tname: str, folded_sentence: str) -> Optional[str]:
    """A cue of more than one word anywhere in the sentence (one-word cues only between the names)."""
    return _cue(tname, folded_sentence, strong_only=True)


def _years(text: str) -> dict[str, str]:
    """``since``/``until`` stated in the sentence after since/desde/from or until/hasta: a year,
    or a month and year (``desde marzo de 2019`` -> ``2019-03``).

    >>> _years("opera en Lima desde marzo de 2019 hasta 2021"), _years("since the May 2020 attack")
    ({'since': '2019-03', 'until': '2021'}, {})
    """
    out: dict[str, str] = {}
    for m in _YEAR_CUE.finditer(text):
        word = m.group(1).lower()
        key = "since" if word in ("since", "desde", "from") else "until"
        month = _MONTH_NUMBERS.get((m.group("month") or "").lower())
        if m.group("month") and month is None and m.group("month").lower() not in ("early", "late", "mid"):
            continue  # "since the 2020 …": a word that is no month stands between
        out.setdefault(key, f"{m.group('year')}-{month:02d}" if month else m.group("year"))
    if "since" in out and "until" in out and out["until"] < out["since"]:
        out.pop("until")
    return out


def _existing(dataset, tname: str, subject: str, obj: str, symmetric: bool) -> Optional[str]:
    for r in dataset.relations.values():
        if r.type == tname and ((r.subject, r.object) == (subject, obj)
                                or (symmetric and (r.subject, r.object) == (obj, subject))):
            return r.id
    return None


def _new_names(sent: Sentence, dataset) -> list[dict]:
    """Capitalized spans and quoted aliases in a sentence that mention no known entity."""
    from crimegraph.dedupe import name_match

    covered = [(m.start - sent.start, m.end - sent.start) for m in sent.mentions]
    text = sent.text
    spans: list[tuple[int, int, str]] = []
    for m in _ALIAS.finditer(text):
        spans.append((m.start(1), m.end(1), "alias"))
    tokens = list(re.finditer(r"\w[\w-]*", text))
    if _heading(text, tokens):  # a headline or a menu line: every word is capitalized
        tokens = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if not t.group()[0].isupper():
            i += 1
            continue
        j = i
        while j + 1 < len(tokens):
            nxt = tokens[j + 1]
            gap = text[tokens[j].end():nxt.start()]
            if gap not in (" ",):
                break
            if nxt.group()[0].isupper():
                j += 1
            elif nxt.group().lower() in _CONNECTORS and j + 2 < len(tokens) and tokens[j + 2].group()[0].isupper() \
                    and text[nxt.end():tokens[j + 2].start()] == " ":
                j += 2
            else:
                break
        first = i
        if first == 0 and tokens[0].group().lower() in _OPENERS and j > 0:
            first = 1  # "As the CITES …": the sentence's first word is capitalized for the sentence
            while first <= j and tokens[first].group().lower() in _CONNECTORS:
                first += 1
        if first <= j:
            s, e = tokens[first].start(), tokens[j].end()
            run = [x.group() for x in tokens[first:j + 1]]
            before = tokens[first - 1].group().lower() if first > 0 else ""
            if len(run) >= 2 and not all(w.isupper() for w in run):
                spans.append((s, e, "capitalized"))
            elif (len(run) == 1 and before in _BEFORE_NAME and len(run[0]) >= MIN_SINGLE
                  and _fold_text(run[0]) not in _MONTHS):
                spans.append((s, e, "capitalized"))
        i = j + 1
    out = []
    for s, e, how in spans:
        name = text[s:e].strip(" ’'")
        if any(not (e <= cs or s >= ce) for cs, ce in covered):
            continue
        words_ = name.split()
        if how == "capitalized" and all(w.lower() in _CONNECTORS for w in words_[1:]) and len(words_) > 1:
            continue
        dups = []
        for ent in dataset.entities.values():
            score, mine, theirs = name_match([name], ent.names)
            if score >= 85:
                dups.append(f"{ent.id} ({theirs}, similarity {score:.0f})")
        out.append({"accept": False, "id": _slug(name), "type": None, "name": name,
                    "found_as": how, "quote": text, "offsets": [sent.start + s, sent.start + e],
                    "possible_duplicates": dups[:5]})
    return out


#: words that start a sentence, capitalized only for that
_OPENERS = frozenset("""as the a an in on at while today although though but this that these those since
when where after before for from en un una mientras aunque desde segun""".split())
#: words after which one capitalized word is likely a place or a group: "opera en Trujillo"
_BEFORE_NAME = frozenset("in en at near from to desde hacia cerca".split())
_MONTHS = frozenset("""january february march april may june july august september october november december
enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre
monday tuesday wednesday thursday friday saturday sunday lunes martes miercoles jueves viernes sabado
domingo""".split())


def _heading(text: str, tokens) -> bool:
    """A line of a page's furniture or a headline: no final stop, or nearly every word capitalized."""
    words = [t.group() for t in tokens if len(t.group()) >= 4]
    if not words:
        return True
    caps = sum(w[0].isupper() for w in words)
    if caps >= 0.6 * len(words):
        return True
    return not text.rstrip("\"'”’)").endswith((".", "!", "?")) and len(tokens) <= 8


def _slug(name: str) -> str:
    from crimegraph.graph.text import normalize

    return "-".join(normalize(name).split())[:80] or "entity"


# ------------------------------------------------------------------ the review file
REVIEW_HEAD = """\
# Candidate facts extracted by crimegraph extract from {article}, for review.
# Nothing here is in the dataset yet. To keep a candidate, set `accept: true`;
# a new entity also needs its `type`, one of:
#   {types}
# and may get a better `id`.
# Quotes are the article's own sentences: shorten one only to a part of it, never reword it.
# Dates (since/until) are only proposed where the sentence states the year.
# Then: crimegraph extract --accept THIS-FILE --seeds SEED-FOLDER
"""

#: keys of a candidate that only the review needs
_REVIEW_KEYS = {"accept", "found_as", "offsets", "possible_duplicates", "cue", "mentions", "existing", "quote"}


def review_text(result: dict, article: str) -> str:
    """The review file: the candidates as YAML, with a header saying what to do."""
    import yaml

    from crimegraph.schema.vocab import ENTITY_TYPES

    body = {"review": {"article": article, "source": result["source"], "source_is_new": result["source_is_new"]},
            "mentions": result["mentions"], "entities": result["entities"], "relations": result["relations"]}
    import textwrap

    types = "\n#   ".join(textwrap.wrap(", ".join(sorted(ENTITY_TYPES)), 84))
    head = REVIEW_HEAD.format(article=article, types=types)
    return head + yaml.dump(body, Dumper=_ReviewDumper, allow_unicode=True, sort_keys=False, width=100)


class _ReviewDumper(getattr(__import__("yaml"), "SafeDumper")):
    """Safe YAML, with character offsets ``[start, end]`` on one line."""


def _offsets(dumper, data):
    flow = len(data) == 2 and all(type(x) is int for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow or None)


_ReviewDumper.add_representer(list, _offsets)


@dataclass
class Accepted:
    """What accepting a review file adds: a seed file of new records, and citations for existing relations."""

    seed: dict
    citations: dict[str, list[dict]]  # existing relation id -> citations to add
    counts: dict
    source: str = ""                  # the id of the article's source


def read_review(path: Path, dataset) -> Accepted:
    """The accepted candidates of a review file, checked; every problem at its line, all at once."""
    import yaml

    from crimegraph.errors import DatasetInvalid, Issue
    from crimegraph.schema.loader import NodeLocator
    from crimegraph.schema.vocab import ENTITY_TYPES
    from crimegraph.textfile import NotUTF8, decode_utf8

    try:
        text = decode_utf8(Path(path).read_bytes())
    except FileNotFoundError:
        raise UsageError(f"review file not found: {path}") from None
    except NotUTF8 as exc:
        raise UsageError(f"{path}:{exc.line}:{exc.col}: {exc.message}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise UsageError(f"{where}: not readable YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict) or not isinstance(data.get("review"), dict):
        raise UsageError(f"{path}: not a review file of crimegraph extract (no 'review:' header)")
    loc = NodeLocator(text)
    issues: list = []

    def problem(where: list, message: str) -> None:
        line, col = loc.locate(where)
        issues.append(Issue(str(path), line, col, message))

    review = data["review"]
    source = review.get("source") or {}
    sid = source.get("id")
    seed: dict = {"sources": [], "entities": [], "relations": []}
    if review.get("source_is_new"):
        seed["sources"].append({k: v for k, v in source.items() if v not in (None, "")})
    elif sid not in dataset.sources:
        problem(["review", "source"], f"source {sid!r} is not in the dataset")
    citations: dict[str, list[dict]] = {}
    counts = {"entities": 0, "relations": 0, "citations": 0}
    for i, e in enumerate(data.get("entities") or []):
        if not isinstance(e, dict) or e.get("accept") is not True:
            continue
        if not e.get("type"):
            problem(["entities", i, "type"], f"entity candidate {e.get('name')!r}: accepted, but its type is "
                                             f"not set (one of {', '.join(sorted(ENTITY_TYPES))})")
            continue
        if e.get("id") in dataset.entities:
            problem(["entities", i, "id"], f"entity candidate {e.get('name')!r}: id {e.get('id')!r} is already an "
                                           "entity of the dataset; give it another id, or do not accept it")
            continue
        record = {k: v for k, v in e.items() if k not in _REVIEW_KEYS}
        record["citations"] = [{"source": sid, "quote": e.get("quote")}] if e.get("quote") else [{"source": sid}]
        seed["entities"].append(record)
        counts["entities"] += 1
    for i, r in enumerate(data.get("relations") or []):
        if not isinstance(r, dict) or r.get("accept") is not True:
            continue
        record = {k: v for k, v in r.items() if k not in _REVIEW_KEYS}
        existing = r.get("existing")
        if existing:
            if existing not in dataset.relations:
                problem(["relations", i, "existing"], f"relation candidate: {existing!r} is not a relation of the "
                                                      "dataset (any more); remove 'existing' to add it as new")
                continue
            have = {(c.source, c.quote) for c in dataset.relations[existing].citations}
            new = [c for c in record.get("citations") or [] if (c.get("source"), c.get("quote")) not in have]
            if new:
                citations.setdefault(existing, []).extend(new)
                counts["citations"] += len(new)
            continue
        seed["relations"].append(record)
        counts["relations"] += 1
    if issues:
        raise DatasetInvalid(issues)
    return Accepted(seed, citations, counts, str(sid))


def add_citations(text: str, node_path: list, additions: list[dict]) -> Optional[str]:
    """``text`` with citations added at the end of the block list at ``node_path`` (None if it is not one)."""
    import json

    import yaml

    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    node = root
    for step in node_path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            node = None
        if node is None:
            return None
    if not isinstance(node, yaml.SequenceNode) or node.flow_style or not node.value:
        return None
    first, last = node.value[0], node.value[-1]
    dash = first.start_mark.column - 2
    if dash < 0 or text[first.start_mark.index - 2:first.start_mark.index] != "- ":
        return None
    while not isinstance(last, yaml.ScalarNode):  # the end of its last scalar: where the item's text ends
        if isinstance(last, yaml.MappingNode) and last.value:
            last = last.value[-1][1]
        elif isinstance(last, yaml.SequenceNode) and last.value:
            last = last.value[-1]
        else:
            return None
    end = text.find("\n", last.end_mark.index - 1)
    end = len(text) if end < 0 else end + 1
    lines = []
    for c in additions:
        keys = [k for k in ("source", "quote", "page") if c.get(k) is not None]
        for j, k in enumerate(keys):
            lead = " " * dash + ("- " if j == 0 else "  ")
            lines.append(f"{lead}{k}: {json.dumps(str(c[k]), ensure_ascii=False)}\n")
    prefix = text[:end] if text[:end].endswith("\n") else text[:end] + "\n"
    return prefix + "".join(lines) + text[end:]
