import { Network } from "../src";
import { cidrContains, cidrsOverlap, splitCidr } from "../src/cidr";

describe("cidr helpers", () => {
  test("splitCidr carves consecutive blocks", () => {
    expect(splitCidr("10.1.0.0/16", 20, 3)).toEqual(["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/20"]);
    expect(splitCidr("192.168.255.0/24", 26, 4)).toEqual([
      "192.168.255.0/26",
      "192.168.255.64/26",
      "192.168.255.128/26",
      "192.168.255.192/26",
    ]);
  });

  test("overlap and containment", () => {
    expect(cidrsOverlap("10.0.0.0/16", "10.0.255.0/24")).toBe(true);
    expect(cidrsOverlap("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
    expect(cidrContains("10.0.0.0/16", "10.0.3.0/24")).toBe(true);
    expect(cidrContains("10.0.0.0/24", "10.0.0.0/16")).toBe(false);
  });

  test("only dotted-decimal networks: no octal, hex or shortened forms, no host bits", () => {
    expect(() => cidrsOverlap("010.0.0.0/8", "10.0.0.0/8")).toThrow(/"010.0.0.0\/8" must be an IPv4 CIDR block/);
    expect(() => cidrsOverlap("10.0.0/8", "10.0.0.0/8")).toThrow(/must be an IPv4 CIDR block/);
    expect(() => cidrsOverlap("10.0.0.0/08", "10.0.0.0/8")).toThrow(/must be an IPv4 CIDR block/);
    expect(() => cidrsOverlap("256.0.0.0/8", "10.0.0.0/8")).toThrow(/must be an IPv4 CIDR block/);
    expect(() => cidrsOverlap("10.0.0.0/16", "10.1.2.3/16")).toThrow(/without host bits set \(10.1.0.0\/16\)/);
    expect(cidrsOverlap("0.0.0.0/0", "255.255.255.255/32")).toBe(true);
  });

  test("Network.cidrsOverlap is the public form of the check", () => {
    expect(Network.cidrsOverlap("10.0.0.0/16", "10.0.255.0/24")).toBe(true);
    expect(Network.cidrsOverlap("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
  });
});
