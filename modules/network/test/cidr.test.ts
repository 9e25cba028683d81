import { cidrContains, cidrsOverlap, splitCidr } from "../src";

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
});
