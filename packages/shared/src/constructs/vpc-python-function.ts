import { Annotations, AssetType, TerraformAsset, Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { IModelStore } from "../model-store/model-store";
import type { PolicyStatement } from "../internal/policy-statement";
import { sourceHash } from "./source-hash";
import { NO_BYTECODE_NOTE, stagedCodeDir } from "./staged-code";
import { skipCheckov } from "./checkov";

const NFS_PORT = 2049;

/** An IAM role that exists already, to run a function as instead of creating one. */
export interface ExistingRole {
  /** ARN of the role; its trust policy must let lambda.amazonaws.com assume it. */
  readonly roleArn: string;
  /** Name of the role; the construct attaches its inline policies (logs, VPC, store) to it. */
  readonly roleName: string;
}

/**
 * EC2 actions Lambda takes with the execution role to attach a function to a VPC (the Hyperplane ENIs).
 * Describe* have no resource-level form in IAM, so they can only be allowed on "*".
 */
export const VPC_ENI_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
] as const;
export const VPC_DESCRIBE_ACTIONS = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"] as const;

/** Internal: settings of one Python function in the VPC, every default already applied by its owner. */
export interface VpcPythonFunctionProps {
  /**
   * Function name; the role is "<name>-role", the security group "<name>-lambda", the log group "/aws/lambda/<name>".
   */
  readonly name: string;
  /** Description of the function. */
  readonly description: string;
  /** What the security group is for (its description). */
  readonly securityGroupDescription: string;
  /** VPC of the model store. */
  readonly vpcId: string;
  /** Subnets the function runs in. */
  readonly subnetIds: string[];
  /** Security groups added to the function's own. */
  readonly extraSecurityGroupIds: string[];
  /** Folder zipped as the function's code. */
  readonly codeDir: string;
  /** Python handler, "module.function". */
  readonly handler: string;
  readonly runtime: string;
  readonly architecture: string;
  readonly memorySize: number;
  readonly timeout: number;
  readonly ephemeralStorageMb: number;
  readonly layers: string[];
  readonly environment: Record<string, string>;
  readonly reservedConcurrency?: number;
  /** Publish a version on every change (for an alias). */
  readonly publish: boolean;
  /** Active X-Ray tracing, with an inline policy for the two X-Ray actions it needs. */
  readonly tracing: boolean;
  /** Lambda's JSON log format. */
  readonly jsonLogs: boolean;
  readonly logRetentionDays: number;
  /** Why the retention period is what it is (checkov CKV_AWS_338 asks for a year). */
  readonly logRetentionReason: string;
  /** The store, mounted through its access point with the given access. */
  readonly modelStore: IModelStore;
  readonly mountPath: string;
  readonly storeAccess: "read" | "read-write";
  /** Run as this role instead of creating one. */
  readonly role?: ExistingRole;
  /** Permissions boundary of the created role. */
  readonly permissionsBoundary?: string;
  /** What the function waits for besides its own policies, log group and the store. */
  readonly dependsOn: ITerraformDependable[];
  readonly tags: Record<string, string>;
}

/**
 * Internal to the serverless-spacy constructs: a Python Lambda in private subnets with its execution role
 * (inline policies only, no AWS-managed ones), log group, security group (NFS egress to the model store,
 * no ingress), code asset, and the store's mount grant. SpacyFunction and ModelSync are built on it.
 */
export class VpcPythonFunction extends Construct {
  /** The function. */
  public readonly lambdaFunction: LambdaFunction;
  /** The execution role, when this construct created it (undefined when an existing role was given). */
  public readonly role?: IamRole;
  /** ARN of the execution role. */
  public readonly roleArn: string;
  /** Name of the execution role. */
  public readonly roleName: string;
  /** The function's own security group. */
  public readonly securityGroup: SecurityGroup;
  /** The function's log group. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The store's ingress rule and IAM grant for this function. */
  public readonly storeAccess: ITerraformDependable[];
  /** The NFS egress rule to the store. */
  public readonly nfsEgress: VpcSecurityGroupEgressRule;

  constructor(scope: Construct, id: string, props: VpcPythonFunctionProps) {
    super(scope, id);
    const tags = props.tags;
    const store = props.modelStore;

    // No ingress: nothing connects to the function; its owner adds egress beyond NFS if it needs any.
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.name}-lambda`,
      description: props.securityGroupDescription,
      vpcId: props.vpcId,
      tags: { ...tags, Name: `${props.name}-lambda` },
    });
    this.nfsEgress = new VpcSecurityGroupEgressRule(this, "nfs-to-model-store", {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: store.securityGroupId,
      ipProtocol: "tcp",
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      description: "NFS to the model store's mount targets",
    });

    if (props.role) {
      this.roleArn = props.role.roleArn;
      this.roleName = props.role.roleName;
    } else {
      this.role = new IamRole(this, "role", {
        // Role names stop at 64 characters, function names already may.
        name: `${Token.isUnresolved(props.name) ? props.name : props.name.slice(0, 59)}-role`,
        description: `Execution role of ${props.name}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        permissionsBoundary: props.permissionsBoundary,
        tags,
      });
      this.roleArn = this.role.arn;
      this.roleName = this.role.name;
    }

    // Created before the function, so Lambda does not create it first with retention "never expire"; the
    // role therefore needs no logs:CreateLogGroup.
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${props.name}`,
      retentionInDays: props.logRetentionDays,
      tags,
    });
    skipCheckov(this.logGroup, "CKV_AWS_158");
    skipCheckov(this.logGroup, "CKV_AWS_338", props.logRetentionReason);

    const partition = new DataAwsPartition(this, "partition").partition;
    const region = new DataAwsRegion(this, "region").region;
    const account = new DataAwsCallerIdentity(this, "account").accountId;
    // Built from the name rather than read from the function: the function waits for this policy
    // (CreateFunction checks the ENI permissions), so the policy cannot wait for the function.
    const functionArn = `arn:${partition}:lambda:${region}:${account}:function:${props.name}`;
    const executionPolicy = new IamRolePolicy(this, "execution-policy", {
      name: `${props.name}-execution`,
      role: this.roleName,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: executionStatements({
          logGroupArn: this.logGroup.arn,
          ec2Resource: `arn:${partition}:ec2:${region}:${account}:*/*`,
          functionArn,
          tracing: props.tracing,
        }),
      }),
    });

    this.storeAccess = [
      ...store.allowMountFrom(this.securityGroup.id, `NFS from ${props.name}`),
      ...(props.storeAccess === "read-write" ? store.grantReadWrite(this) : store.grantRead(this)).dependables,
    ];

    // The staged copy carries CPython 3.12 bytecode (`pnpm build:code`); /var/task is read-only, so without it
    // every cold start compiles the handler again.
    const staged = stagedCodeDir(props.codeDir);
    if (!staged.bytecode) {
      Annotations.of(this).addInfo(NO_BYTECODE_NOTE);
    }
    const code = new TerraformAsset(this, "code", {
      path: staged.dir,
      type: AssetType.ARCHIVE,
      // cdktf's own hash includes __pycache__ and readdir order; this one is the same on every machine.
      assetHash: sourceHash(props.codeDir),
    });

    this.lambdaFunction = new LambdaFunction(this, "function", {
      functionName: props.name,
      description: props.description,
      role: this.roleArn,
      runtime: props.runtime,
      handler: props.handler,
      architectures: [props.architecture],
      filename: code.path,
      // A content hash of the source folder, stable across machines (a zip's own hash includes mtimes).
      sourceCodeHash: code.assetHash,
      layers: props.layers,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ephemeralStorage: { size: props.ephemeralStorageMb },
      reservedConcurrentExecutions: props.reservedConcurrency,
      publish: props.publish,
      vpcConfig: {
        subnetIds: props.subnetIds,
        securityGroupIds: [this.securityGroup.id, ...props.extraSecurityGroupIds],
      },
      fileSystemConfig: { arn: store.accessPointArn, localMountPath: props.mountPath },
      environment: { variables: props.environment },
      loggingConfig: props.jsonLogs ? { logFormat: "JSON", logGroup: this.logGroup.name } : undefined,
      tracingConfig: props.tracing ? { mode: "Active" } : undefined,
      tags,
      // Mount targets: CreateFunction rejects an access point without them. Execution policy: CreateFunction
      // checks the ENI permissions. Log group: otherwise Lambda creates it without retention. Store access:
      // the first cold start must be able to mount.
      dependsOn: [...store.mountTargets, this.logGroup, executionPolicy, ...this.storeAccess, ...props.dependsOn],
    });
    skipCheckov(this.lambdaFunction, "CKV_AWS_272");
    skipCheckov(this.lambdaFunction, "CKV_AWS_173");
  }
}

/**
 * The execution role's inline policy, replacing AWSLambdaVPCAccessExecutionRole (and AWSXRayDaemonWriteAccess):
 * - logs: CreateLogStream and PutLogEvents on the function's own log group only;
 * - VPC: the ENI actions on this account and region's EC2 resources (AWS's documented scoping for
 *   DeleteNetworkInterface is "a unique resource ID, or all resource IDs" — Lambda picks the ENI), and the
 *   two Describe actions on "*", the only resource they accept;
 * - a Deny of the same EC2 actions when the call carries this function's lambda:SourceFunctionArn, i.e. is
 *   made with the role's credentials from inside the function code; Lambda's own ENI management does not
 *   carry the key and is unaffected (AWS Lambda Developer Guide, "Giving Lambda functions access to
 *   resources in an Amazon VPC", required IAM permissions). ArnEquals matches wildcards, so the qualified
 *   ARNs of versions and aliases are covered too;
 * - with tracing, xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource-level form.
 */
export function executionStatements(p: {
  logGroupArn: string;
  ec2Resource: string;
  functionArn: string;
  tracing: boolean;
}): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${p.logGroupArn}:*`,
    },
    { Sid: "ManageVpcNetworkInterfaces", Effect: "Allow", Action: [...VPC_ENI_ACTIONS], Resource: p.ec2Resource },
    { Sid: "DescribeVpcNetworking", Effect: "Allow", Action: [...VPC_DESCRIBE_ACTIONS], Resource: "*" },
    {
      Sid: "DenyNetworkInterfaceCallsFromFunctionCode",
      Effect: "Deny",
      Action: [...VPC_ENI_ACTIONS, ...VPC_DESCRIBE_ACTIONS, "ec2:DetachNetworkInterface"],
      Resource: "*",
      Condition: { ArnEquals: { "lambda:SourceFunctionArn": [p.functionArn, `${p.functionArn}:*`] } },
    },
  ];
  if (p.tracing) {
    statements.push({
      Sid: "WriteTraces",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: "*",
    });
  }
  return statements;
}
