// Wrapper module: pins terraform-provider-aws so tools/install.sh can build
// it with `go build`. See tools/README.md ("Provider version") for why this
// is a pseudo-version and not v6.25.0. The godebug line is copied from the
// upstream go.mod at this version (godebug only applies in the main module);
// the upstream go.mod has no replace directives at this version.
module serverless-spacy/tools/terraform-provider-aws

go 1.26.3

godebug tlsmlkem=0

tool github.com/hashicorp/terraform-provider-aws

require github.com/hashicorp/terraform-provider-aws v1.60.1-0.20260602190131-5f2286d6d836
