/**
 * Line splitting for line-oriented formats (NDJSON): byte chunks in, blocks of complete
 * lines out as text, with a bound on how long one line may grow.
 *
 * @module
 */
import { MlopsError } from '../../errors';

const LF = 10;

/**
 * Yields text blocks that each hold one or more complete lines separated by `\n` (the
 * last line of the input may lack its `\n`). The input must be valid UTF-8 cut at
 * character boundaries (what `utf8Chunks` yields). A line longer than `maxLineBytes`
 * fails with `DATA_TOO_LARGE` as soon as that many bytes are buffered.
 * @internal
 */
export async function* lineBlocks(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number, label: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let carry: string[] = [];
  let carryBytes = 0;
  let lines = 0;
  const tooLarge = (): never => {
    throw new MlopsError(
      'DATA_TOO_LARGE',
      `${label}: line ${lines + 1} is longer than ${maxLineBytes} bytes (the maxLineBytes limit). Check that the input has one record per line, or raise maxLineBytes.`,
      { details: { line: lines + 1, limit: maxLineBytes } },
    );
  };
  for await (const chunk of chunks) {
    const last = chunk.lastIndexOf(LF);
    if (last < 0) {
      carryBytes += chunk.length;
      if (carryBytes > maxLineBytes) tooLarge();
      carry.push(decoder.decode(chunk));
      continue;
    }
    const first = chunk.indexOf(LF);
    if (carryBytes + first > maxLineBytes) tooLarge();
    const head = decoder.decode(chunk.subarray(0, last));
    const text = carry.length === 0 ? head : carry.join('') + head;
    carry = [];
    carryBytes = chunk.length - last - 1;
    if (carryBytes > maxLineBytes) tooLarge();
    if (carryBytes > 0) carry.push(decoder.decode(chunk.subarray(last + 1)));
    yield text;
    // Count after the consumer has seen the block, for the next error's line number.
    for (let i = chunk.indexOf(LF); i >= 0 && i <= last; i = chunk.indexOf(LF, i + 1)) lines++;
  }
  if (carry.length > 0) yield carry.join('');
}
