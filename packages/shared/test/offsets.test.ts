import { codePointToUtf16, toJsIndices, withJsIndices } from "../src/client";

// Offsets as Python counts them: one per code point.
const pythonFind = (text: string, needle: string) => {
  const chars = Array.from(text);
  const target = Array.from(needle);
  for (let i = 0; i + target.length <= chars.length; i++) {
    if (target.every((c, j) => chars[i + j] === c)) {
      return { start: i, end: i + target.length };
    }
  }
  throw new Error(`${needle} not in ${text}`);
};

describe("code point to JavaScript offsets", () => {
  test("an emoji before the entity shifts it by one code unit", () => {
    const text = "🚀 He works at Google.";
    const entity = { text: "Google", label: "ORG", start: 14, end: 20 };
    expect(pythonFind(text, "Google")).toEqual({ start: 14, end: 20 });
    expect(text.slice(entity.start, entity.end)).not.toBe("Google");
    expect(toJsIndices(text, entity)).toEqual({ jsStart: 15, jsEnd: 21 });
    expect(text.slice(15, 21)).toBe("Google");
  });

  test("plain BMP text maps to itself", () => {
    const text = "Zoë works at Société Générale in Zürich — 東京.";
    const convert = codePointToUtf16(text);
    for (let i = 0; i <= text.length; i++) {
      expect(convert(i)).toBe(i);
    }
  });

  test("many astral characters, inside and around entities", () => {
    const text = "👩‍💻 Ada 🇬🇧 met 𝔊𝔬𝔬𝔤𝔩𝔢 and Alan 😀😀 in London 🏙️.";
    const names = ["Ada", "𝔊𝔬𝔬𝔤𝔩𝔢", "Alan", "London"];
    const entities = names.map((name) => ({ text: name, label: "X", ...pythonFind(text, name) }));
    for (const e of withJsIndices(text, entities)) {
      expect(text.slice(e.jsStart, e.jsEnd)).toBe(e.text);
    }
  });

  test("a lone surrogate counts as one code point on both sides", () => {
    const text = "\uD83D x Google";
    expect(toJsIndices(text, { start: 4, end: 10 })).toEqual({ jsStart: 4, jsEnd: 10 });
  });

  test("offsets that do not fit the text are a RangeError", () => {
    expect(() => toJsIndices("🚀 Google", { start: 2, end: 9 })).toThrow(RangeError);
    expect(() => toJsIndices("🚀 Google", { start: 2, end: 9 })).toThrow(
      /code point offset 9 is outside the text \(0\.\.8 code points\)/,
    );
    expect(() => toJsIndices("abc", { start: -1, end: 1 })).toThrow(RangeError);
    expect(() => toJsIndices("abc", { start: 0.5, end: 1 })).toThrow(RangeError);
    expect(toJsIndices("🚀 Google", { start: 2, end: 8 })).toEqual({ jsStart: 3, jsEnd: 9 });
  });
});
