/**
 * Big documents for tests, generated (deterministic, fast): prose in one paragraph with no line breaks, as a
 * PDF-to-text dump gives, the case whose sentence splitting was quadratic.
 */
const WORDS = [
  "edge", "accelerators", "market", "revenue", "grew", "latency", "power", "efficiency", "vendors", "shipments",
  "inference", "chips", "demand", "customers", "pricing", "analysts", "expect", "growth", "regions", "benchmarks",
];

/** At most `bytes` bytes (ASCII) of one-paragraph prose, within a sentence of it; `seed` varies the text. */
export function proseWithoutLineBreaks(bytes: number, seed = 1): string {
  let state = seed >>> 0 || 1;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) % 1_000_003;
  const sentences: string[] = [];
  let length = 0;
  for (;;) {
    const count = 8 + (next() % 12);
    const words: string[] = [];
    for (let i = 0; i < count; i++) words.push(WORDS[next() % WORDS.length]!);
    const first = words[0]!;
    const sentence = `${first[0]!.toUpperCase()}${first.slice(1)} ${words.slice(1).join(" ")} in ${2020 + (next() % 6)}.`;
    if (length + sentence.length > bytes) break;
    sentences.push(sentence);
    length += sentence.length + 1;
  }
  return sentences.join(" ");
}
