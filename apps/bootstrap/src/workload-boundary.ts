import { LOG_DELIVERY_ACTIONS } from "./provider-actions";

/**
 * The permissions boundary of every role the environment stacks create: the most any of them may ever do,
 * whatever inline policy the deploy role attaches. It is the union of what the workloads need — Lambda's VPC
 * interfaces, their own logs, X-Ray, EFS client access, a private model wheel in S3, the NER batch job's bucket,
 * worker and child executions — and nothing of IAM, STS
 * or other services, so a role created by a compromised deploy cannot be more than a workload.
 * apps/bootstrap/test/workload-boundary.test.ts checks that every action the stacks grant lies inside it.
 */
export const WORKLOAD_BOUNDARY_ACTIONS = {
  /** Lambda attaches functions to the VPC with these (Describe* have no resource-level form). */
  vpc: [
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
    "ec2:DetachNetworkInterface",
  ],
  /** The functions' and the flow logs' own log streams. */
  logs: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
  /** Active tracing (prod). */
  tracing: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  /** Mounting the model store (the file system policy decides who may write). */
  efs: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
  /** A private model wheel in S3 (model.source.kind "s3"); the sync's inline policy names the one object. */
  modelWheel: ["s3:GetObject"],
  /**
   * The NER batch job (batchJob): its worker lists, reads and writes the job's bucket; its state machine invokes
   * its worker, runs its map's child executions, writes the map's results; its inline policies name the prefixes.
   */
  batchJobObjects: ["s3:PutObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
  batchJobBuckets: ["s3:ListBucket"],
  batchJobInvoke: ["lambda:InvokeFunction"],
  batchJobExecutions: [
    "states:StartExecution",
    "states:DescribeExecution",
    "states:StopExecution",
    "states:RedriveExecution",
  ],
  /** A state machine's log delivery to CloudWatch Logs: these actions have no resource type. */
  logDelivery: [...LOG_DELIVERY_ACTIONS, "logs:DescribeLogGroups"],
} as const;

/** The boundary policy document for roles in `accountId`. */
export function workloadBoundaryDocument(partition: string, accountId: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "VpcNetworkInterfacesAndTracing",
        Effect: "Allow",
        Action: [
          ...WORKLOAD_BOUNDARY_ACTIONS.vpc,
          ...WORKLOAD_BOUNDARY_ACTIONS.tracing,
          ...WORKLOAD_BOUNDARY_ACTIONS.logDelivery,
        ],
        Resource: "*",
      },
      {
        Sid: "OwnLogGroupsOfThisAccount",
        Effect: "Allow",
        Action: [...WORKLOAD_BOUNDARY_ACTIONS.logs],
        Resource: `arn:${partition}:logs:*:${accountId}:log-group:*`,
      },
      {
        Sid: "ModelStoresOfThisAccount",
        Effect: "Allow",
        Action: [...WORKLOAD_BOUNDARY_ACTIONS.efs],
        Resource: `arn:${partition}:elasticfilesystem:*:${accountId}:file-system/*`,
      },
      {
        Sid: "ModelWheelObjects",
        Effect: "Allow",
        Action: [...WORKLOAD_BOUNDARY_ACTIONS.modelWheel, ...WORKLOAD_BOUNDARY_ACTIONS.batchJobObjects],
        Resource: `arn:${partition}:s3:::*/*`,
      },
      {
        Sid: "BatchJobBuckets",
        Effect: "Allow",
        Action: [...WORKLOAD_BOUNDARY_ACTIONS.batchJobBuckets],
        Resource: `arn:${partition}:s3:::*`,
      },
      {
        Sid: "BatchJobWorkersOfThisAccount",
        Effect: "Allow",
        Action: [...WORKLOAD_BOUNDARY_ACTIONS.batchJobInvoke],
        Resource: `arn:${partition}:lambda:*:${accountId}:function:*`,
      },
      {
        Sid: "BatchJobExecutionsOfThisAccount",
        Effect: "Allow",
        Action: [...WORKLOAD_BOUNDARY_ACTIONS.batchJobExecutions],
        Resource: `arn:${partition}:states:*:${accountId}:*`,
      },
    ],
  };
}
