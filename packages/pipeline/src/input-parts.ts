/**
 * Largest input object start-transform writes. SageMaker hands whole
 * objects to instances and splits each into mini-batches of at most
 * `MaxPayloadInMB`; smaller objects keep one slow instance from holding the
 * last large one.
 */
export const MAX_PART_BYTES = 64 * 1024 * 1024;

/**
 * Splits the transform's CSV lines into contiguous parts: at least one per
 * instance (a batch transform gives each instance whole objects, so a
 * single object keeps every instance but one idle), more when a part would
 * pass `maxPartBytes`, never more parts than lines. Each part is CSV text
 * ending in a newline.
 */
export function splitInputParts(lines: readonly string[], instanceCount: number, maxPartBytes: number = MAX_PART_BYTES): string[] {
  if (lines.length === 0) return [];
  const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  const count = Math.min(lines.length, Math.max(instanceCount, Math.ceil(bytes / maxPartBytes)));
  const parts: string[] = [];
  for (let part = 0; part < count; part += 1) {
    const from = Math.floor((part * lines.length) / count);
    const to = Math.floor(((part + 1) * lines.length) / count);
    parts.push(`${lines.slice(from, to).join('\n')}\n`);
  }
  return parts;
}
