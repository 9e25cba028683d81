import { LAMBDA_ARCHITECTURES, type LambdaArchitecture } from "@serverless-spacy/shared/internal";

/**
 * Instruction sets a Lambda function (and the compiled wheels in its layer) can target. The function and
 * the spaCy layer must agree: an x86_64 layer on an arm64 function fails at import time, not at deploy time.
 */
export const ARCHITECTURES = LAMBDA_ARCHITECTURES;

export type Architecture = LambdaArchitecture;

export { LAYER_RUNTIME } from "@serverless-spacy/shared/internal";
