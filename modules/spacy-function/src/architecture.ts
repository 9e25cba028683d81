/**
 * Instruction sets a Lambda function (and the compiled wheels in its layer) can target. The function and
 * the spaCy layer must agree: an x86_64 layer on an arm64 function fails at import time, not at deploy time.
 */
export const ARCHITECTURES = ["x86_64", "arm64"] as const;

export type Architecture = (typeof ARCHITECTURES)[number];

/** The Python runtime the spaCy layer is built for (`pnpm build:layer` targets exactly this one). */
export const LAYER_RUNTIME = "python3.12";
