import type { PolicyStatement } from "@serverless-spacy/shared/internal";

export type { PolicyStatement };

/** What a grantee may do on the model store, always through its access point. */
export type MountAccess = "read" | "read-write";

/** The EFS client actions each access level needs: the API function mounts read-only, the model sync writes. */
export function clientActions(access: MountAccess): string[] {
  return access === "read"
    ? ["elasticfilesystem:ClientMount"]
    : ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"];
}

/**
 * Identity-policy statements for mounting through an access point, in the spirit of AWS CDK's
 * `FileSystem.fromEfsAccessPoint`: scoped to one file system and one access point only.
 */
export function mountStatements(access: MountAccess, fileSystemArn: string, accessPointArn: string): PolicyStatement[] {
  return [
    {
      Sid: access === "read" ? "MountModelStoreReadOnly" : "MountModelStoreReadWrite",
      Effect: "Allow",
      Action: clientActions(access),
      Resource: fileSystemArn,
      Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPointArn } },
    },
  ];
}
