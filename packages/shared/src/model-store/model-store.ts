import type { ITerraformDependable } from "cdktf";

/** An IAM role that can be granted access to a model store. */
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
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * What a function needs from the file system that holds the models: where to mount it and how to be let
 * in. `EfsModelStore` (`@serverless-spacy/model-store`) implements it, for a store it creates or, through
 * `EfsModelStore.fromAttributes`, one that exists already; ModelSync and SpacyFunction only know this.
 */
export interface IModelStore {
  /** ID of the file system. */
  readonly fileSystemId: string;
  /** ARN of the file system. */
  readonly fileSystemArn: string;
  /** ID of the access point clients mount through. */
  readonly accessPointId: string;
  /** ARN of the access point; Lambda's file_system_config takes this. */
  readonly accessPointArn: string;
  /** Security group of the mount targets; clients open NFS egress to it. */
  readonly securityGroupId: string;
  /**
   * What a function mounting the store must wait for (the mount targets); Lambda refuses the mount before they exist.
   */
  readonly mountTargets: ITerraformDependable[];
  /** Let a role mount the store read-only through the access point; returns what the grant created (to depend on). */
  grantRead(grantee: MountGrantee): ITerraformDependable[];
  /** Let a role mount and write the store through the access point; returns what the grant created (to depend on). */
  grantReadWrite(grantee: MountGrantee): ITerraformDependable[];
  /** Admit NFS (2049/tcp) to the mount targets from a security group; returns the rule (to depend on). */
  allowMountFrom(securityGroupId: string, description?: string): ITerraformDependable[];
}
