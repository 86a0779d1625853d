/**
 * Splits a JSON document whose top level is one object (RFC 8259) into its members as they stream
 * by, so a feed of hundreds of megabytes (the Debian Security Tracker's one object keyed by package)
 * is held one member at a time. Structure is found on bytes: every structural character is ASCII,
 * and UTF-8 never uses ASCII bytes inside a multi-byte character.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Malformed JSON; `key` is the member being read when it went wrong, when there was one. */
export class JsonMembersError extends Error {
  override name = 'JsonMembersError';
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

type State = 'start' | 'key-or-end' | 'key' | 'colon' | 'value-start' | 'value' | 'after-value' | 'done';

/**
 * Yields `[key, raw value bytes]` for each top-level member, in document order. The caller parses
 * the value (JSON.parse of the bytes); an error in the structure throws JsonMembersError.
 */
export async function* jsonObjectMembers(chunks: AsyncIterable<Buffer>): AsyncGenerator<[string, Buffer]> {
  let state: State = 'start';
  let offset = 0;
  let first = true;
  let parts: Buffer[] = [];
  let key = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  const fail = (message: string, at: number): never => {
    throw new JsonMembersError(`${message} at byte ${at}`, key || undefined);
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      switch (state) {
        case 'start':
          if (offset + i === 0 && byte === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
            i += 2;
          } else if (byte === OPEN_BRACE) {
            state = 'key-or-end';
          } else if (!isSpace(byte)) {
            fail('expected a JSON object', offset + i);
          }
          break;
        case 'key-or-end':
          if (byte === QUOTE) {
            state = 'key';
            start = i;
            parts = [];
            escaped = false;
          } else if (byte === CLOSE_BRACE && first) {
            state = 'done';
          } else if (!isSpace(byte)) {
            fail('expected a member name', offset + i);
          }
          break;
        case 'key':
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) {
            parts.push(chunk.subarray(start, i + 1));
            try {
              key = JSON.parse(Buffer.concat(parts).toString('utf8')) as string;
            } catch {
              fail('bad member name', offset + i);
            }
            state = 'colon';
          }
          break;
        case 'colon':
          if (byte === COLON) state = 'value-start';
          else if (!isSpace(byte)) fail(`expected ':' after ${JSON.stringify(key)}`, offset + i);
          break;
        case 'value-start':
          if (isSpace(byte)) break;
          if (byte === COMMA || byte === CLOSE_BRACE)
            fail(`missing value of ${JSON.stringify(key)}`, offset + i);
          state = 'value';
          start = i;
          parts = [];
          depth = 0;
          inString = false;
          escaped = false;
          i--;
          break;
        case 'value':
          if (inString) {
            if (escaped) escaped = false;
            else if (byte === BACKSLASH) escaped = true;
            else if (byte === QUOTE) inString = false;
          } else if (byte === QUOTE) {
            inString = true;
          } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
            depth++;
          } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
            if (depth === 0) {
              if (byte === CLOSE_BRACKET) fail(`unbalanced ']' in ${JSON.stringify(key)}`, offset + i);
              parts.push(chunk.subarray(start, i));
              yield [key, Buffer.concat(parts)];
              parts = [];
              state = 'done';
              break;
            }
            depth--;
          } else if (byte === COMMA && depth === 0) {
            parts.push(chunk.subarray(start, i));
            yield [key, Buffer.concat(parts)];
            parts = [];
            first = false;
            state = 'after-value';
          }
          break;
        case 'after-value':
          if (byte === QUOTE) {
            state = 'key';
            start = i;
            parts = [];
            escaped = false;
          } else if (!isSpace(byte)) {
            fail('expected a member name after a comma', offset + i);
          }
          break;
        case 'done':
          if (!isSpace(byte)) fail('data after the end of the object', offset + i);
          break;
      }
    }
    // a copy: the stream may reuse the chunk's memory once we ask for the next one
    if (state === 'key' || state === 'value') parts.push(Buffer.from(chunk.subarray(start)));
    offset += chunk.length;
  }
  if ((state as State) !== 'done') fail('unexpected end of document', offset);
}
