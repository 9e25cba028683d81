/**
 * The IAM actions the AWS provider (6.x) calls for each resource and data source type the environment stacks
 * use: `read` is what a refresh and a plan call, `write` what create, update and delete add. The plan role gets
 * only `read`, the deploy role both. apps/bootstrap/test/provider-actions.test.ts fails when a stack uses a type
 * this table does not list, so a new resource cannot reach the pipeline without its actions being chosen here.
 *
 * Every action is named (no `ec2:Describe*`): a wildcard would also grant actions AWS adds later. The lists come
 * from the provider's read/create/update/delete functions and the Service Authorization Reference; they were
 * not run against a real account from here (no AWS access), so the first pipeline run may name a missing one.
 */
export interface ProviderActions {
  /** Actions a refresh/plan of this type calls. */
  readonly read: readonly string[];
  /** Actions creating, updating and deleting it adds. */
  readonly write: readonly string[];
}

const EC2_TAGS = ["ec2:CreateTags", "ec2:DeleteTags"];

/** CloudWatch Logs' log delivery, set up by whoever configures a service to log (API stages, state machines). */
export const LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
] as const;

export const PROVIDER_ACTIONS: Readonly<Record<string, ProviderActions>> = {
  // --- data sources
  aws_availability_zones: { read: ["ec2:DescribeAvailabilityZones"], write: [] },
  // sts:GetCallerIdentity needs no permission; the partition and region come from the provider's configuration.
  aws_caller_identity: { read: [], write: [] },
  aws_partition: { read: [], write: [] },
  aws_region: { read: ["ec2:DescribeRegions"], write: [] },

  // --- network
  aws_vpc: {
    read: [
      "ec2:DescribeVpcs",
      "ec2:DescribeVpcAttribute",
      "ec2:DescribeNetworkAcls",
      "ec2:DescribeRouteTables",
      "ec2:DescribeSecurityGroups",
    ],
    write: ["ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", ...EC2_TAGS],
  },
  aws_subnet: {
    read: ["ec2:DescribeSubnets"],
    write: ["ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute", ...EC2_TAGS],
  },
  aws_internet_gateway: {
    read: ["ec2:DescribeInternetGateways"],
    write: [
      "ec2:CreateInternetGateway",
      "ec2:AttachInternetGateway",
      "ec2:DetachInternetGateway",
      "ec2:DeleteInternetGateway",
      ...EC2_TAGS,
    ],
  },
  aws_eip: {
    read: ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"],
    write: ["ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:DisassociateAddress", ...EC2_TAGS],
  },
  aws_nat_gateway: {
    read: ["ec2:DescribeNatGateways"],
    write: ["ec2:CreateNatGateway", "ec2:DeleteNatGateway", ...EC2_TAGS],
  },
  aws_route_table: {
    read: ["ec2:DescribeRouteTables"],
    write: ["ec2:CreateRouteTable", "ec2:DeleteRouteTable", ...EC2_TAGS],
  },
  aws_route: {
    read: ["ec2:DescribeRouteTables"],
    write: ["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"],
  },
  aws_route_table_association: {
    read: ["ec2:DescribeRouteTables"],
    write: ["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"],
  },
  aws_security_group: {
    read: ["ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"],
    write: [
      "ec2:CreateSecurityGroup",
      "ec2:DeleteSecurityGroup",
      // The provider removes the default allow-all egress rule of a new group.
      "ec2:RevokeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
      ...EC2_TAGS,
    ],
  },
  aws_default_security_group: {
    read: ["ec2:DescribeSecurityGroups"],
    write: ["ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", ...EC2_TAGS],
  },
  aws_vpc_security_group_ingress_rule: {
    read: ["ec2:DescribeSecurityGroupRules"],
    write: [
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:ModifySecurityGroupRules",
      "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
      ...EC2_TAGS,
    ],
  },
  aws_vpc_security_group_egress_rule: {
    read: ["ec2:DescribeSecurityGroupRules"],
    write: [
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:ModifySecurityGroupRules",
      "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
      ...EC2_TAGS,
    ],
  },
  aws_network_acl: {
    read: ["ec2:DescribeNetworkAcls"],
    write: [
      "ec2:CreateNetworkAcl",
      "ec2:DeleteNetworkAcl",
      "ec2:CreateNetworkAclEntry",
      "ec2:ReplaceNetworkAclEntry",
      "ec2:DeleteNetworkAclEntry",
      "ec2:ReplaceNetworkAclAssociation",
      ...EC2_TAGS,
    ],
  },
  aws_default_network_acl: {
    read: ["ec2:DescribeNetworkAcls"],
    write: [
      "ec2:CreateNetworkAclEntry",
      "ec2:ReplaceNetworkAclEntry",
      "ec2:DeleteNetworkAclEntry",
      "ec2:ReplaceNetworkAclAssociation",
      ...EC2_TAGS,
    ],
  },
  aws_vpc_endpoint: {
    read: ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", "ec2:DescribeVpcEndpointServices"],
    write: ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints", ...EC2_TAGS],
  },
  aws_flow_log: {
    read: ["ec2:DescribeFlowLogs"],
    // iam:PassRole of the flow-logs role is granted separately, scoped to the environment's roles.
    write: ["ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", ...EC2_TAGS],
  },

  // --- model store
  aws_efs_file_system: {
    read: [
      "elasticfilesystem:DescribeFileSystems",
      "elasticfilesystem:DescribeLifecycleConfiguration",
      "elasticfilesystem:ListTagsForResource",
    ],
    write: [
      "elasticfilesystem:CreateFileSystem",
      "elasticfilesystem:UpdateFileSystem",
      "elasticfilesystem:UpdateFileSystemProtection",
      "elasticfilesystem:DeleteFileSystem",
      "elasticfilesystem:PutLifecycleConfiguration",
      "elasticfilesystem:TagResource",
      "elasticfilesystem:UntagResource",
    ],
  },
  aws_efs_mount_target: {
    read: [
      "elasticfilesystem:DescribeMountTargets",
      "elasticfilesystem:DescribeMountTargetSecurityGroups",
      "ec2:DescribeNetworkInterfaces",
    ],
    // The caller needs the ENI actions too: EFS creates the mount target's interface in its name.
    write: [
      "elasticfilesystem:CreateMountTarget",
      "elasticfilesystem:DeleteMountTarget",
      "elasticfilesystem:ModifyMountTargetSecurityGroups",
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeNetworkInterfaceAttribute",
    ],
  },
  aws_efs_access_point: {
    read: ["elasticfilesystem:DescribeAccessPoints"],
    write: [
      "elasticfilesystem:CreateAccessPoint",
      "elasticfilesystem:DeleteAccessPoint",
      "elasticfilesystem:TagResource",
      "elasticfilesystem:UntagResource",
    ],
  },
  aws_efs_file_system_policy: {
    read: ["elasticfilesystem:DescribeFileSystemPolicy"],
    write: ["elasticfilesystem:PutFileSystemPolicy", "elasticfilesystem:DeleteFileSystemPolicy"],
  },
  aws_efs_backup_policy: {
    read: ["elasticfilesystem:DescribeBackupPolicy"],
    write: ["elasticfilesystem:PutBackupPolicy"],
  },

  // --- functions and API
  aws_lambda_function: {
    // GetFunction is the provider's only read of a function: there is no plan without it. It returns the
    // environment variables and a code download URL, so the plan role gets it on this environment's functions
    // only, whose variables hold configuration, never secrets (see docs/security.md).
    read: [
      "lambda:GetFunction",
      "lambda:GetFunctionCodeSigningConfig",
      "lambda:GetFunctionRecursionConfig",
      "lambda:GetRuntimeManagementConfig",
      "lambda:ListVersionsByFunction",
      "lambda:ListTags",
    ],
    write: [
      "lambda:CreateFunction",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:PublishVersion",
      "lambda:PutFunctionConcurrency",
      "lambda:DeleteFunctionConcurrency",
      "lambda:DeleteFunction",
      "lambda:TagResource",
      "lambda:UntagResource",
      // CreateFunction in a VPC checks that the caller may see the subnets and groups it names.
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcs",
    ],
  },
  aws_lambda_alias: {
    read: ["lambda:GetAlias"],
    write: ["lambda:CreateAlias", "lambda:UpdateAlias", "lambda:DeleteAlias"],
  },
  aws_lambda_provisioned_concurrency_config: {
    read: ["lambda:GetProvisionedConcurrencyConfig"],
    write: ["lambda:PutProvisionedConcurrencyConfig", "lambda:DeleteProvisionedConcurrencyConfig"],
  },
  // Autoscaling of the live alias's provisioned concurrency (SpacyFunction provisionedConcurrencyScaling); AWS
  // creates the service-linked role AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency on first use.
  aws_appautoscaling_target: {
    read: ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:ListTagsForResource"],
    write: [
      "application-autoscaling:RegisterScalableTarget",
      "application-autoscaling:DeregisterScalableTarget",
      "application-autoscaling:TagResource",
      "application-autoscaling:UntagResource",
    ],
  },
  aws_appautoscaling_policy: {
    read: ["application-autoscaling:DescribeScalingPolicies"],
    write: ["application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy"],
  },
  aws_appautoscaling_scheduled_action: {
    read: ["application-autoscaling:DescribeScheduledActions"],
    write: ["application-autoscaling:PutScheduledAction", "application-autoscaling:DeleteScheduledAction"],
  },
  aws_lambda_permission: {
    read: ["lambda:GetPolicy"],
    write: ["lambda:AddPermission", "lambda:RemovePermission"],
  },
  aws_lambda_layer_version: {
    read: ["lambda:GetLayerVersion"],
    write: ["lambda:PublishLayerVersion", "lambda:DeleteLayerVersion"],
  },
  // Its read is a no-op (the result lives in state); creating it invokes the model sync once.
  aws_lambda_invocation: { read: [], write: ["lambda:InvokeFunction"] },
  // HTTP APIs are managed through API Gateway's REST-style actions, scoped by resource path.
  aws_apigatewayv2_api: {
    read: ["apigateway:GET"],
    write: ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE", "apigateway:PUT"],
  },
  aws_apigatewayv2_integration: {
    read: ["apigateway:GET"],
    write: ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"],
  },
  aws_apigatewayv2_route: {
    read: ["apigateway:GET"],
    write: ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"],
  },
  aws_apigatewayv2_stage: {
    read: ["apigateway:GET"],
    // Access logging to CloudWatch Logs: the caller sets up the log delivery (HTTP API documentation).
    write: ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE", ...LOG_DELIVERY_ACTIONS],
  },

  // --- roles (iam:CreateRole and iam:PutRolePermissionsBoundary are granted only with the boundary)
  aws_iam_role: {
    read: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"],
    write: [
      "iam:DeleteRole",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
      "iam:UpdateAssumeRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:ListInstanceProfilesForRole",
    ],
  },
  aws_iam_role_policy: { read: ["iam:GetRolePolicy"], write: ["iam:PutRolePolicy", "iam:DeleteRolePolicy"] },

  // --- logs, alarms, dashboard, topic
  aws_cloudwatch_log_group: {
    read: ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
    write: [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:DeleteRetentionPolicy",
      "logs:TagResource",
      "logs:UntagResource",
    ],
  },
  // The NER batch job's state machine; its logging needs the caller to set up the log delivery too.
  aws_sfn_state_machine: {
    read: ["states:DescribeStateMachine", "states:ListTagsForResource", "states:ListStateMachineVersions"],
    write: [
      "states:CreateStateMachine",
      "states:UpdateStateMachine",
      "states:DeleteStateMachine",
      "states:ValidateStateMachineDefinition",
      "states:TagResource",
      "states:UntagResource",
      ...LOG_DELIVERY_ACTIONS,
      "logs:DescribeLogGroups",
    ],
  },
  aws_cloudwatch_metric_alarm: {
    read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
    write: [
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
    ],
  },
  aws_cloudwatch_dashboard: {
    read: ["cloudwatch:GetDashboard"],
    write: ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"],
  },
  aws_kms_key: {
    read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
    write: [
      "kms:CreateKey",
      "kms:PutKeyPolicy",
      "kms:EnableKeyRotation",
      "kms:DisableKeyRotation",
      "kms:UpdateKeyDescription",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:ScheduleKeyDeletion",
    ],
  },
  aws_kms_alias: { read: ["kms:ListAliases"], write: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"] },
  aws_sns_topic: {
    read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
    write: ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource"],
  },
  aws_sns_topic_policy: { read: ["sns:GetTopicAttributes"], write: ["sns:SetTopicAttributes"] },
  aws_sns_topic_subscription: {
    read: ["sns:GetSubscriptionAttributes"],
    write: ["sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes"],
  },

  // --- the layer's artifact bucket
  aws_s3_bucket: {
    read: [
      "s3:ListBucket",
      "s3:GetBucketLocation",
      "s3:GetBucketAcl",
      "s3:GetBucketCORS",
      "s3:GetBucketWebsite",
      "s3:GetBucketVersioning",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketLogging",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:GetBucketObjectLockConfiguration",
      "s3:GetBucketTagging",
      "s3:GetBucketPolicy",
    ],
    // force_destroy (outside prod) deletes every object version first.
    write: [
      "s3:CreateBucket",
      "s3:DeleteBucket",
      "s3:PutBucketTagging",
      "s3:ListBucketVersions",
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
    ],
  },
  aws_s3_bucket_versioning: { read: ["s3:GetBucketVersioning"], write: ["s3:PutBucketVersioning"] },
  aws_s3_bucket_server_side_encryption_configuration: {
    read: ["s3:GetEncryptionConfiguration"],
    write: ["s3:PutEncryptionConfiguration"],
  },
  aws_s3_bucket_public_access_block: {
    read: ["s3:GetBucketPublicAccessBlock"],
    write: ["s3:PutBucketPublicAccessBlock"],
  },
  aws_s3_bucket_policy: { read: ["s3:GetBucketPolicy"], write: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"] },
  aws_s3_bucket_ownership_controls: {
    read: ["s3:GetBucketOwnershipControls"],
    write: ["s3:PutBucketOwnershipControls", "s3:DeleteBucketOwnershipControls"],
  },
  aws_s3_bucket_lifecycle_configuration: {
    read: ["s3:GetLifecycleConfiguration"],
    write: ["s3:PutLifecycleConfiguration"],
  },
  // HeadObject needs s3:GetObject: granted on the layer bucket's objects only (build artifacts, not data).
  aws_s3_object: {
    read: ["s3:GetObject", "s3:GetObjectTagging"],
    write: ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion"],
  },
};

/** Sorted, de-duplicated actions of one kind over every type. */
export function actionsOf(kind: keyof ProviderActions, filter: (action: string) => boolean = () => true): string[] {
  return [...new Set(Object.values(PROVIDER_ACTIONS).flatMap((a) => a[kind]))].filter(filter).sort();
}
