// Internal to @serverless-spacy/network (not exported from the package's index): IPv4 CIDR arithmetic at
// synth time. Only dotted-decimal blocks like AWS writes them are accepted ("10.0.0.0/16"): no leading
// zeros (octal to some parsers), no hex or shortened forms.
import { invalid } from "@serverless-spacy/shared/internal";

/** What a well-formed block looks like, for messages. */
const CIDR_RULE = "an IPv4 CIDR block like 10.0.0.0/16";

/** An IPv4 block as a [first, lastExclusive) range of 32-bit addresses. */
interface Block {
  readonly start: number;
  readonly end: number;
  readonly prefix: number;
}

const OCTET = "(0|[1-9]\\d{0,2})";
const CIDR = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}\\/(0|[1-9]\\d?)$`);

function fromNumber(value: number): string {
  const bytes = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256);
  return bytes.join(".");
}

/** The block, or why `cidr` is not one (the "must be …" part of a validation message). */
function parse(cidr: string): Block | { problem: string } {
  const match = CIDR.exec(cidr);
  const parts = match ? match.slice(1).map(Number) : [];
  if (!match || parts.slice(0, 4).some((octet) => octet > 255) || parts[4] > 32) {
    return { problem: CIDR_RULE };
  }
  const prefix = parts[4];
  const value = parts.slice(0, 4).reduce((acc, octet) => acc * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  if (value % size !== 0) {
    return { problem: `a network address without host bits set (${fromNumber(value - (value % size))}/${prefix})` };
  }
  return { start: value, end: value + size, prefix };
}

function toBlock(cidr: string): Block {
  const block = parse(cidr);
  if ("problem" in block) {
    throw new Error(`${JSON.stringify(cidr)} must be ${block.problem}`);
  }
  return block;
}

/** Throw the shared validation error for `field` of the construct at `path` unless `cidr` is a network. */
export function assertCidr(path: string, field: string, cidr: string): void {
  const block = parse(cidr);
  if ("problem" in block) {
    invalid(path, field, block.problem, cidr);
  }
}

/** True when the two IPv4 blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = toBlock(a);
  const y = toBlock(b);
  return x.start < y.end && y.start < x.end;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = toBlock(outer);
  const i = toBlock(inner);
  return o.start <= i.start && i.end <= o.end;
}

/**
 * The first `count` consecutive subnets of `prefixLength` inside `cidr`, computed at synth time so that
 * reviewers read concrete CIDRs in the plan rather than `cidrsubnet(...)` expressions..
 */
export function splitCidr(cidr: string, prefixLength: number, count: number): string[] {
  const block = toBlock(cidr);
  const size = 2 ** (32 - prefixLength);
  if (prefixLength < block.prefix || block.start + count * size > block.end) {
    throw new Error(`${cidr} does not hold ${count} subnets of /${prefixLength}`);
  }
  return Array.from({ length: count }, (_, i) => `${fromNumber(block.start + i * size)}/${prefixLength}`);
}
