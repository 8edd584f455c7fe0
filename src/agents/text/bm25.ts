/**
 * Okapi BM25 over pre-tokenized documents, with the Lucene idf ln(1 + (N - n + 0.5) / (n + 0.5)),
 * which stays positive even for terms that occur in most documents.
 */

export interface Bm25Options {
  /** Term-frequency saturation; default 1.2. */
  k1?: number;
  /** Length normalization in 0..1; default 0.75. */
  b?: number;
}

/**
 * One score per document (same order), 0 where no query term occurs. Query terms are
 * deduplicated, so a term repeated in the query does not count twice.
 */
export function rankBm25(documents: string[][], query: string[], opts: Bm25Options = {}): number[] {
  const k1 = opts.k1 ?? 1.2;
  const b = opts.b ?? 0.75;
  if (!(k1 >= 0) || !(b >= 0 && b <= 1)) throw new RangeError("BM25 needs k1 >= 0 and 0 <= b <= 1");

  const n = documents.length;
  const scores = new Array<number>(n).fill(0);
  const terms = [...new Set(query)];
  if (n === 0 || terms.length === 0) return scores;

  const totalLength = documents.reduce((sum, doc) => sum + doc.length, 0);
  if (totalLength === 0) return scores;
  const avgLength = totalLength / n;

  // Postings of the query terms only (one pass over the tokens; no frequency map per document).
  const index = new Map<string, number>(terms.map((t, i) => [t, i]));
  const postings = terms.map(() => new Map<number, number>());
  for (let d = 0; d < n; d++) {
    for (const token of documents[d]!) {
      const t = index.get(token);
      if (t === undefined) continue;
      const posting = postings[t]!;
      posting.set(d, (posting.get(d) ?? 0) + 1);
    }
  }
  for (const posting of postings) {
    const containing = posting.size;
    if (containing === 0) continue;
    const idf = Math.log(1 + (n - containing + 0.5) / (containing + 0.5));
    for (const [d, f] of posting) {
      const norm = k1 * (1 - b + (b * documents[d]!.length) / avgLength);
      scores[d] = scores[d]! + (idf * f * (k1 + 1)) / (f + norm);
    }
  }
  return scores;
}
