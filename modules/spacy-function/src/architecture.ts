import type { LambdaArchitecture } from "@serverless-spacy/shared/internal";

/**
 * Instruction set a Lambda function (and the compiled wheels in its layer) targets. The function and the spaCy
 * layer must agree: an x86_64 layer on an arm64 function fails at import time, not at deploy time.
 */
export enum Architecture {
  /** 64-bit x86 (Lambda's default). */
  X86_64 = "x86_64",
  /** 64-bit ARM (Graviton). */
  ARM64 = "arm64",
}

/** Every {@link Architecture}, in the order messages list them. */
export const ARCHITECTURES: readonly Architecture[] = Object.values(Architecture);

// The enum is the public face of shared's LAMBDA_ARCHITECTURES (which the config schema and the layer build read):
// compiling fails when one of them gains or loses a value the other lacks.
type SameValues<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type ArchitecturesMatchShared = Assert<SameValues<`${Architecture}`, LambdaArchitecture>>;

export { LAYER_RUNTIME } from "@serverless-spacy/shared/internal";
