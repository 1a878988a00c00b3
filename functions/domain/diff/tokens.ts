/**
 * Word tokens: a run of letters, marks and digits (`\p{L}\p{M}\p{N}`, so a Vietnamese syllable with its
 * combining or precomposed diacritics is one token), a run of whitespace, or any other single code
 * point (punctuation, symbols, emoji) on its own. Concatenating the tokens gives back the text exactly.
 *
 * A hand-written scanner with a lazily filled class table, several times faster than a Unicode
 * property regex, because word diffs run on every changed region of every modified section.
 */

const WORD = 1;
const SPACE = 2;
const OTHER = 3;

const classTable = new Uint8Array(65536);
const WORD_RE = /^[\p{L}\p{M}\p{N}]$/u;
const SPACE_RE = /^\s$/u;

function classify(ch: string): number {
  if (WORD_RE.test(ch)) return WORD;
  if (SPACE_RE.test(ch)) return SPACE;
  return OTHER;
}

function classOfUnit(code: number): number {
  let cls = classTable[code]!;
  if (cls === 0) {
    cls = classify(String.fromCharCode(code));
    classTable[code] = cls;
  }
  return cls;
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The one character-class lookup of this module: the class (`WORD`, `SPACE`, `OTHER`) of the code point
 * at `i` of `text`, plus 4 when it is a surrogate pair (two UTF-16 units); `code` is `text.charCodeAt(i)`.
 * BMP units come from the lazily filled table; a lone surrogate is `OTHER`.
 */
function charInfo(text: string, i: number, code: number): number {
  if (code < 0xd800 || code > 0xdfff) return classTable[code] || classOfUnit(code);
  if (isHigh(code) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) {
    return classify(text.slice(i, i + 2)) + 4;
  }
  return classOfUnit(code);
}

let scratch = new Int32Array(1024);
let idScratch = new Int32Array(1024);

function ensureScratch(size: number): Int32Array {
  if (scratch.length < size) scratch = new Int32Array(Math.max(size, scratch.length * 2));
  return scratch;
}

/** Separators that stay inside a number between two digits: `15.47`, `1,000`, `2026-01-05`, `10:30`, `31/12`. */
const isNumberJoiner = (c: number) => c === 46 || c === 44 || c === 58 || c === 47 || c === 45;
const isDigit = (c: number) => c >= 48 && c <= 57;
const EMAIL_AT = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/uy;
const URL_AT = /(?:https?:\/\/|www\.)[^\s<>"'`]+/iy;

/** `http`/`HTTP` or `www.` at `i` (whose unit is `code`): the only starts `URL_AT` can match. */
function mayStartUrl(text: string, i: number, code: number): boolean {
  const lower = code | 0x20;
  if (lower === 104 /* h */)
    return (text.charCodeAt(i + 1) | 0x20) === 116 && (text.charCodeAt(i + 2) | 0x20) === 116;
  return lower === 119 /* w */ && (text.charCodeAt(i + 1) | 0x20) === 119 && text.charCodeAt(i + 3) === 46;
}

/**
 * An `@` within `EMAIL_AT`'s reach of the word that starts at `start` (its local part is at most 64
 * units), looked for from `i` on: most words followed by `.` or `-` are not e-mail addresses, and the
 * Unicode-class regex is far dearer than this bounded scan.
 */
function atSignNear(text: string, i: number, start: number): boolean {
  const end = Math.min(text.length, start + 65);
  for (let k = i; k < end; k++) if (text.charCodeAt(k) === 64) return true;
  return false;
}

/** Class of the token found by the last `tokenEnd` call. */
let lastClass = 0;

/**
 * End of the token that starts at `i` (see the module comment), and its class in `lastClass`. Besides
 * letter/digit runs, whitespace runs and single symbols, these are single tokens, so that a changed
 * figure reads as one replaced value (`15.5` → `15.47`), not as changed digits:
 * - numbers with inner separators between digits: `15.47`, `1,000.50`, `2026-01-05`, `10:30`, `31/12/2026`;
 * - URLs (`https://…`, `http://…`, `www.…`) up to the next space, without trailing punctuation;
 * - e-mail addresses.
 */
function tokenEnd(text: string, i: number, n: number): number {
  let code = text.charCodeAt(i);
  let info = charInfo(text, i, code);
  const cls = info & 3;
  lastClass = cls;
  const start = i;
  i += info > 3 ? 2 : 1;
  if (cls === OTHER) return i;
  if (cls === WORD && mayStartUrl(text, start, code)) {
    URL_AT.lastIndex = start;
    if (URL_AT.test(text)) {
      let end = URL_AT.lastIndex;
      while (end > start && /[.,;:!?)\]}’”*_]/.test(text[end - 1]!)) end--;
      if (end > start + 4) return end;
    }
  }
  for (;;) {
    while (i < n) {
      code = text.charCodeAt(i);
      info = charInfo(text, i, code);
      if ((info & 3) !== cls) break;
      i += info > 3 ? 2 : 1;
    }
    if (cls !== WORD || i >= n) return i;
    const c = text.charCodeAt(i);
    if (isNumberJoiner(c) && isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    if ((c === 64 /* @ */ || c === 46 || c === 45 || c === 95 || c === 43) && atSignNear(text, i, start)) {
      EMAIL_AT.lastIndex = start;
      if (EMAIL_AT.test(text)) return EMAIL_AT.lastIndex;
    }
    return i;
  }
}

/** Start offsets of the tokens of `text`, plus `text.length` as a final sentinel. */
export function tokenBoundaries(text: string): Int32Array {
  const n = text.length;
  const starts = ensureScratch(n + 1);
  let count = 0;
  let i = 0;
  while (i < n) {
    starts[count++] = i;
    i = tokenEnd(text, i, n);
  }
  starts[count++] = n;
  return starts.slice(0, count);
}

/** Tokens of a text as interned ids, with their boundaries (see `tokenizeInterned`). */
export interface InternedTokens {
  /** Token start offsets plus the text length. */
  starts: Int32Array;
  ids: Int32Array;
}

/** What `tokenizeInterned` needs from an interner (see `SpanInterner`). */
export interface TokenSink {
  addText(text: string): number;
  add(side: number, text: string, start: number, end: number, hash: number): number;
}

/**
 * Tokenises, hashes and interns in one pass over the text, and sets the bit of every word token in
 * `bits` (for `estimateSimilarity`), so a changed region is scanned once, not three times.
 */
export function tokenizeInterned(text: string, sink: TokenSink, bits: Uint32Array): InternedTokens {
  const n = text.length;
  const starts = ensureScratch(n + 1);
  if (idScratch.length < n) idScratch = new Int32Array(Math.max(n, idScratch.length * 2));
  const ids = idScratch;
  const side = sink.addText(text);
  let count = 0;
  let i = 0;
  while (i < n) {
    const start = i;
    i = tokenEnd(text, i, n);
    let h = 0x811c9dc5;
    for (let k = start; k < i; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
    if (lastClass === WORD) bits[(h >>> 5) & 31]! |= 1 << (h & 31);
    starts[count] = start;
    ids[count++] = sink.add(side, text, start, i, h);
  }
  starts[count] = n;
  return { starts: starts.slice(0, count + 1), ids: ids.slice(0, count) };
}

/** Whitespace token? (for weighting matches: spaces are cheap to match, words are what counts) */
export function isSpaceAt(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  return (charInfo(text, i, code) & 3) === SPACE;
}

/** Estimated word-set Jaccard index of two word bitmaps (see `WordFingerprint.estimate`). */
export function estimateSimilarity(a: Uint32Array, b: Uint32Array): number {
  return bitmapSimilarity(a, b);
}

/**
 * Estimated word-set Jaccard index of two texts (1024-bit bitmaps, see `WordFingerprint.estimate`);
 * NaN when they have too many distinct words to tell.
 */
export function wordSimilarity(x: string, y: string): number {
  const a = new Uint32Array(32);
  const b = new Uint32Array(32);
  addWordBits(x, a);
  addWordBits(y, b);
  return bitmapSimilarity(a, b);
}

/** The tokens themselves (mostly for tests and callers that want strings). */
export function tokenize(text: string): string[] {
  const b = tokenBoundaries(text);
  const out: string[] = [];
  for (let k = 0; k + 1 < b.length; k++) out.push(text.slice(b[k]!, b[k + 1]!));
  return out;
}

/**
 * Bitmaps are carved from shared arenas: one `new Uint32Array(32)` each cost more than the bitmap, and so
 * did a `subarray` view of an arena, so a fingerprint keeps its arena and its offset in it.
 */
const ARENA_BITMAPS = 4096;
let arena = new Uint32Array(0);
let arenaUsed = ARENA_BITMAPS;

/**
 * Word fingerprint of some texts: the 32-bit hashes of their word tokens (whitespace and punctuation left
 * out; each part scanned on its own, so callers need not concatenate) and a 1024-bit bitmap of them for a
 * quick similarity estimate. No strings are allocated. A hash collision can only nudge a similarity
 * score, never the content of a diff.
 */
export class WordFingerprint {
  /** The arena holding the bitmap, at `at`…`at + 31`. */
  private readonly arena: Uint32Array;
  private readonly at: number;
  private readonly parts: string[];
  private sortedSet: Int32Array | undefined;

  /** Set bits, and the linear-counting estimate of the number of distinct words. */
  readonly setBits: number;
  readonly cardinality: number;

  constructor(...parts: string[]) {
    if (arenaUsed === ARENA_BITMAPS) {
      arena = new Uint32Array(32 * ARENA_BITMAPS);
      arenaUsed = 0;
    }
    const bits = arena;
    const at = 32 * arenaUsed++;
    this.arena = bits;
    this.at = at;
    this.parts = parts;
    for (const text of parts) addWordBits(text, bits, at);
    let set = 0;
    for (let k = 0; k < 32; k++) set += popcount(bits[at + k]!);
    this.setBits = set;
    this.cardinality = linearCount(set);
  }

  /** Sorted, de-duplicated word hashes (computed on first use, by scanning the texts again). */
  get set(): Int32Array {
    if (this.sortedSet === undefined) {
      let total = 0;
      for (const text of this.parts) total += text.length;
      const hashes = ensureScratch((total >> 1) + 1);
      let count = 0;
      for (const text of this.parts) count = wordHashes(text, hashes, count);
      const sorted = hashes.subarray(0, count).sort();
      let len = 0;
      for (let k = 0; k < count; k++) {
        if (k === 0 || sorted[k] !== sorted[len - 1]) sorted[len++] = sorted[k]!;
      }
      this.sortedSet = sorted.slice(0, len);
    }
    return this.sortedSet;
  }

  /**
   * Word-set Jaccard index estimated on the bitmaps by linear counting (set sizes from the share of zero
   * bits, n ≈ −m·ln(zeros/m), which corrects for bit collisions); NaN when a bitmap is too full to tell.
   */
  estimate(other: WordFingerprint): number {
    const a = this.arena;
    const b = other.arena;
    const x = this.at;
    const y = other.at;
    let setU = 0;
    for (let k = 0; k < 32; k++) setU += popcount(a[x + k]! | b[y + k]!);
    return similarityFromCounts(this.cardinality, other.cardinality, setU);
  }

  /** Exact word-set Jaccard index (1 when neither has words). */
  similarity(other: WordFingerprint): number {
    return jaccard(this.set, other.set);
  }
}

const BITS = 1024;
/** Beyond this many set bits (~1,600 distinct words) linear counting is too coarse. */
const FULL = 800;

const linearCount = (set: number) => -BITS * Math.log((BITS - set) / BITS);

function similarityFromCounts(countA: number, countB: number, setUnion: number): number {
  if (setUnion === 0) return 1;
  if (setUnion > FULL) return Number.NaN;
  const union = linearCount(setUnion);
  return Math.min(1, Math.max(0, countA + countB - union) / union);
}

function bitmapSimilarity(a: Uint32Array, b: Uint32Array): number {
  let setA = 0;
  let setB = 0;
  let setU = 0;
  for (let k = 0; k < 32; k++) {
    setA += popcount(a[k]!);
    setB += popcount(b[k]!);
    setU += popcount(a[k]! | b[k]!);
  }
  return similarityFromCounts(linearCount(setA), linearCount(setB), setU);
}

/** Appends the hashes of the word tokens of `text` to `out` from `count`; returns the new count. */
function wordHashes(text: string, out: Int32Array, count: number): number {
  const n = text.length;
  let h = 0x811c9dc5;
  let inWord = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((charInfo(text, i, c) & 3) === WORD) {
      h = Math.imul(h ^ c, 0x01000193);
      inWord = true;
    } else if (inWord) {
      out[count++] = h;
      h = 0x811c9dc5;
      inWord = false;
    }
  }
  if (inWord) out[count++] = h;
  return count;
}

/** Sets the bitmap bit of every word token of `text` (the hashes of `wordHashes`). */
function addWordBits(text: string, bits: Uint32Array, at = 0): void {
  // At most one word per two characters (a word and its separator), plus one at the end.
  const hashes = ensureScratch((text.length >> 1) + 1);
  const count = wordHashes(text, hashes, 0);
  for (let k = 0; k < count; k++) {
    const h = hashes[k]!;
    bits[at + ((h >>> 5) & 31)]! |= 1 << (h & 31);
  }
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** True when the UTF-16 unit at `i` is part of a word token (letters, marks, digits). */
export function isWordUnit(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (Number.isNaN(code)) return false;
  return (charInfo(text, i, code) & 3) === WORD;
}

/** Exact Jaccard index of two sorted hash sets (1 when both are empty). */
export function jaccard(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}
