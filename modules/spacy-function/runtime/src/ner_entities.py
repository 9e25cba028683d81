"""Running the loaded pipeline for entities, with the parse deferred where ner_plan proved it exact.

Deferred parse, per minibatch:
1. the ner runs alone. A text whose entities are all one token long chose no move that a sentence
   start forbids (only Begin and In, the moves that extend an entity to the next token, consult it),
   so its entities are final;
2. the other texts get their sentence starts (tok2vec + parser, which read neither entities nor
   anything the ner wrote). If no entity has a sentence start inside it, the ner chose only moves
   that are valid with the sentence starts too, and greedy decoding picks the same best valid move
   at every step: the entities are final;
3. otherwise (0.4 % of the paragraphs of the parity corpus) the ner runs again with the sentence starts,
   exactly as the full pipeline runs it.
On real text most paragraphs stop after step 1 (docs/benchmarks.md), which makes the exact answer
cheaper than the full pipeline's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ner_plan import EntityPlan
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch


@dataclass
class DeferredCounts:
    """Texts of a request that needed the parse (step 2) and the ner again (step 3), for the log line."""

    parsed: int = 0
    rerun: int = 0


class EntityRunner:
    def __init__(self, nlp: Language, plan: EntityPlan) -> None:
        self._nlp = nlp
        self._skipped = list(plan.skipped)
        # spaCy types get_pipe as a plain callable; the ner, tok2vec and parser are TrainablePipes (.pipe).
        self._recognizer: Any = nlp.get_pipe(plan.recognizer) if plan.recognizer else None
        self._parse: list[Any] = [nlp.get_pipe(name) for name in plan.deferred_parse]

    def pipe(
        self, docs: Iterable[Doc], batch_size: int, counts: DeferredCounts | None = None
    ) -> Iterator[Doc]:
        """The docs, annotated as spaCy's full pipeline annotates their entities, in order."""
        counts = counts if counts is not None else DeferredCounts()
        if self._recognizer is None:
            yield from self._nlp.pipe(docs, batch_size=batch_size, disable=self._skipped)
            return
        recognize: Callable[[Doc], Doc] = self._recognizer
        for batch in minibatch(docs, size=batch_size):
            batch = list(self._recognizer.pipe(batch, batch_size=len(batch)))
            unsure: list[Doc] = [doc for doc in batch if any(len(ent) > 1 for ent in doc.ents)]
            counts.parsed += len(unsure)
            for component in self._parse:
                unsure = list(component.pipe(unsure, batch_size=max(1, len(unsure))))
            for doc in unsure:
                if _sentence_start_inside_entity(doc):
                    counts.rerun += 1
                    doc.set_ents([], default="missing")
                    recognize(doc)
            yield from batch


def _sentence_start_inside_entity(doc: Doc) -> bool:
    return any(doc[i].is_sent_start for ent in doc.ents for i in range(ent.start + 1, ent.end))
