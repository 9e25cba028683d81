import type { Entity } from "./entity";

/**
 * Fields `POST /analyze` can return; a pipeline offers those its loaded components assign (others answer 400
 * `unsupported_field`).
 */
export const ANALYSIS_FIELDS = ["entities", "spans", "cats", "sents", "tokens"] as const;

/** One of {@link ANALYSIS_FIELDS}. */
export type AnalysisField = (typeof ANALYSIS_FIELDS)[number];

/** A span of `doc.ents` or `doc.spans`, with the knowledge-base and pattern ids where the pipeline set them. */
export interface AnalysisSpan extends Entity {
  /** `span.kb_id_`, present when an entity linker (or a ruler pattern) set it. */
  readonly kb_id?: string;
  /** `span.id_`, present when a ruler pattern with an `id` matched. */
  readonly id?: string;
}

/** A sentence of `doc.sents`, offsets in code points. */
export interface AnalysisSentence {
  /** The sentence's text. */
  readonly text: string;
  /** Code point offset of its first character (inclusive). */
  readonly start: number;
  /** Code point offset just past its last character (exclusive). */
  readonly end: number;
}

/** A token; the attributes beyond text and offsets appear only when a loaded component assigns them. */
export interface AnalysisToken extends AnalysisSentence {
  /** `token.tag_` (tagger). */
  readonly tag?: string;
  /** `token.pos_` (morphologizer, attribute_ruler). */
  readonly pos?: string;
  /** `str(token.morph)` (morphologizer, attribute_ruler). */
  readonly morph?: string;
  /** `token.lemma_` (lemmatizer). */
  readonly lemma?: string;
  /** `token.dep_` (parser). */
  readonly dep?: string;
  /** `token.head.i`, the index of the head token (parser). */
  readonly head?: number;
}

/** Body of `POST /analyze`: one text or a batch, and the fields wanted (default: every field the pipeline offers). */
export type AnalysisRequest = ({ readonly text: string } | { readonly texts: readonly string[] }) & {
  readonly include?: readonly AnalysisField[];
};

/** What the pipeline produces for one text: the requested fields only, each as spaCy's Doc has it. */
export interface Analysis {
  /** `doc.ents`. */
  readonly entities?: AnalysisSpan[];
  /** `doc.spans`, by span group key. */
  readonly spans?: Record<string, AnalysisSpan[]>;
  /** `doc.cats`: score per label. */
  readonly cats?: Record<string, number>;
  /** `doc.sents`. */
  readonly sents?: AnalysisSentence[];
  /** The tokens, in order. */
  readonly tokens?: AnalysisToken[];
}
