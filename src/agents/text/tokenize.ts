/**
 * Word tokens for ranking and text statistics: lowercase, Unicode-aware (letters, marks, digits),
 * English stop words dropped, and a light, deterministic suffix stripping so that
 * "prices", "priced" and "pricing" meet on one term.
 */

/** A compact English stop-word list (apostrophes removed, as the tokenizer removes them). */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
  "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
  "can", "cannot", "could", "did", "do", "does", "doing", "dont", "down", "during", "each", "either",
  "etc", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
  "herself", "him", "himself", "his", "how", "however", "i", "if", "in", "into", "is", "isnt", "it",
  "its", "itself", "just", "may", "me", "might", "more", "most", "must", "my", "myself", "no", "nor",
  "not", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over",
  "own", "per", "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the",
  "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those",
  "through", "thus", "to", "too", "under", "until", "up", "upon", "us", "very", "via", "was", "we",
  "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "why", "will",
  "with", "within", "without", "would", "yet", "you", "your", "yours", "yourself", "yourselves",
]);

const WORD = /[\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*/gu;
const DIGITS = /^\p{N}+$/u;
const APOSTROPHE = /['\u2019]/u;

/** Lowercased words in text order, nothing dropped or stripped (for word counts). */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Ranking tokens: lowercased words without stop words and one-letter words, lightly stemmed. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const raw of wordTokens(text)) {
    const word = APOSTROPHE.test(raw) ? raw.replace(/['\u2019]s$/u, "").replace(/['\u2019]/gu, "") : raw;
    if (STOP_WORDS.has(word)) continue;
    if (DIGITS.test(word)) {
      tokens.push(word);
      continue;
    }
    if (word.length < 2 || (word.length < 3 && [...word].length < 2)) continue;
    tokens.push(stem(word));
  }
  return tokens;
}

/**
 * Light suffix stripping: plural -ies/-es/-s, then -ing/-ed (keeping a stem of 3+ letters and
 * undoubling a final consonant), then a final silent -e. Deterministic and deliberately simple.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !/(?:ss|us|is)$/u.test(w)) w = w.slice(0, -1);

  if (w.length >= 6 && w.endsWith("ing")) w = undouble(w.slice(0, -3));
  else if (w.length >= 5 && w.endsWith("ed") && !w.endsWith("eed")) w = undouble(w.slice(0, -2));

  if (w.length >= 4 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  const last = w.at(-1);
  if (last !== undefined && w.at(-2) === last && /[bdfgkmnprt]/u.test(last)) return w.slice(0, -1);
  return w;
}
