import { Fn, Lazy, TerraformIterator, Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DataAwsEfsAccessPoint } from "@cdktf/provider-aws/lib/data-aws-efs-access-point";
import { DataAwsEfsFileSystem } from "@cdktf/provider-aws/lib/data-aws-efs-file-system";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Grant, type Grantee, type IModelStore } from "@serverless-spacy/shared";
import { granteeKey, skipCheckov } from "@serverless-spacy/shared/internal";
import { mountStatements, type MountAccess, type PolicyStatement } from "./mount-access";

export const THROUGHPUT_MODES = ["elastic", "bursting", "provisioned"] as const;
export type ThroughputMode = (typeof THROUGHPUT_MODES)[number];

export const IA_TRANSITIONS = [
  "AFTER_1_DAY",
  "AFTER_7_DAYS",
  "AFTER_14_DAYS",
  "AFTER_30_DAYS",
  "AFTER_60_DAYS",
  "AFTER_90_DAYS",
  "AFTER_180_DAYS",
  "AFTER_270_DAYS",
  "AFTER_365_DAYS",
] as const;
export type IaTransition = (typeof IA_TRANSITIONS)[number];

/** POSIX identity and root directory of the access point every client mounts through. */
export interface ModelStoreAccessPointProps {
  /** Directory on the file system that clients see as their root. @default "/models" */
  readonly path?: string;
  /** POSIX user id every client acts as. @default 1001 */
  readonly uid?: number;
  /** POSIX group id every client acts as. @default 1001 */
  readonly gid?: number;
  /** Owner uid of the root directory when EFS creates it. @default 1001 */
  readonly ownerUid?: number;
  /** Owner gid of the root directory when EFS creates it. @default 1001 */
  readonly ownerGid?: number;
  /** Octal permissions of the root directory when EFS creates it. @default "750" */
  readonly permissions?: string;
}

export interface EfsModelStoreProps {
  /** Prefix of every resource's Name tag. @default the construct id */
  readonly name?: string;
  /** VPC the mount targets and security group live in. */
  readonly vpcId: string;
  /** Subnets that get a mount target each: the private subnets the functions run in, one per availability zone. */
  readonly subnetIds: string[];
  /**
   * Availability zone of each subnet, index-aligned with subnetIds (`Network.availabilityZones`): the mount
   * targets are keyed by zone, so removing a subnet destroys only its own mount target. Required when the
   * subnet ids are Terraform references; literal subnet ids key the mount targets by subnet id instead.
   * @default mount targets keyed by subnet id
   */
  readonly availabilityZones?: string[];
  /** EFS throughput mode. @default "elastic" */
  readonly throughputMode?: ThroughputMode;
  /** Provisioned throughput in MiB/s; required when throughputMode is "provisioned". @default none */
  readonly provisionedThroughputMibps?: number;
  /** Turn on AWS Backup's automatic daily backups of the file system. @default true */
  readonly backups?: boolean;
  /** Move files not read for this long to Infrequent Access. @default files stay in Standard */
  readonly transitionToIa?: IaTransition;
  /** Customer-managed KMS key for encryption at rest. @default the AWS-managed key for EFS */
  readonly kmsKeyArn?: string;
  /**
   * The access point clients mount through. @default uid/gid 1001, permissions 750, path /models (the seed's values)
   */
  readonly accessPoint?: ModelStoreAccessPointProps;
  /** Tags added to every resource, on top of the provider's default tags. @default {} */
  readonly tags?: Record<string, string>;
}

const NFS_PORT = 2049;

/** An existing file system and access point, for `EfsModelStore.fromAttributes`. */
export interface EfsModelStoreAttributes {
  /** ID of the file system (fs-…). */
  readonly fileSystemId: string;
  /** ID of the access point (fsap-…) functions mount through. */
  readonly accessPointId: string;
  /** Security group of the file system's mount targets; granted functions get an NFS ingress rule on it. */
  readonly securityGroupId: string;
  /** ARN of the file system. @default looked up by fileSystemId (data source) */
  readonly fileSystemArn?: string;
  /** ARN of the access point. @default looked up by accessPointId (data source) */
  readonly accessPointArn?: string;
  /** Resources the mount targets depend on in this stack, if they are created here. @default [] (they exist) */
  readonly mountTargets?: ITerraformDependable[];
}

/**
 * An encrypted EFS file system holding spaCy models, reachable only through one access point, over TLS,
 * from security groups and IAM roles that were explicitly granted.
 */
export class EfsModelStore extends Construct implements IModelStore {
  /**
   * Wrap a file system and access point that exist already (created by another stack or team). Grants add
   * an identity policy to the grantee's role and an NFS ingress rule to the given security group; the file
   * system's own policy is left to its owner, so it must admit the granted roles (or have none).
   */
  public static fromAttributes(scope: Construct, id: string, attrs: EfsModelStoreAttributes): IModelStore {
    return new ImportedEfsModelStore(scope, id, attrs);
  }

  /** ID of the file system. */
  public readonly fileSystemId: string;
  /** ARN of the file system. */
  public readonly fileSystemArn: string;
  /** ID of the access point. */
  public readonly accessPointId: string;
  /** ARN of the access point; Lambda's file_system_config takes this. */
  public readonly accessPointArn: string;
  /** Security group of the mount targets. */
  public readonly securityGroupId: string;
  /** Mount targets; a function mounting the store must depend on them or its creation fails. */
  public readonly mountTargets: ITerraformDependable[];
  /** Root directory of the access point on the file system. */
  public readonly accessPointPath: string;

  private readonly grants = new Map<string, MountAccess>();
  private readonly name: string;
  private readonly tags: Record<string, string>;

  constructor(scope: Construct, id: string, props: EfsModelStoreProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.tags = props.tags ?? {};
    const throughputMode = props.throughputMode ?? "elastic";
    validate(this.node.path, props, throughputMode);

    const fileSystem = new EfsFileSystem(this, "file-system", {
      encrypted: true,
      kmsKeyId: props.kmsKeyArn,
      throughputMode,
      provisionedThroughputInMibps: props.provisionedThroughputMibps,
      lifecyclePolicy: props.transitionToIa ? [{ transitionToIa: props.transitionToIa }] : undefined,
      tags: this.tagged(this.name),
    });
    if (props.kmsKeyArn === undefined) {
      skipCheckov(
        fileSystem,
        "CKV_AWS_184",
        "Encrypted at rest (encrypted: true) with the AWS-managed EFS key, and in transit (the policy denies non-TLS " +
          "mounts); pass kmsKeyArn for a customer-managed key where key-level audit or revocation is required.",
      );
    }
    new EfsBackupPolicy(this, "backup-policy", {
      fileSystemId: fileSystem.id,
      backupPolicy: { status: (props.backups ?? true) ? "ENABLED" : "DISABLED" },
    });

    const securityGroup = new SecurityGroup(this, "security-group", {
      name: `${this.name}-efs`,
      description: `NFS to the ${this.name} model store, only from granted security groups`,
      vpcId: props.vpcId,
      tags: this.tagged(`${this.name}-efs`),
    });

    // One resource with for_each, keyed by zone (or by literal subnet id): a removed subnet destroys only
    // its own mount target, where a list index would shift and replace the ones after it.
    const subnets = TerraformIterator.fromMap(
      props.availabilityZones
        ? Token.asAnyMap(Fn.zipmap(props.availabilityZones, props.subnetIds))
        : Object.fromEntries(props.subnetIds.map((subnetId) => [subnetId, subnetId])),
    );
    this.mountTargets = [
      new EfsMountTarget(this, "mount-targets", {
        forEach: subnets,
        fileSystemId: fileSystem.id,
        subnetId: subnets.value,
        securityGroups: [securityGroup.id],
      }),
    ];

    const ap = props.accessPoint ?? {};
    this.accessPointPath = ap.path ?? "/models";
    const accessPoint = new EfsAccessPoint(this, "access-point", {
      fileSystemId: fileSystem.id,
      posixUser: { uid: ap.uid ?? 1001, gid: ap.gid ?? 1001 },
      rootDirectory: {
        path: this.accessPointPath,
        creationInfo: {
          ownerUid: ap.ownerUid ?? 1001,
          ownerGid: ap.ownerGid ?? 1001,
          permissions: ap.permissions ?? "750",
        },
      },
      tags: this.tagged(`${this.name}-models`),
    });

    this.fileSystemId = fileSystem.id;
    this.fileSystemArn = fileSystem.arn;
    this.accessPointId = accessPoint.id;
    this.accessPointArn = accessPoint.arn;
    this.securityGroupId = securityGroup.id;

    new EfsFileSystemPolicy(this, "file-system-policy", {
      fileSystemId: fileSystem.id,
      // Grants are collected while the app is built; the policy is rendered once they are all known.
      policy: Lazy.stringValue({ produce: () => JSON.stringify(this.fileSystemPolicy()) }),
    });
  }

  /** Admit NFS (2049/tcp) to the mount targets from the given security group, and from nowhere else. */
  public allowMountFrom(securityGroupId: string, description = "NFS from a granted function"): ITerraformDependable[] {
    return [nfsIngress(this, this.securityGroupId, securityGroupId, description)];
  }

  /** Let a role mount the store read-only through the access point (the API function). */
  public grantRead(grantee: Grantee): Grant {
    return new Grant(grantee, this.grant(grantee, "read"));
  }

  /** Let a role mount and write the store through the access point (the model sync). */
  public grantReadWrite(grantee: Grantee): Grant {
    return new Grant(grantee, this.grant(grantee, "read-write"));
  }

  /** Identity-policy statements for mounting through this store's access point, scoped to it. */
  public mountStatements(access: MountAccess): PolicyStatement[] {
    return mountStatements(access, this.fileSystemArn, this.accessPointArn);
  }

  private grant(grantee: Grantee, access: MountAccess): ITerraformDependable[] {
    // Read-write already includes read: a later read grant reuses it rather than downgrading the role.
    const effective = this.grants.get(grantee.roleArn) === "read-write" ? "read-write" : access;
    this.grants.set(grantee.roleArn, effective);
    return [grantPolicy(this, this.name, grantee, effective, this.mountStatements(effective))];
  }

  private fileSystemPolicy(): { Version: string; Statement: PolicyStatement[] } {
    const allActions = [
      "elasticfilesystem:ClientMount",
      "elasticfilesystem:ClientWrite",
      "elasticfilesystem:ClientRootAccess",
    ];
    const statements: PolicyStatement[] = [
      {
        Sid: "DenyUnencryptedTransport",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: allActions,
        Resource: this.fileSystemArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyMountsOutsideTheAccessPoint",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: allActions,
        Resource: this.fileSystemArn,
        Condition: { StringNotEquals: { "elasticfilesystem:AccessPointArn": this.accessPointArn } },
      },
    ];
    // Read-only must not rest on a missing grant alone: writes are denied to every principal except the
    // roles granted read-write (grantReadWrite), whatever their identity policies say.
    const writers = [...this.grants].filter(([, a]) => a === "read-write").map(([arn]) => arn);
    statements.push({
      Sid: "DenyWritesExceptGrantedWriters",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["elasticfilesystem:ClientWrite"],
      Resource: this.fileSystemArn,
      ...(writers.length > 0 ? { Condition: { ArnNotEquals: { "aws:PrincipalArn": writers } } } : {}),
    });
    for (const access of ["read", "read-write"] as const) {
      const roles = [...this.grants].filter(([, a]) => a === access).map(([arn]) => arn);
      if (roles.length > 0) {
        statements.push({
          ...this.mountStatements(access)[0],
          Principal: { AWS: roles },
        });
      }
    }
    return { Version: "2012-10-17", Statement: statements };
  }

  private tagged(resourceName: string): Record<string, string> {
    return { ...this.tags, Name: resourceName };
  }
}

function validate(path: string, props: EfsModelStoreProps, throughputMode: string): void {
  if (props.subnetIds.length === 0) {
    throw new Error(`${path}: subnetIds is empty; the store needs a mount target in every subnet its clients run in`);
  }
  const zones = props.availabilityZones;
  if (zones !== undefined && zones.length !== props.subnetIds.length) {
    throw new Error(
      `${path}: availabilityZones lists ${zones.length} zones for ${props.subnetIds.length} subnetIds; give the ` +
        `zone of each subnet`,
    );
  }
  const keys = zones ?? props.subnetIds;
  if (zones === undefined && keys.some((id) => Token.isUnresolved(id))) {
    throw new Error(
      `${path}: subnetIds are Terraform references, so the mount targets cannot be keyed by them; pass ` +
        "availabilityZones (e.g. network.availabilityZones) to key them by zone",
    );
  }
  const literalKeys = keys.filter((k) => !Token.isUnresolved(k));
  const duplicate = literalKeys.find((k, i) => literalKeys.indexOf(k) !== i);
  if (duplicate !== undefined) {
    throw new Error(
      `${path}: ${zones ? "availabilityZones" : "subnetIds"} lists "${duplicate}" twice; EFS allows one mount ` +
        `target per zone`,
    );
  }
  if (!THROUGHPUT_MODES.includes(throughputMode as ThroughputMode)) {
    throw new Error(`${path}: throughputMode must be one of ${THROUGHPUT_MODES.join(", ")}, got "${throughputMode}"`);
  }
  if ((throughputMode === "provisioned") !== (props.provisionedThroughputMibps !== undefined)) {
    throw new Error(
      `${path}: provisionedThroughputMibps is required with, and only with, throughputMode "provisioned"`,
    );
  }
  const permissions = props.accessPoint?.permissions;
  if (permissions !== undefined && !/^[0-7]{3,4}$/.test(permissions)) {
    throw new Error(`${path}: accessPoint.permissions must be octal like "750", got "${permissions}"`);
  }
  const apPath = props.accessPoint?.path;
  if (apPath !== undefined && (!apPath.startsWith("/") || apPath === "/")) {
    throw new Error(`${path}: accessPoint.path must be an absolute directory other than "/", got "${apPath}"`);
  }
}

const NFS_DESCRIPTION_MAX = 255;

/** The NFS ingress rule for one client security group, named after it (not after call order). */
function nfsIngress(
  scope: Construct,
  targetGroupId: string,
  clientGroupId: string,
  description: string,
): ITerraformDependable {
  const id = `nfs-from-${granteeKey(scope, clientGroupId)}`;
  const existing = scope.node.tryFindChild(id) as VpcSecurityGroupIngressRule | undefined;
  return (
    existing ??
    new VpcSecurityGroupIngressRule(scope, id, {
      securityGroupId: targetGroupId,
      referencedSecurityGroupId: clientGroupId,
      ipProtocol: "tcp",
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      description: description.slice(0, NFS_DESCRIPTION_MAX),
    })
  );
}

/** The role policy that lets one grantee mount the store, named after the grantee and the access level. */
function grantPolicy(
  scope: Construct,
  storeName: string,
  grantee: Grantee,
  access: MountAccess,
  statements: PolicyStatement[],
): ITerraformDependable {
  const id = `grant-${access}-${granteeKey(scope, grantee.roleArn)}`;
  const existing = scope.node.tryFindChild(id) as IamRolePolicy | undefined;
  return (
    existing ??
    new IamRolePolicy(scope, id, {
      name: `${storeName}-efs-${access}`,
      role: grantee.roleName,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
    })
  );
}

/** A file system and access point created elsewhere (`EfsModelStore.fromAttributes`). */
class ImportedEfsModelStore extends Construct implements IModelStore {
  public readonly fileSystemId: string;
  public readonly fileSystemArn: string;
  public readonly accessPointId: string;
  public readonly accessPointArn: string;
  public readonly securityGroupId: string;
  public readonly mountTargets: ITerraformDependable[];

  constructor(scope: Construct, id: string, attrs: EfsModelStoreAttributes) {
    super(scope, id);
    for (const [field, pattern, example] of [
      ["fileSystemId", /^fs-[0-9a-f]+$/, "fs-0123456789abcdef0"],
      ["accessPointId", /^fsap-[0-9a-f]+$/, "fsap-0123456789abcdef0"],
      ["securityGroupId", /^sg-[0-9a-f]+$/, "sg-0123456789abcdef0"],
    ] as const) {
      const value = attrs[field];
      if (!Token.isUnresolved(value) && !pattern.test(value)) {
        throw new Error(`${this.node.path}: ${field} must be an id like "${example}", got ${JSON.stringify(value)}`);
      }
    }
    this.fileSystemId = attrs.fileSystemId;
    this.accessPointId = attrs.accessPointId;
    this.securityGroupId = attrs.securityGroupId;
    this.fileSystemArn =
      attrs.fileSystemArn ?? new DataAwsEfsFileSystem(this, "file-system", { fileSystemId: attrs.fileSystemId }).arn;
    this.accessPointArn =
      attrs.accessPointArn ??
      new DataAwsEfsAccessPoint(this, "access-point", { accessPointId: attrs.accessPointId }).arn;
    this.mountTargets = attrs.mountTargets ?? [];
  }

  public allowMountFrom(securityGroupId: string, description = "NFS from a granted function"): ITerraformDependable[] {
    return [nfsIngress(this, this.securityGroupId, securityGroupId, description)];
  }

  public grantRead(grantee: Grantee): Grant {
    return new Grant(grantee, [
      grantPolicy(
        this,
        this.node.id,
        grantee,
        "read",
        mountStatements("read", this.fileSystemArn, this.accessPointArn),
      ),
    ]);
  }

  public grantReadWrite(grantee: Grantee): Grant {
    return new Grant(grantee, [
      grantPolicy(
        this,
        this.node.id,
        grantee,
        "read-write",
        mountStatements("read-write", this.fileSystemArn, this.accessPointArn),
      ),
    ]);
  }
}
