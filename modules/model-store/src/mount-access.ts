/** What a grantee may do on the model store, always through its access point. */
export type MountAccess = "read" | "read-write";

/** An IAM role that can be granted access to the model store. */
export interface MountGrantee {
  /** Name of the role, to attach the inline policy to. */
  readonly roleName: string;
  /** ARN of the role, to name it in the file system policy. */
  readonly roleArn: string;
}

/** One IAM policy statement, in the JSON form IAM reads. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: { AWS: string | string[] };
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** The EFS client actions each access level needs: the API function mounts read-only, the model sync writes. */
export function clientActions(access: MountAccess): string[] {
  return access === "read"
    ? ["elasticfilesystem:ClientMount"]
    : ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"];
}
