import type { ITerraformDependable } from "cdktf";
import type { Grant } from "../grants/grant";
import type { Grantee } from "../grants/grantee";

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
  /** Let a role mount the store read-only through the access point; returns the grant (to depend on). */
  grantRead(grantee: Grantee): Grant;
  /** Let a role mount and write the store through the access point; returns the grant (to depend on). */
  grantReadWrite(grantee: Grantee): Grant;
  /** Admit NFS (2049/tcp) to the mount targets from a security group; returns the rule (to depend on). */
  allowMountFrom(securityGroupId: string, description?: string): ITerraformDependable[];
}
