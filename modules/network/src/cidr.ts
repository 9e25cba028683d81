import * as ipaddr from "ipaddr.js";

/** An IPv4 block as a [first, lastExclusive) range of 32-bit addresses. */
interface Block {
  readonly start: number;
  readonly end: number;
  readonly prefix: number;
}

function toBlock(cidr: string): Block {
  if (!ipaddr.IPv4.isValidCIDR(cidr)) {
    throw new Error(`"${cidr}" is not an IPv4 CIDR block like 10.0.0.0/16`);
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const value = address.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
  const size = 2 ** (32 - prefix);
  if (value % size !== 0) {
    throw new Error(`"${cidr}" has host bits set; did you mean ${fromNumber(value - (value % size))}/${prefix}?`);
  }
  return { start: value, end: value + size, prefix };
}

function fromNumber(value: number): string {
  const bytes = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256);
  return bytes.join(".");
}

/** Throws with a message naming the problem when `cidr` is not a well-formed IPv4 network. */
export function assertCidr(cidr: string): void {
  toBlock(cidr);
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
 * reviewers read concrete CIDRs in the plan rather than `cidrsubnet(...)` expressions.
 */
export function splitCidr(cidr: string, prefixLength: number, count: number): string[] {
  const block = toBlock(cidr);
  if (!Number.isInteger(prefixLength) || prefixLength < block.prefix || prefixLength > 28) {
    throw new Error(`subnet prefix length ${prefixLength} must be an integer between /${block.prefix} and /28`);
  }
  const size = 2 ** (32 - prefixLength);
  const available = (block.end - block.start) / size;
  if (count > available) {
    throw new Error(`${cidr} holds only ${available} subnets of /${prefixLength}, ${count} are needed`);
  }
  return Array.from({ length: count }, (_, i) => `${fromNumber(block.start + i * size)}/${prefixLength}`);
}
