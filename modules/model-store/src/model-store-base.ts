import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Grant, type Grantee, type IModelStore } from "@serverless-spacy/shared";
import { granteeKey } from "@serverless-spacy/shared/internal";
import { mountStatements, type MountAccess } from "./mount-access";

const NFS_PORT = 2049;
const NFS_DESCRIPTION_MAX = 255;

/**
 * What every model store shares, the one it creates (`EfsModelStore`) and the one it wraps
 * (`EfsModelStore.fromAttributes`): NFS ingress for granted security groups, and identity policies that let a
 * role mount the file system through the access point, scoped to both. A store that owns its file system
 * policy also names the granted roles there.
 */
export abstract class ModelStoreBase extends Construct implements IModelStore {
  /** ID of the file system. */
  public abstract readonly fileSystemId: string;
  /** ARN of the file system. */
  public abstract readonly fileSystemArn: string;
  /** ID of the access point clients mount through. */
  public abstract readonly accessPointId: string;
  /** ARN of the access point; Lambda's file_system_config takes this. */
  public abstract readonly accessPointArn: string;
  /** Security group of the mount targets; clients open NFS egress to it. */
  public abstract readonly securityGroupId: string;
  /** What a function mounting the store must wait for (the mount targets); Lambda refuses the mount before. */
  public abstract readonly mountTargets: ITerraformDependable[];

  /**
   * Granted roles by ARN, with the access each has: read-write once any grant was read-write.
   * @internal
   */
  protected readonly _grants = new Map<string, MountAccess>();

  /**
   * Prefix of the grant policies' names (`<prefix>-efs-read`, `<prefix>-efs-read-write`).
   * @internal
   */
  protected _grantPolicyPrefix: string;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this._grantPolicyPrefix = id;
  }

  /**
   * Admit NFS (2049/tcp) to the mount targets from the given security group, and from nowhere else. Returns the
   * ingress rule, to depend on; a second call for the same group returns the same rule.
   */
  public allowMountFrom(securityGroupId: string, description?: string): ITerraformDependable[] {
    const id = `nfs-from-${granteeKey(this, securityGroupId)}`;
    const existing = this.node.tryFindChild(id) as VpcSecurityGroupIngressRule | undefined;
    return [
      existing ??
        new VpcSecurityGroupIngressRule(this, id, {
          securityGroupId: this.securityGroupId,
          referencedSecurityGroupId: securityGroupId,
          ipProtocol: "tcp",
          fromPort: NFS_PORT,
          toPort: NFS_PORT,
          description: (description ?? "NFS from a granted function").slice(0, NFS_DESCRIPTION_MAX),
        }),
    ];
  }

  /** Let a role mount the store read-only through the access point (the API function); returns the grant. */
  public grantRead(grantee: Grantee): Grant {
    return new Grant(grantee, this.grantMount(grantee, "read"));
  }

  /** Let a role mount and write the store through the access point (the model sync); returns the grant. */
  public grantReadWrite(grantee: Grantee): Grant {
    return new Grant(grantee, this.grantMount(grantee, "read-write"));
  }

  /** The role policy for one grantee, named after the grantee and the access level (not after call order). */
  private grantMount(grantee: Grantee, access: MountAccess): ITerraformDependable[] {
    // Read-write already includes read: a later read grant reuses it rather than downgrading the role.
    const effective = this._grants.get(grantee.roleArn) === "read-write" ? "read-write" : access;
    this._grants.set(grantee.roleArn, effective);
    const id = `grant-${effective}-${granteeKey(this, grantee.roleArn)}`;
    const existing = this.node.tryFindChild(id) as IamRolePolicy | undefined;
    return [
      existing ??
        new IamRolePolicy(this, id, {
          name: `${this._grantPolicyPrefix}-efs-${effective}`,
          role: grantee.roleName,
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: mountStatements(effective, this.fileSystemArn, this.accessPointArn),
          }),
        }),
    ];
  }
}
