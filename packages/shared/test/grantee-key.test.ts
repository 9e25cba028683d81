import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { granteeKey } from "../src/internal";

describe("granteeKey", () => {
  const stack = new TerraformStack(Testing.app(), "t");
  const nested = new IamRole(new Construct(stack, "model-sync"), "role", { assumeRolePolicy: "{}" });
  const other = new IamRole(stack, "api-role", { assumeRolePolicy: "{}" });

  test("names a reference after the resource it points at, whatever the token's number", () => {
    expect(granteeKey(stack, nested.arn)).toMatch(/^model-sync-role-[0-9a-f]{8}$/);
    expect(granteeKey(stack, other.arn)).toMatch(/^api-role-[0-9a-f]{8}$/);
    // The same reference taken again (a new token) gives the same key.
    expect(granteeKey(stack, nested.arn)).toBe(granteeKey(stack, `${nested.arn}`));
  });

  test("names a literal after its value, and keeps different grantees apart", () => {
    expect(granteeKey(stack, "sg-0123456789abcdef0")).toMatch(/^sg-0123456789abcdef0-[0-9a-f]{8}$/);
    expect(granteeKey(stack, "arn:aws:iam::1:role/a")).not.toBe(granteeKey(stack, "arn:aws:iam::1:role-a"));
    expect(granteeKey(stack, nested.arn)).not.toBe(granteeKey(stack, nested.name));
  });
});
