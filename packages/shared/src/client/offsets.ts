import type { Entity } from "../api/entity";

/** UTF-16 (JavaScript string) indices of an entity, for `text.slice(jsStart, jsEnd)`. */
export interface JsIndices {
  /** UTF-16 index of the entity's first code unit (inclusive). */
  readonly jsStart: number;
  /** UTF-16 index just past the entity's last code unit (exclusive). */
  readonly jsEnd: number;
}

/** An entity as `SpacyApiClient` returns it: the API's code point offsets plus the JavaScript indices. */
export type ClientEntity = Entity & JsIndices;

// A well-formed surrogate pair is one code point to Python but two code units to JavaScript. A lone
// surrogate is one of each (JSON carries it as "\udXXX" and Python keeps it as one code point), so only
// pairs shift the offsets.
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * Build a converter from code point offsets (Python's `str` indices, spaCy's `start_char`/`end_char`) to
 * UTF-16 indices in `text`. Builds once per text, then answers each offset in O(log astral characters),
 * so a text with many entities is not rescanned per entity.
 */
export function codePointToUtf16(text: string): (codePointOffset: number) => number {
  // Code point index of every astral character, ascending.
  const astral: number[] = [];
  for (const match of text.matchAll(SURROGATE_PAIR)) {
    // match.index is in code units; the astral characters before it each took one extra unit.
    astral.push(match.index - astral.length);
  }
  const codePointLength = text.length - astral.length;
  return (offset: number) => {
    if (!Number.isInteger(offset) || offset < 0 || offset > codePointLength) {
      throw new RangeError(`code point offset ${offset} is outside the text (0..${codePointLength} code points)`);
    }
    // Number of astral characters strictly before `offset`: each adds one code unit.
    let lo = 0;
    let hi = astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (astral[mid] < offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return offset + lo;
  };
}

/**
 * JavaScript (UTF-16) indices of an entity the API found in `text`, so that
 * `text.slice(jsStart, jsEnd) === entity.text` even when astral characters (emoji) precede it.
 * Throws a RangeError when the offsets do not fit the text (the entity came from a different text).
 */
export function toJsIndices(text: string, entity: Pick<Entity, "start" | "end">): JsIndices {
  const convert = codePointToUtf16(text);
  return { jsStart: convert(entity.start), jsEnd: convert(entity.end) };
}

/** Add `jsStart`/`jsEnd` to every entity found in `text`, converting with one pass over the text. */
export function withJsIndices(text: string, entities: readonly Entity[]): ClientEntity[] {
  const convert = codePointToUtf16(text);
  return entities.map((entity) => ({ ...entity, jsStart: convert(entity.start), jsEnd: convert(entity.end) }));
}
