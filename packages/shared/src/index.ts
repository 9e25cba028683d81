// The public API of `@serverless-spacy/shared`, the same in every jsii language: the pieces the modules
// share in their own public APIs. The HTTP API's types and client are `@serverless-spacy/shared/client`;
// what the modules share internally is `@serverless-spacy/shared/internal`.
export { Grant } from "./grants/grant";
export { type Grantee } from "./grants/grantee";
export { type IModelStore } from "./model-store/model-store";
export { HardenedBucket, type HardenedBucketProps } from "./constructs/hardened-bucket";
export { type ExistingRole } from "./constructs/vpc-python-function";
