// Internal to @serverless-spacy/model-store (not exported from the package's index): the identity-policy
// statements of a mount grant, shared by the store's grants and its file system policy.
import type { PolicyStatement } from "@serverless-spacy/shared/internal";

/** The access levels a grantee can have on the model store, always through its access point. */
export const MOUNT_ACCESS_LEVELS = ["read", "read-write"] as const;

/** What a grantee may do on the model store: mount read-only (the API function) or write (the model sync). */
export type MountAccess = (typeof MOUNT_ACCESS_LEVELS)[number];

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
