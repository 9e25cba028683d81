import { all, only, synthFunction } from "./harness";
import type { ProvisionedConcurrencyScaling } from "../src/provisioned-scaling";

const businessHours: ProvisionedConcurrencyScaling = {
  min: 1,
  max: 8,
  targetUtilization: 0.6,
  schedules: [
    { name: "weekday-morning", schedule: "cron(0 7 ? * MON-FRI *)", timezone: "Europe/Dublin", min: 4, max: 8 },
    { name: "weekday-evening", schedule: "cron(0 19 ? * MON-FRI *)", timezone: "Europe/Dublin", min: 1, max: 4 },
  ],
};

describe("provisioned concurrency scaling", () => {
  test("none unless asked: a fixed provisioned concurrency has no scaling resources and is kept by every apply", () => {
    const out = synthFunction({ provisionedConcurrency: 2, reservedConcurrency: 10 });
    expect(all(out, "aws_appautoscaling_target")).toEqual({});
    expect(all(out, "aws_appautoscaling_policy")).toEqual({});
    expect(only(out, "aws_lambda_provisioned_concurrency_config").lifecycle).toBeUndefined();
  });

  test("target tracking on the live alias, starting at min, with the count left to Application Auto Scaling", () => {
    const out = synthFunction({ reservedConcurrency: 10, provisionedConcurrencyScaling: { min: 2, max: 6 } });
    const alias = Object.keys(all(out, "aws_lambda_alias"))[0];
    const config = only(out, "aws_lambda_provisioned_concurrency_config");
    expect(config).toMatchObject({
      provisioned_concurrent_executions: 2,
      qualifier: `\${aws_lambda_alias.${alias}.name}`,
      lifecycle: { ignore_changes: ["provisioned_concurrent_executions"] },
    });
    const fn = Object.keys(all(out, "aws_lambda_function"))[0];
    const target = only(out, "aws_appautoscaling_target");
    expect(target).toMatchObject({
      service_namespace: "lambda",
      scalable_dimension: "lambda:function:ProvisionedConcurrency",
      resource_id: `function:\${aws_lambda_function.${fn}.function_name}:\${aws_lambda_alias.${alias}.name}`,
      min_capacity: 2,
      max_capacity: 6,
    });
    // The target registers only once the alias has its provisioned concurrency.
    const configId = Object.keys(all(out, "aws_lambda_provisioned_concurrency_config"))[0];
    expect(target.depends_on).toEqual([`aws_lambda_provisioned_concurrency_config.${configId}`]);
    expect(target.lifecycle).toBeUndefined();
    const policy = only(out, "aws_appautoscaling_policy");
    expect(policy).toMatchObject({
      policy_type: "TargetTrackingScaling",
      target_tracking_scaling_policy_configuration: {
        target_value: 0.7,
        predefined_metric_specification: { predefined_metric_type: "LambdaProvisionedConcurrencyUtilization" },
        scale_in_cooldown: 600,
        scale_out_cooldown: 60,
      },
    });
    const targetId = Object.keys(all(out, "aws_appautoscaling_target"))[0];
    expect(policy.resource_id).toBe(`\${aws_appautoscaling_target.${targetId}.resource_id}`);
    expect(all(out, "aws_appautoscaling_scheduled_action")).toEqual({});
  });

  test("schedules move the bounds at their times; the target then ignores the bounds they set", () => {
    const out = synthFunction({ reservedConcurrency: 10, provisionedConcurrencyScaling: businessHours });
    const fn = Object.keys(all(out, "aws_lambda_function"))[0];
    const actions = Object.values(all(out, "aws_appautoscaling_scheduled_action"));
    const rows = actions.map((a) => [a.name, a.schedule, a.timezone, a.scalable_target_action]);
    expect(rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      [
        `\${aws_lambda_function.${fn}.function_name}-weekday-evening`,
        "cron(0 19 ? * MON-FRI *)",
        "Europe/Dublin",
        { min_capacity: "1", max_capacity: "4" },
      ],
      [
        `\${aws_lambda_function.${fn}.function_name}-weekday-morning`,
        "cron(0 7 ? * MON-FRI *)",
        "Europe/Dublin",
        { min_capacity: "4", max_capacity: "8" },
      ],
    ]);
    expect(only(out, "aws_appautoscaling_target").lifecycle).toEqual({
      ignore_changes: ["min_capacity", "max_capacity"],
    });
    expect(only(out, "aws_appautoscaling_policy").target_tracking_scaling_policy_configuration.target_value).toBe(0.6);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    [
      "max below min",
      { provisionedConcurrencyScaling: { min: 4, max: 2 } },
      /provisionedConcurrencyScaling\.max must be at least provisionedConcurrencyScaling\.min \(4\), got 2/,
    ],
    [
      "min of zero",
      { provisionedConcurrencyScaling: { min: 0, max: 2 } },
      /provisionedConcurrencyScaling\.min must be an integer in 1–10 \(instances\), got 0/,
    ],
    [
      "max over the reservation",
      { provisionedConcurrencyScaling: { min: 1, max: 11 } },
      /provisionedConcurrencyScaling\.max must be an integer in 1–10 \(instances, at most reservedConcurrency\), got 11/,
    ],
    [
      "a target utilization as a percentage",
      { provisionedConcurrencyScaling: { min: 1, max: 2, targetUtilization: 70 } },
      /provisionedConcurrencyScaling\.targetUtilization must be a fraction in 0\.1–0\.9 \(AWS recommends 0\.7\), got 70/,
    ],
    [
      "a starting value outside the bounds",
      { provisionedConcurrency: 5, provisionedConcurrencyScaling: { min: 1, max: 3 } },
      /provisionedConcurrency must be within provisionedConcurrencyScaling's min–max \(1–3\), or unset to start at min, got 5/,
    ],
    [
      "a schedule in crontab syntax",
      {
        provisionedConcurrencyScaling: {
          min: 1,
          max: 2,
          schedules: [{ name: "am", schedule: "0 7 * * 1-5", min: 1, max: 2 }],
        },
      },
      /provisionedConcurrencyScaling\.schedules\[0\]\.schedule must be cron\(…\), rate\(n minutes\|hours\|days\) or at\(yyyy-mm-ddThh:mm:ss\), got "0 7 \* \* 1-5"/,
    ],
    [
      "two schedules of one name",
      {
        provisionedConcurrencyScaling: {
          min: 1,
          max: 2,
          schedules: [
            { name: "am", schedule: "rate(1 day)", min: 1, max: 2 },
            { name: "am", schedule: "rate(2 days)", min: 1, max: 2 },
          ],
        },
      },
      /provisionedConcurrencyScaling\.schedules\[1\]\.name must be unique among the schedules, got "am"/,
    ],
    [
      "a schedule above the reservation",
      {
        provisionedConcurrencyScaling: {
          min: 1,
          max: 2,
          schedules: [{ name: "peak", schedule: "rate(1 day)", min: 1, max: 20 }],
        },
      },
      /provisionedConcurrencyScaling\.schedules\[0\]\.max must be an integer in 1–10/,
    ],
  ])("refuses %s, naming the field", (_, overrides, message) => {
    expect(() => synthFunction({ reservedConcurrency: 10, ...overrides })).toThrow(message);
  });
});
