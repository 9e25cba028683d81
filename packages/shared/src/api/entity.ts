/**
 * One named entity, as the API returns it: the seed's response item
 * (`{"text": "Google", "label": "ORG", "start": 12, "end": 18}` for "He works at Google.").
 *
 * `start` and `end` are spaCy's `ent.start_char` / `ent.end_char`: offsets in Unicode CODE POINTS, as Python
 * counts `str` indices. JavaScript strings are indexed in UTF-16 code units, so after an astral character
 * (an emoji, many CJK extension ideographs) `text.slice(start, end)` is off by one per such character.
 * Use `toJsIndices` (or the `jsStart`/`jsEnd` that `SpacyApiClient` adds) to slice in JavaScript.
 */
export interface Entity {
  /** The entity's surface text, `ent.text`. */
  readonly text: string;
  /** The entity label, `ent.label_`, e.g. "ORG", "PERSON", "GPE". */
  readonly label: string;
  /** Code point offset of the entity's first character in the request text (inclusive). */
  readonly start: number;
  /** Code point offset just past the entity's last character in the request text (exclusive). */
  readonly end: number;
}

/**
 * Body of `POST /entities`: one text (answered with `EntitiesResponse`) or a batch (answered with
 * `BatchEntitiesResponse`).
 */
export type EntitiesRequest = { readonly text: string } | { readonly texts: readonly string[] };

/** Answer to `{ text }`: the entities of that text, in document order. */
export type EntitiesResponse = Entity[];

/** Answer to `{ texts }`: one entity list per text, index-aligned with the request. */
export type BatchEntitiesResponse = Entity[][];
