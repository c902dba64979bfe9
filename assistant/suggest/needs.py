"""The needs vocabulary (corpus/needs.yaml) and what each catalog entry says it serves.

Matching is on the vocabulary's own phrases only: a generic word (设备, 车间, 系统) is never a need. The
catalog's applicability fields (`needs`, `accompanies`, `companions`, `scope`, lifecycle `status`) are read
from the entry when the catalog model carries them, else from the raw catalog file, so the data can land
before the model does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.standards import Standard
from assistant.textnorm import width_fold
from assistant.yamlio import load_yaml

NEEDS_FILE = "needs.yaml"
CATALOG_FILE = Path("standards") / "catalog.yaml"
RETIRED = {"replaced", "abolished"}  # editions never proposed
_ASCII = re.compile(r"^[A-Za-z0-9 .+\-/]+$")


@dataclass(frozen=True)
class Need:
    id: str
    name: str
    phrases: tuple[str, ...]
    directions: tuple[str, ...]
    takes_object: bool = False  # an activity on a thing (车间级数字化改造规划): the thing it plans is a need too
    indicators: tuple[str, ...] = ()  # the measures a plan for this need reports (drafts name them)
    # A mode of business (定制化服务, 产品运维服务, 业务并行协同: plan 二、3): a scenario that commits to it is built
    # around it, and the factory needs it names (排产, 批记录) are its means.
    mode: bool = False
    # Other needs' phrases that, in a sentence naming this need, are its own steps (排产 in 下单后直接排产发货).
    absorbs: tuple[str, ...] = ()
    # Needs this one is a way of doing (machine vision is a way of inspecting): where both are named, this need's
    # entries serve the broader one too (机器视觉在线检测), and the way is not read as a mere qualifier of it.
    means_of: tuple[str, ...] = ()
    # A need the scenario commits to by naming its parts (MES with equipment networking or batch traceability on
    # the plant floor is a digital workshop, even unnamed): `needs`, at least `at_least` of them, always `with`.
    composed_of: tuple[str, ...] = ()
    composed_at_least: int = 0
    composed_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    needs: dict[str, Need]
    generic: frozenset[str]
    patterns: tuple[tuple[re.Pattern, str], ...]  # (phrase pattern, need id), longest phrase first, then pairs


@dataclass(frozen=True)
class PhraseHit:
    need_id: str
    phrase: str  # verbatim from the text
    start: int
    end: int


_CJK4 = re.compile(r"^[\u4e00-\u9fff]{4}$")


def _pattern(phrase: str) -> re.Pattern:
    """Latin phrases match as whole words in any case (AI not inside email); Chinese ones as substrings, a
    four-character one also with one or two characters written between its halves (数据实时采集, 能源集中管理)."""
    body = re.escape(phrase.lower()).replace(r"\ ", r"[\s\-]*")
    if _ASCII.match(phrase):
        return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")
    if _CJK4.match(phrase):
        # …but not a degree word (数据更加贯通 in a slogan says how much, not what is built)
        return re.compile(rf"{phrase[:2]}(?:(?!更|越)[\u4e00-\u9fff]{{1,2}})?{phrase[2:]}")
    return re.compile(body)


@lru_cache(maxsize=4)
def load_vocabulary(corpus_root: Path) -> Vocabulary:
    data = load_yaml((Path(corpus_root) / NEEDS_FILE).read_text(encoding="utf-8")) or {}
    generic = frozenset(str(w) for w in data.get("generic_words") or [])
    needs = {str(n["id"]): _need(n) for n in data.get("needs") or []}
    phrases = [(p, n.id) for n in needs.values() for p in n.phrases if p not in generic]
    phrases.sort(key=lambda pn: -len(pn[0]))
    pairs = [(_pair_pattern(pair), str(n["id"])) for n in data.get("needs") or [] for pair in n.get("pairs") or []]
    return Vocabulary(needs, generic, tuple((_pattern(p), nid) for p, nid in phrases) + tuple(pairs))


def _need(n: dict) -> Need:
    composed = n.get("composed_of") or {}
    return Need(str(n["id"]), str(n["name"]), tuple(str(p) for p in n.get("phrases") or []),
                tuple(str(d) for d in n.get("directions") or []), bool(n.get("takes_object")),
                tuple(str(i) for i in n.get("indicators") or []), bool(n.get("mode")),
                tuple(str(a).lower() for a in n.get("absorbs") or []), tuple(str(m) for m in n.get("means_of") or []),
                tuple(str(x) for x in composed.get("needs") or []), int(composed.get("at_least") or 0),
                tuple(str(x) for x in composed.get("with") or []))


def _pair_pattern(pair: dict) -> re.Pattern:
    """A thing and what is done to it, a few characters apart in one clause, in either order (电耗分级计量,
    降低天然气消耗, 采集运行状态): everyday wording no phrase list can hold. Read after the phrases, so a listed
    phrase keeps its span."""
    things = "|".join(re.escape(str(w).lower()) for w in sorted(pair["objects"], key=len, reverse=True))
    acts = "|".join(re.escape(str(w).lower()) for w in sorted(pair["actions"], key=len, reverse=True))
    gap = rf"[\u4e00-\u9fff、\d]{{0,{int(pair.get('gap', 4))}}}?"  # 12台加工中心和3条造型线联网: counts inside
    # (`not_after`: words that make the thing another need's, 配方参数下发 being a recipe's)
    fresh = "".join(f"(?<!{re.escape(str(w).lower())})" for w in pair.get("not_after") or [])
    # …but an action that is the next item of a list (试验机、在线监测) is not done to the thing before it
    return re.compile(rf"{fresh}(?:{things}){gap}(?<!、)(?:{acts})|(?:{acts})(?!、){gap}(?:{things})")


def folded(text: str) -> str:
    """Width-folded, lower-cased text of the same length, so spans map back onto the original."""
    out = width_fold(text).lower()
    return out if len(out) == len(text) else text.lower()


def find_phrases(vocab: Vocabulary, text: str) -> list[PhraseHit]:
    """Every needs phrase in `text`, longest first where phrases overlap, in text order."""
    low = folded(text)
    taken: list[tuple[int, int]] = []
    hits: list[PhraseHit] = []
    for pattern, need_id in vocab.patterns:
        for m in pattern.finditer(low):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append(PhraseHit(need_id, text[m.start():m.end()], m.start(), m.end()))
    return sorted(hits, key=lambda h: h.start)


def needs_of_terms(vocab: Vocabulary, terms: list[str]) -> list[str]:
    """Need ids whose phrases equal or sit inside glossary terms (能耗管理 → energy_management)."""
    out: list[str] = []
    for term in terms:
        for pattern, need_id in vocab.patterns:
            if pattern.search(term.lower()) and need_id not in out:
                out.append(need_id)
                break
    return out


# ---- what catalog entries serve --------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicability:
    needs: tuple[str, ...] = ()
    accompanies: tuple[str, ...] = ()
    companions: tuple[str, ...] = ()
    scope: str = ""
    status: str = "published"
    replaced_by: str | None = None


@lru_cache(maxsize=4)
def _raw_applicability(corpus_root: Path) -> dict[str, Applicability]:
    path = Path(corpus_root) / CATALOG_FILE
    data = load_yaml(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {str(item["number"]): _from_mapping(item) for item in (data or {}).get("standards") or []}


def _from_mapping(item: dict) -> Applicability:
    def items(name: str) -> tuple[str, ...]:
        return tuple(str(x) for x in item.get(name) or [])

    return Applicability(items("needs"), items("accompanies"), items("companions"), str(item.get("scope") or ""),
                         str(item.get("status") or "published"), item.get("replaced_by"))


def applicability(corpus_root: Path, std: Standard) -> Applicability:
    """The entry's own applicability fields where the model has them, else the raw catalog file's."""
    raw = _raw_applicability(Path(corpus_root)).get(std.number, Applicability(status=std.status,
                                                                               replaced_by=std.replaced_by))
    own = {name: getattr(std, name, None) for name in ("needs", "accompanies", "companions", "scope")}
    status = std.status if std.status in RETIRED or raw.status not in RETIRED else raw.status
    return Applicability(tuple(own["needs"] or raw.needs), tuple(own["accompanies"] or raw.accompanies),
                         tuple(own["companions"] or raw.companions), str(own["scope"] or raw.scope),
                         status, std.replaced_by or raw.replaced_by)
