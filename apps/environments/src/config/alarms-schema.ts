import { z } from "zod";

/** Who an alarm reaches: an e-mail address (confirmed by a link AWS sends) or an https webhook. */
export const alarmSubscriptionSchema = z.discriminatedUnion("protocol", [
  z.strictObject({ protocol: z.literal("email"), endpoint: z.email("must be an e-mail address") }),
  z.strictObject({
    protocol: z.literal("https"),
    endpoint: z.url({ protocol: /^https$/, error: "must be an https URL" }),
  }),
]);

/** The environment's alarms, the SNS topic they notify, and who is subscribed to it. */
export const alarmsSchema = z.strictObject({
  enabled: z.boolean(),
  /** Subscribers of the environment's alarm topic; staging and prod need at least one. */
  subscriptions: z.array(alarmSubscriptionSchema).default([]),
  /** Further alarm actions (ARNs, e.g. an incident tool's topic) notified besides the environment's topic. */
  actions: z.array(z.string().startsWith("arn:")).default([]),
  /** Length of one evaluated period, in seconds (a multiple of 60). */
  periodSeconds: z.int().min(60).multipleOf(60).default(60),
  /** N of M-of-N: how many recent periods are evaluated. */
  evaluationPeriods: z.int().min(1).max(60).default(5),
  /** M of M-of-N: how many of them must breach before the alarm fires. */
  datapointsToAlarm: z.int().min(1).max(60).default(3),
});

export type AlarmSubscription = z.output<typeof alarmSubscriptionSchema>;
