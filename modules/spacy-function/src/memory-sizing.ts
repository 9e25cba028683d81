/**
 * Sizing memory (and init time) for a spaCy model.
 *
 * The pipeline is loaded on cold start, so `memorySize` must hold the Python runtime, spaCy, and the model's
 * vectors and weights with headroom for a request batch. When it does not, the Lambda runtime is killed by
 * the out-of-memory killer and the only trace in the logs is {@link OOM_SIGNATURE} (the seed deployment hit
 * exactly this) — there is no Python traceback. CPU scales with memory too, so memory also sets how long
 * init takes.
 *
 * Every number here is measured (docs/benchmarks.md, modules/spacy-function/README.md "Memory sizing"). md's
 * peak RSS was measured on spaCy's own md data directory, its init on an md-shaped model through the shipped zips.
 */
export const OOM_SIGNATURE = "Runtime exited with error: signal: killed";

/** How the handler reads a model's static vectors (MODEL_VECTORS). */
export enum VectorsMode {
  /** Copy the vectors table into memory during init. */
  EAGER = "eager",
  /** Map the vectors file read-only and page rows in as requests use them (the handler's default). */
  MMAP = "mmap",
}

/** Every {@link VectorsMode}, in the order messages list them. */
export const VECTORS_MODES: readonly VectorsMode[] = Object.values(VectorsMode);

/** Lambda gives a function one full vCPU at this memory size and a proportional share below it. */
export const FULL_VCPU_MEMORY_MB = 1769;

/** Longest an on-demand init may take; past it Lambda re-runs init inside the first invocation. */
export const ON_DEMAND_INIT_LIMIT_SECONDS = 10;

/** Headroom over the measured peak RSS that MODEL_MEMORY_GUIDE keeps (request batches, allocator slack). */
export const MEMORY_HEADROOM = 1.3;

/**
 * Measured peak RSS (MiB) of the handler process after init and a soak, CPython 3.12 with the shipped layer. sm:
 * `pnpm bench` (after init, the exact default: tok2vec + parser + ner); md and lg were measured with ner alone (their
 * vectors dominate; tok2vec + parser add about 7 MiB to sm); md: spaCy's md data directory (runtime/README.md);
 * lg: the lg-shaped benchmark model (514,157 x 300 vectors, lg's components), `bench_lg.py`, peak after a
 * 2000-request soak, per vectors mode (mapped pages of the table are file-backed and reclaimable).
 */
export const MODEL_PEAK_RSS_MIB = {
  sm: 140,
  md: 350,
  lg: { eager: 853, mmap: 265 },
} as const;

/**
 * Measured init CPU seconds (interpreter start, imports with bytecode, `spacy.load`, default exclusions, cold
 * page cache) on one core of the benchmark machine, which stands in for Lambda's one vCPU at 1769 MB.
 * sm: `pnpm bench:cold`; md and lg: `bench_lg.py` per vectors mode, md on the same fixture with md's 20,000 x 300
 * vectors table (`--rows 20000`).
 */
export const MODEL_INIT_SECONDS = {
  sm: 0.9,
  md: { eager: 0.76, mmap: 0.77 },
  lg: { eager: 3.17, mmap: 1.32 },
} as const;

/** Rounded up to Lambda's 64 MB-friendly steps: the smallest memorySize that holds peak × headroom. */
function withHeadroom(peakMib: number): number {
  return Math.ceil((peakMib * MEMORY_HEADROOM) / 64) * 64;
}

/**
 * Minimum memorySize (MB) per size of spaCy's pretrained pipelines: measured peak RSS × {@link MEMORY_HEADROOM},
 * rounded up to a multiple of 64, and never below 1024 (below it Lambda's CPU share makes init slow; see
 * {@link expectedInitSeconds}). `cdktf synth` warns below it. lg is sized for eager vectors, the larger.
 */
export const MODEL_MEMORY_GUIDE = {
  sm: Math.max(1024, withHeadroom(MODEL_PEAK_RSS_MIB.sm)),
  md: Math.max(1024, withHeadroom(MODEL_PEAK_RSS_MIB.md)),
  lg: Math.max(1024, withHeadroom(MODEL_PEAK_RSS_MIB.lg.eager)),
} as const;

function modelSize(modelName: string): "sm" | "md" | "lg" | undefined {
  return /_(sm|md|lg)$/.exec(modelName)?.[1] as "sm" | "md" | "lg" | undefined;
}

/** The guide's minimum for a model package name like "en_core_web_lg", or undefined for other models. */
export function recommendedMemoryMb(modelName: string): number | undefined {
  const size = modelSize(modelName);
  return size ? MODEL_MEMORY_GUIDE[size] : undefined;
}

/**
 * Expected init of a `*_sm`/`*_md`/`*_lg` model: its measured init CPU seconds on one vCPU, scaled by the CPU share
 * Lambda gives `memorySize` (× 1769 / memorySize below 1769 MB; more memory adds vCPUs that a single-threaded
 * load does not use). Reading the model from EFS comes on top. undefined for models without a measurement.
 */
export function expectedInitSeconds(
  modelName: string,
  memorySize: number,
  vectors: VectorsMode = VectorsMode.EAGER,
): { seconds: number; derivation: string } | undefined {
  const size = modelSize(modelName);
  if (size === undefined) {
    return undefined;
  }
  const base = size === "sm" ? MODEL_INIT_SECONDS.sm : MODEL_INIT_SECONDS[size][vectors];
  const share = Math.min(1, memorySize / FULL_VCPU_MEMORY_MB);
  const label = size === "sm" ? "en_core_web_sm" : `an ${size}-shaped model with ${vectors} vectors`;
  return {
    seconds: base / share,
    derivation:
      `${base} s of init CPU measured for ${label} on one vCPU (docs/benchmarks.md)` +
      (share < 1 ? `, × ${FULL_VCPU_MEMORY_MB} / ${memorySize} for the CPU share of ${memorySize} MB` : "") +
      ", plus reading the model from EFS",
  };
}
