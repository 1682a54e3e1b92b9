import { ModelFormatError } from './errors';

/** One regular file of a tar archive. */
export interface TarEntry {
  /** Path inside the archive, without a leading `./`. */
  name: string;
  content: Buffer;
}

const BLOCK = 512;

/**
 * A minimal POSIX ustar writer: regular files only, no dependency. Every
 * header field that could vary between builds (mtime, owner) is fixed, so
 * equal files give equal bytes.
 */
export function writeTar(files: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    blocks.push(ustarHeader(file.name, file.content.length), file.content);
    blocks.push(Buffer.alloc((BLOCK - (file.content.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(2 * BLOCK)); // two zero blocks end the archive
  return Buffer.concat(blocks);
}

function ustarHeader(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new RangeError(`tar entry name too long: ${name}`);
  const header = Buffer.alloc(BLOCK);
  const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0') + '\0';
  header.write(name, 0, 100, 'utf8');
  header.write(octal(0o644, 8), 100);
  header.write(octal(0, 8), 108); // uid
  header.write(octal(0, 8), 116); // gid
  header.write(octal(size, 12), 124);
  header.write(octal(0, 12), 136); // mtime: fixed for reproducible archives
  header.write('        ', 148); // the checksum field counts as spaces while summing
  header.write('0', 156); // regular file
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return header;
}

const text = (block: Buffer, from: number, length: number) => {
  const slice = block.subarray(from, from + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end < 0 ? slice.length : end).toString('utf8');
};

/** PAX extended header records (`<length> <key>=<value>\n`). */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString('ascii'));
    if (space < 0 || !Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

/**
 * Reads the regular files of a tar archive as written by GNU tar, Python's
 * tarfile (PAX) or the ustar writer above: long names from PAX `path`
 * records or GNU `L` entries; directories, links and other kinds skipped.
 * A truncated or corrupt archive is a `ModelFormatError`.
 */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= archive.length) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const stored = Number.parseInt(text(header, 148, 8).trim() || 'NaN', 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
    if (stored !== sum) throw new ModelFormatError(`not a tar archive (bad header checksum at byte ${at})`, { at });
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] as number);
    const dataStart = at + BLOCK;
    const data = archive.subarray(dataStart, dataStart + size);
    if (data.length < size) throw new ModelFormatError('tar archive is truncated', { at, size });
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      longName = paxRecords(data).get('path') ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    if (type !== '0' && type !== '\0') continue;
    entries.push({ name: name.replace(/^(\.\/)+/, ''), content: Buffer.from(data) });
  }
  return entries;
}
