// Wrapper module: pins the OpenTofu CLI so tools/install.sh can build it
// with `go build` (`go install pkg@version` refuses modules with replace
// directives). The godebug and replace blocks are copied verbatim from the
// upstream go.mod of github.com/opentofu/opentofu at the pinned version;
// re-copy them whenever the version is bumped.
module serverless-spacy/tools/opentofu

go 1.26.6

godebug (
	tlsmlkem=0
	winsymlink=0
)

tool github.com/opentofu/opentofu/cmd/tofu

require github.com/opentofu/opentofu v1.12.6

replace github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828
