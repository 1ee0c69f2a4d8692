/**
 * Reads one JSON document that arrives in chunks of bytes and hands over the elements of its
 * `items` list one by one, so a `kubectl get -o json` List or an sdrain snapshot file of any
 * size is read without ever holding its whole text (V8 strings stop at ~512 MiB).
 *
 * The list whose elements are split off is the top-level object's `items` member, or the
 * top-level array itself. Everything else (the "envelope": apiVersion, kind, metadata, ...) is
 * kept and parsed at the end, with the list left empty. Each element is parsed with JSON.parse
 * on its own bytes, so multi-byte UTF-8 characters split between chunks, CRLF line ends and
 * any layout (one object per line, kubectl's indentation) are all fine.
 *
 * Fast path: when an element starts a line and the rest of that line (less a trailing comma)
 * parses as JSON, that line is the element — sdrain's snapshot format has one object per line,
 * so the scanner never has to look inside it. Otherwise the bytes are scanned (strings skipped
 * with indexOf) to find where the element ends.
 *
 * Syntax errors stop the reading with a JsonItemsError naming the line and the element.
 */
import { isAscii } from 'node:buffer';

/** A syntax error, with the 1-based line where it was found and the element's index if inside one. */
/**
 * UTF-8 bytes as a string. Object dumps are nearly always ASCII, which Latin-1 decoding copies
 * straight into a one-byte string (cheaper than UTF-8 decoding, same result for ASCII).
 */
function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

export class JsonItemsError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly item?: number,
  ) {
    super(message);
    this.name = 'JsonItemsError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NL = 0x0a;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NL || c === 0x0d || c === 0x09;
}

/**
 * Misses of the fast path tolerated before it is switched off: each costs a search of up to a
 * chunk (e.g. a whole document on one line), so they must not happen per element.
 */
const MAX_FAST_FAILURES = 16;

const BOM = [0xef, 0xbb, 0xbf];
const ITEMS_KEY = [0x69, 0x74, 0x65, 0x6d, 0x73]; // "items"

export interface SplitResult {
  /** The document without the elements of its items list (`items` is `[]`), parsed. */
  envelope: unknown;
  /** How many elements were handed over. */
  items: number;
  /** True when the document is a top-level array (its elements were the items). */
  topLevelArray: boolean;
}

export class JsonItemSplitter {
  /** Nesting depth before the byte being read (0 = outside the document). */
  private depth = 0;
  private inString = false;
  /** Backslashes at the end of the previous chunk inside a string (only their parity matters). */
  private carryBackslashes = 0;
  /** Depth of the items list's elements, or -1 when not inside it. */
  private itemsDepth = -1;
  /** Inside the items list: true once an element has started (ends at the next `,` or `]`). */
  private inItem = false;
  /** Inside the items list: a comma was read and no element has followed it yet. */
  private afterComma = false;
  private itemIndex = 0;
  private itemLine = 0;
  /** Bytes of the current element from earlier chunks. */
  private itemParts: Uint8Array[] = [];
  /** Bytes of the envelope (copies: they are small). */
  private envelopeParts: Buffer[] = [];
  /** First byte of the current chunk that still belongs to the envelope, or -1. */
  private envelopeFrom = -1;
  private line = 1;
  private started = false;
  private ended = false;
  private topLevelArray = false;
  /** At depth 1 of a top-level object: the last string read, when it may be the "items" key. */
  private keyBytes: number[] | undefined;
  private lastStringWasItems = false;
  private keyIsItems = false;
  /** Bytes of a byte order mark read so far (3 once anything else was read). */
  private bomRead = 0;
  /** Fast-path misses; after a few the layout is not one it knows and only scanning is used. */
  private fastFailures = 0;
  /** In the current chunk: no newline at or after this index (saves searching again). */
  private noNewlineFrom = Infinity;
  /** In the current chunk: the closing line last searched for, and from where it is absent. */
  private closeSearched: Buffer | undefined;
  private noCloseFrom = Infinity;

  constructor(private readonly onItem: (value: unknown, index: number, line: number) => void) {}

  /** Reads the next chunk; the splitter keeps what it needs of it (it may be reused afterwards only if fully copied — Node's read streams never reuse). */
  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    // A UTF-8 byte order mark (possibly split between chunks) is skipped.
    while (this.bomRead < 3 && i < n && chunk[i] === BOM[this.bomRead]) {
      this.bomRead++;
      i++;
    }
    if (i < n) this.bomRead = 3;
    this.envelopeFrom = this.itemsDepth >= 0 ? -1 : i;
    this.noNewlineFrom = Infinity;
    this.noCloseFrom = Infinity;
    let itemFrom = this.inItem ? 0 : -1;
    while (i < n) {
      if (this.inString) {
        const j = chunk.indexOf(QUOTE, i);
        if (j < 0) {
          // The string goes on in the next chunk: remember trailing backslashes.
          let k = n - 1;
          while (k >= i && chunk[k] === BACKSLASH) k--;
          const bs = n - 1 - k;
          this.carryBackslashes = k < i ? this.carryBackslashes + bs : bs;
          if (this.keyBytes) this.collectKey(chunk, i, n);
          i = n;
          break;
        }
        let k = j - 1;
        while (k >= i && chunk[k] === BACKSLASH) k--;
        let bs = j - 1 - k;
        if (k < i) bs += this.carryBackslashes;
        this.carryBackslashes = 0;
        if (this.keyBytes) this.collectKey(chunk, i, j);
        i = j + 1;
        if (bs % 2 === 0) {
          this.inString = false;
          if (this.keyBytes) {
            const kb = this.keyBytes;
            this.lastStringWasItems = kb.length === 5 && kb.every((b, x) => b === ITEMS_KEY[x]);
            this.keyBytes = undefined;
          }
        } else if (this.keyBytes) this.keyBytes.push(QUOTE);
        continue;
      }
      const c = chunk[i]!;
      if (c === NL) {
        this.line++;
        i++;
        continue;
      }
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (this.ended) throw new JsonItemsError('unexpected text after the end of the JSON document', this.line);
      // Inside the items list, between elements.
      if (this.itemsDepth >= 0 && this.depth === this.itemsDepth) {
        if (!this.inItem) {
          if (c === COMMA) {
            if (this.itemIndex === 0 || this.afterComma) throw new JsonItemsError(`expected an element of the items list before ","`, this.line, this.itemIndex);
            this.afterComma = true;
            i++;
            continue;
          }
          if (c === 0x5d) {
            if (this.afterComma) throw new JsonItemsError('a "," is followed by the end of the items list', this.line, this.itemIndex);
            this.closeItems(chunk, i);
            i++;
            continue;
          }
          if (this.itemIndex > 0 && !this.afterComma) throw new JsonItemsError('expected "," or "]" after an element of the items list', this.line, this.itemIndex);
          // An element starts here. Fast path: the rest of the line is the element.
          this.afterComma = false;
          this.itemLine = this.line;
          if (c === 0x7b && this.fastFailures < MAX_FAST_FAILURES) {
            const end = this.fastItem(chunk, i);
            if (end > 0) {
              // Resume after the element, so the usual rules apply to what follows.
              i = end;
              continue;
            }
          }
          this.inItem = true;
          itemFrom = i;
          // Fall through: the byte is read as part of the element.
        } else if (c === COMMA || c === 0x5d) {
          this.finishItem(chunk, itemFrom, i);
          itemFrom = -1;
          continue; // the comma or bracket is read again, now between elements
        }
      }
      if (c === QUOTE) {
        this.inString = true;
        this.carryBackslashes = 0;
        if (this.depth === 1 && !this.topLevelArray && this.itemsDepth < 0) this.keyBytes = [];
        this.keyIsItems = false;
        i++;
        continue;
      }
      if (c === 0x7b || c === 0x5b) {
        if (this.depth === 0) {
          if (this.started) throw new JsonItemsError('unexpected text after the end of the JSON document', this.line);
          this.started = true;
          if (c === 0x5b) {
            this.topLevelArray = true;
            this.depth = 1;
            this.openItems(chunk, i);
            i++;
            continue;
          }
        } else if (this.depth === 1 && c === 0x5b && this.keyIsItems && !this.topLevelArray && this.itemsDepth < 0) {
          this.depth = 2;
          this.openItems(chunk, i);
          i++;
          continue;
        }
        this.keyIsItems = false;
        this.depth++;
        i++;
        continue;
      }
      if (c === 0x7d || c === 0x5d) {
        if (this.depth === 0) throw new JsonItemsError(`unexpected "${String.fromCharCode(c)}"`, this.line, this.inItem ? this.itemIndex : undefined);
        this.depth--;
        this.keyIsItems = false;
        i++;
        if (this.depth === 0) this.ended = true;
        else if (this.inItem && this.depth === this.itemsDepth) {
          // An object or list element ends with its closing bracket.
          this.finishItem(chunk, itemFrom, i);
          itemFrom = -1;
        }
        continue;
      }
      if (this.depth === 0) {
        if (this.started) throw new JsonItemsError('unexpected text after the end of the JSON document', this.line);
        throw new JsonItemsError('the file does not hold a JSON object or list', this.line);
      }
      if (c === 0x3a && this.depth === 1) this.keyIsItems = this.lastStringWasItems;
      else this.keyIsItems = false;
      this.lastStringWasItems = false;
      i++;
    }
    if (this.inItem && itemFrom >= 0) this.itemParts.push(chunk.subarray(itemFrom));
    if (this.envelopeFrom >= 0 && this.envelopeFrom < n) this.envelopeParts.push(Buffer.from(chunk.subarray(this.envelopeFrom)));
  }

  /** Ends the document; throws when it is incomplete. */
  end(): SplitResult {
    if (!this.started) throw new JsonItemsError('the file is empty', this.line);
    if (!this.ended) {
      const where = this.inItem || this.itemsDepth >= 0 ? ` in the middle of items[${this.itemIndex}] (which starts on line ${this.inItem ? this.itemLine : this.line})` : '';
      throw new JsonItemsError(`the file ends${where} before the JSON document is complete: it is truncated`, this.line, this.inItem ? this.itemIndex : undefined);
    }
    let envelope: unknown;
    try {
      envelope = JSON.parse(Buffer.concat(this.envelopeParts).toString('utf8'));
    } catch (e) {
      throw new JsonItemsError(`the JSON around the items list is malformed: ${(e as Error).message}`, 1);
    }
    return { envelope, items: this.itemIndex, topLevelArray: this.topLevelArray };
  }

  /**
   * Tries to read the object element starting at `start` ("{") without scanning it, from the
   * layout: (1) the rest of the line is the element (one object per line), or (2) the element
   * ends at the next line holding only its closing "}" at the indentation of its line (how
   * kubectl and JSON.stringify indent). A guess is kept only when JSON.parse accepts exactly
   * those bytes — a JSON value that starts with "{" ends at its matching "}" and nowhere else,
   * so a wrong guess fails to parse. Returns the index after the element, or 0 (not found in
   * this chunk, or the guess was wrong: the caller scans).
   */
  private fastItem(chunk: Uint8Array, start: number): number {
    if (start >= this.noNewlineFrom) return 0;
    const eol = chunk.indexOf(NL, start);
    if (eol < 0) {
      this.noNewlineFrom = start;
      return 0;
    }
    let e = eol;
    while (e > start && isSpace(chunk[e - 1]!)) e--;
    const last = chunk[e - 1];
    if (last === COMMA || last === 0x7d) {
      const end = last === COMMA ? e - 1 : e;
      if (this.tryParse(chunk, start, end, 0)) return end;
      this.fastFailures++;
      return 0;
    }
    // (2) The indentation of the line where the element starts.
    let ls = start;
    while (ls > 0 && (chunk[ls - 1] === 0x20 || chunk[ls - 1] === 0x09)) ls--;
    if (ls === 0 || chunk[ls - 1] !== NL) return 0;
    let close = this.closeSearched;
    const width = start - ls;
    if (!close || close.length !== width + 2 || !close.subarray(1, width + 1).equals(chunk.subarray(ls, start))) {
      close = Buffer.alloc(width + 2);
      close[0] = NL;
      for (let x = ls; x < start; x++) close[x - ls + 1] = chunk[x]!;
      close[width + 1] = 0x7d;
      this.closeSearched = close;
      this.noCloseFrom = Infinity;
    }
    if (eol >= this.noCloseFrom) return 0;
    const at = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).indexOf(close, eol);
    if (at < 0) {
      this.noCloseFrom = eol;
      return 0;
    }
    const end = at + close.length;
    let lines = 0;
    for (let x = eol; x >= 0 && x < end; x = chunk.indexOf(NL, x + 1)) lines++;
    if (this.tryParse(chunk, start, end, lines)) return end;
    this.fastFailures++;
    return 0;
  }

  private tryParse(chunk: Uint8Array, start: number, end: number, lines: number): boolean {
    let value: unknown;
    try {
      value = JSON.parse(decode(Buffer.from(chunk.buffer, chunk.byteOffset + start, end - start)));
    } catch {
      return false;
    }
    this.line += lines;
    this.onItem(value, this.itemIndex++, this.itemLine);
    return true;
  }

  private collectKey(chunk: Uint8Array, from: number, to: number): void {
    const kb = this.keyBytes!;
    for (let x = from; x < to && kb.length <= 5; x++) kb.push(chunk[x]!);
  }

  private openItems(chunk: Uint8Array, at: number): void {
    // The envelope keeps the "[" and resumes at the "]".
    if (this.envelopeFrom >= 0) this.envelopeParts.push(Buffer.from(chunk.subarray(this.envelopeFrom, at + 1)));
    this.envelopeFrom = -1;
    this.itemsDepth = this.depth;
    this.afterComma = false;
  }

  private closeItems(chunk: Uint8Array, at: number): void {
    this.itemsDepth = -1;
    this.envelopeFrom = at;
    this.depth--;
    if (this.depth === 0) this.ended = true;
    void chunk;
  }

  private finishItem(chunk: Uint8Array, from: number, to: number): void {
    const parts = this.itemParts;
    let text: string;
    if (parts.length === 0) text = decode(Buffer.from(chunk.buffer, chunk.byteOffset + from, to - from));
    else text = decode(Buffer.concat([...parts, chunk.subarray(0, to)]));
    this.itemParts = [];
    this.inItem = false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new JsonItemsError(`items[${this.itemIndex}] (line ${this.itemLine}) is not valid JSON: ${(e as Error).message}`, this.itemLine, this.itemIndex);
    }
    this.onItem(value, this.itemIndex++, this.itemLine);
  }
}
