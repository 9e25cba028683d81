/**
 * Sizing memory for a spaCy model.
 *
 * The whole pipeline is loaded into memory on cold start, so `memorySize` must hold the Python runtime,
 * spaCy, and the model's vectors and weights with headroom for a request batch. When it does not, the
 * Lambda runtime is killed by the out-of-memory killer and the only trace in the logs is
 * {@link OOM_SIGNATURE} (the seed deployment hit exactly this) — there is no Python traceback.
 * CPU also scales with memory, so more memory shortens the cold start's `spacy.load`.
 *
 * Measured RSS per model is in `modules/spacy-function/runtime/README.md`; the rule of thumb is
 * {@link MODEL_MEMORY_GUIDE}.
 */
export const OOM_SIGNATURE = "Runtime exited with error: signal: killed";

/** Minimum memorySize (MB) that loads each size of spaCy's pretrained pipelines with room for a batch. */
export const MODEL_MEMORY_GUIDE = {
  sm: 1024,
  md: 2048,
  lg: 3008,
} as const;

/** The guide's minimum for a model package name like "en_core_web_lg", or undefined for other models. */
export function recommendedMemoryMb(modelName: string): number | undefined {
  const size = /_(sm|md|lg)$/.exec(modelName)?.[1] as keyof typeof MODEL_MEMORY_GUIDE | undefined;
  return size ? MODEL_MEMORY_GUIDE[size] : undefined;
}
