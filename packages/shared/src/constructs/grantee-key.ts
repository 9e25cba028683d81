import { createHash } from "crypto";
import { DefaultTokenResolver, StringConcat, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * A construct id for something created on behalf of `grantee` (a role ARN, a security group id), derived
 * from the grantee itself rather than from call order: adding or removing another grantee leaves this
 * one's resources at the same Terraform address. A reference such as `${aws_iam_role.api_role_1A2B.arn}`
 * is keyed by the address it names; a literal by its value.
 */
export function granteeKey(scope: IConstruct, grantee: string): string {
  const resolved = String(
    Tokenization.resolve(grantee, { scope, resolver: new DefaultTokenResolver(new StringConcat()) }),
  );
  const reference = /^\$\{([A-Za-z0-9_.-]+)\}$/.exec(resolved)?.[1];
  const readable = (reference ?? resolved)
    .replace(/^(aws_[a-z0-9_]+?)\./, "")
    .replace(/\.(arn|id|name)$/, "")
    // cdktf's own hash suffix of the logical id; the digest below keeps keys unique.
    .replace(/_[0-9A-F]{8}$/, "")
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  // The hash keeps two grantees apart whose readable parts collide after truncation.
  const digest = createHash("sha256").update(resolved).digest("hex").slice(0, 8);
  return `${readable || "grantee"}-${digest}`;
}
