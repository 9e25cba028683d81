import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Grant, type Grantee, type IModelStore } from "@serverless-spacy/shared";
import { granteeKey } from "@serverless-spacy/shared/internal";

/**
 * A minimal model store for ModelSync's tests: real EFS resources, implementing only the interface, so
 * these tests need no other module. EfsModelStore has its own tests.
 */
export class TestModelStore extends Construct implements IModelStore {
  public readonly fileSystemId: string;
  public readonly fileSystemArn: string;
  public readonly accessPointId: string;
  public readonly accessPointArn: string;
  public readonly securityGroupId: string;
  public readonly mountTargets: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: { vpcId: string; subnetIds: string[] }) {
    super(scope, id);
    const fileSystem = new EfsFileSystem(this, "file-system", { encrypted: true });
    const accessPoint = new EfsAccessPoint(this, "access-point", { fileSystemId: fileSystem.id });
    const group = new SecurityGroup(this, "security-group", { vpcId: props.vpcId });
    this.mountTargets = props.subnetIds.map(
      (subnetId, i) =>
        new EfsMountTarget(this, `mount-target-${i + 1}`, {
          fileSystemId: fileSystem.id,
          subnetId,
          securityGroups: [group.id],
        }),
    );
    this.fileSystemId = fileSystem.id;
    this.fileSystemArn = fileSystem.arn;
    this.accessPointId = accessPoint.id;
    this.accessPointArn = accessPoint.arn;
    this.securityGroupId = group.id;
  }

  public allowMountFrom(securityGroupId: string, description = "NFS"): ITerraformDependable[] {
    return [
      new VpcSecurityGroupIngressRule(this, `nfs-from-${granteeKey(this, securityGroupId)}`, {
        securityGroupId: this.securityGroupId,
        referencedSecurityGroupId: securityGroupId,
        ipProtocol: "tcp",
        fromPort: 2049,
        toPort: 2049,
        description,
      }),
    ];
  }

  public grantRead(grantee: Grantee): Grant {
    return this.grant(grantee, ["elasticfilesystem:ClientMount"]);
  }

  public grantReadWrite(grantee: Grantee): Grant {
    return this.grant(grantee, ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]);
  }

  private grant(grantee: Grantee, actions: string[]): Grant {
    const statement = {
      Sid: actions.length > 1 ? "MountModelStoreReadWrite" : "MountModelStoreReadOnly",
      Effect: "Allow",
      Action: actions,
      Resource: this.fileSystemArn,
      Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": this.accessPointArn } },
    };
    return new Grant(grantee, [
      new IamRolePolicy(this, `grant-${granteeKey(this, grantee.roleArn)}`, {
        role: grantee.roleName,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
      }),
    ]);
  }
}
