import { Fn, Lazy, TerraformIterator, Token, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsEfsAccessPoint } from "@cdktf/provider-aws/lib/data-aws-efs-access-point";
import { DataAwsEfsFileSystem } from "@cdktf/provider-aws/lib/data-aws-efs-file-system";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { IModelStore } from "@serverless-spacy/shared";
import {
  assertAtLeast,
  assertMatches,
  assertOneOf,
  invalid,
  skipCheckov,
  type PolicyStatement,
} from "@serverless-spacy/shared/internal";
import { ModelStoreBase } from "./model-store-base";
import { MOUNT_ACCESS_LEVELS, mountStatements } from "./mount-access";

/** How the file system's throughput is provisioned. */
export enum ThroughputMode {
  /** Scales with the workload, paid per GiB transferred: right for bursty model loads. */
  ELASTIC = "elastic",
  /** Scales with the amount stored, from burst credits: a small store runs out on cold starts. */
  BURSTING = "bursting",
  /** A fixed rate, paid whether used or not (`provisionedThroughputMibps`). */
  PROVISIONED = "provisioned",
}

/** How long a file goes unread before EFS moves it to Infrequent Access. */
export enum IaTransition {
  /** One day. */
  AFTER_1_DAY = "AFTER_1_DAY",
  /** Seven days. */
  AFTER_7_DAYS = "AFTER_7_DAYS",
  /** 14 days. */
  AFTER_14_DAYS = "AFTER_14_DAYS",
  /** 30 days. */
  AFTER_30_DAYS = "AFTER_30_DAYS",
  /** 60 days. */
  AFTER_60_DAYS = "AFTER_60_DAYS",
  /** 90 days. */
  AFTER_90_DAYS = "AFTER_90_DAYS",
  /** 180 days. */
  AFTER_180_DAYS = "AFTER_180_DAYS",
  /** 270 days. */
  AFTER_270_DAYS = "AFTER_270_DAYS",
  /** 365 days. */
  AFTER_365_DAYS = "AFTER_365_DAYS",
}

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
  /** EFS throughput mode. @default ThroughputMode.ELASTIC */
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
export class EfsModelStore extends ModelStoreBase {
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
  /** Security group of the mount targets; clients open NFS egress to it. */
  public readonly securityGroupId: string;
  /** Mount targets; a function mounting the store must depend on them or its creation fails. */
  public readonly mountTargets: ITerraformDependable[];
  /** Root directory of the access point on the file system. */
  public readonly accessPointPath: string;

  private readonly name: string;
  private readonly tags: Record<string, string>;

  constructor(scope: Construct, id: string, props: EfsModelStoreProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this._grantPolicyPrefix = this.name;
    this.tags = props.tags ?? {};
    const throughputMode = props.throughputMode ?? ThroughputMode.ELASTIC;
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
    const writers = [...this._grants].filter(([, a]) => a === "read-write").map(([arn]) => arn);
    statements.push({
      Sid: "DenyWritesExceptGrantedWriters",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["elasticfilesystem:ClientWrite"],
      Resource: this.fileSystemArn,
      ...(writers.length > 0 ? { Condition: { ArnNotEquals: { "aws:PrincipalArn": writers } } } : {}),
    });
    for (const access of MOUNT_ACCESS_LEVELS) {
      const roles = [...this._grants].filter(([, a]) => a === access).map(([arn]) => arn);
      if (roles.length > 0) {
        statements.push({
          ...mountStatements(access, this.fileSystemArn, this.accessPointArn)[0],
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

function validate(path: string, props: EfsModelStoreProps, throughputMode: ThroughputMode): void {
  if (props.subnetIds.length === 0) {
    invalid(path, "subnetIds", "a list of one or more subnets: a mount target in each subnet the clients run in", []);
  }
  const zones = props.availabilityZones;
  if (zones !== undefined && zones.length !== props.subnetIds.length) {
    invalid(path, "availabilityZones", `a list of ${props.subnetIds.length} zones, that of each of subnetIds`, zones);
  }
  const keys = zones ?? props.subnetIds;
  if (zones === undefined && keys.some((id) => Token.isUnresolved(id))) {
    invalid(
      path,
      "availabilityZones",
      "given when subnetIds are Terraform references (e.g. network.availabilityZones): the mount targets are keyed " +
        "by zone",
      zones,
    );
  }
  const literalKeys = keys.filter((k) => !Token.isUnresolved(k));
  if (literalKeys.some((k, i) => literalKeys.indexOf(k) !== i)) {
    invalid(path, zones ? "availabilityZones" : "subnetIds", "a list without repeats: one mount target per zone", keys);
  }
  assertOneOf(path, "throughputMode", throughputMode, Object.values(ThroughputMode));
  assertOneOf(path, "transitionToIa", props.transitionToIa, Object.values(IaTransition));
  if ((throughputMode === ThroughputMode.PROVISIONED) !== (props.provisionedThroughputMibps !== undefined)) {
    invalid(
      path,
      "provisionedThroughputMibps",
      'set with, and only with, throughputMode "provisioned"',
      props.provisionedThroughputMibps,
    );
  }
  assertAtLeast(path, "provisionedThroughputMibps", props.provisionedThroughputMibps, 1, false);
  const permissions = props.accessPoint?.permissions;
  assertMatches(path, "accessPoint.permissions", permissions, /^[0-7]{3,4}$/, 'octal like "750"');
  const apPath = props.accessPoint?.path;
  if (apPath !== undefined && !Token.isUnresolved(apPath) && (!apPath.startsWith("/") || apPath === "/")) {
    invalid(path, "accessPoint.path", 'an absolute directory other than "/"', apPath);
  }
}

/** A file system and access point created elsewhere (`EfsModelStore.fromAttributes`). */
class ImportedEfsModelStore extends ModelStoreBase {
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
      assertMatches(this.node.path, field, attrs[field], pattern, `an id like "${example}"`);
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
}
