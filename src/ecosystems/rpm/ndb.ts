import type { RpmdbRead } from './rpmdb-read.js';

/*
 * rpm's "ndb" package database (Packages.db, SUSE and openSUSE), read-only. Format:
 * rpm lib/backend/ndb/rpmpkg.c (https://github.com/rpm-software-management/rpm). Little-endian.
 *
 * 32-byte header: magic `RpmP`, version 0, generation, slot page count, next package index. Then that
 * many 4096-byte slot pages of 16-byte slots (`Slot`, package index, block offset, block count; the
 * header takes the first two slots of page 0; block offset 0 = free). Blocks are 16 bytes. A blob
 * starts at block offset × 16 with `BlbS`, package index, timestamp, blob length, then the header blob,
 * zero padding, and ends its block count with adler32, blob length, `BlbE`.
 */

const MAGIC = 0x506d7052; // 'RpmP'
const SLOT_MAGIC = 0x746f6c53; // 'Slot'
const BLOB_HEAD_MAGIC = 0x53626c42; // 'BlbS'
const BLOB_TAIL_MAGIC = 0x45626c42; // 'BlbE'
const HEADER_SIZE = 32;
const PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
const BLOCK_SIZE = 16;
const BLOB_HEAD = 16;
const BLOB_TAIL = 12;

interface Slot {
  number: number;
  pkgIndex: number;
  blockOffset: number;
  blockCount: number;
}

/**
 * Reads every package header blob of an NDB `Packages.db`, in block-offset order (the order rpm lists
 * them). Never throws: a bad slot page stops the slot scan, a bad blob is skipped, each with a problem.
 */
export function readNdb(content: Buffer): RpmdbRead {
  const problems: string[] = [];
  const blobs: Uint8Array[] = [];
  if (content.length < HEADER_SIZE) {
    return {
      blobs,
      problems: [`NDB header truncated: the file has ${content.length} bytes, needs ${HEADER_SIZE}`],
    };
  }
  if (content.readUInt32LE(0) !== MAGIC) return { blobs, problems: ['not an NDB database (bad magic)'] };
  const version = content.readUInt32LE(4);
  if (version !== 0) return { blobs, problems: [`unsupported NDB version ${version} (known: 0)`] };
  const slotPages = content.readUInt32LE(12);
  if (slotPages === 0) return { blobs, problems: ['NDB header declares 0 slot pages'] };
  const pagesInFile = Math.floor(content.length / PAGE_SIZE);
  if (slotPages > pagesInFile) {
    problems.push(
      `NDB file truncated: header declares ${slotPages} slot pages, the file holds ${pagesInFile}`,
    );
  }
  const fileBlocks = Math.floor(content.length / BLOCK_SIZE);
  const firstDataBlock = slotPages * (PAGE_SIZE / BLOCK_SIZE);

  const slots: Slot[] = [];
  const slotsEnd = Math.min(slotPages, pagesInFile) * PAGE_SIZE;
  for (let at = HEADER_SIZE; at + SLOT_SIZE <= slotsEnd; at += SLOT_SIZE) {
    const number = at / SLOT_SIZE;
    if (content.readUInt32LE(at) !== SLOT_MAGIC) {
      problems.push(`NDB slot ${number} has a bad magic; slots after it are not read`);
      break;
    }
    const blockOffset = content.readUInt32LE(at + 8);
    if (blockOffset === 0) continue;
    const slot = {
      number,
      pkgIndex: content.readUInt32LE(at + 4),
      blockOffset,
      blockCount: content.readUInt32LE(at + 12),
    };
    if (slot.pkgIndex === 0 || slot.blockCount === 0 || blockOffset < firstDataBlock) {
      problems.push(
        `NDB slot ${number} is invalid (package ${slot.pkgIndex}, blocks ${blockOffset}+${slot.blockCount})`,
      );
      continue;
    }
    if (blockOffset + slot.blockCount > fileBlocks) {
      problems.push(
        `NDB slot ${number} (package ${slot.pkgIndex}) points past the end of the file (blocks ${blockOffset}+${slot.blockCount}, file has ${fileBlocks})`,
      );
      continue;
    }
    slots.push(slot);
  }
  slots.sort((a, b) => a.blockOffset - b.blockOffset);

  for (const slot of slots) {
    const start = slot.blockOffset * BLOCK_SIZE;
    const end = start + slot.blockCount * BLOCK_SIZE;
    const where = `NDB package ${slot.pkgIndex} (slot ${slot.number})`;
    if (slot.blockCount * BLOCK_SIZE < BLOB_HEAD + BLOB_TAIL) {
      problems.push(`${where}: ${slot.blockCount} blocks cannot hold a blob`);
      continue;
    }
    if (content.readUInt32LE(start) !== BLOB_HEAD_MAGIC) {
      problems.push(`${where}: blob has a bad head magic`);
      continue;
    }
    const headIndex = content.readUInt32LE(start + 4);
    if (headIndex !== slot.pkgIndex) {
      problems.push(`${where}: blob belongs to package ${headIndex}`);
      continue;
    }
    const length = content.readUInt32LE(start + 12);
    const expectedBlocks = Math.ceil((BLOB_HEAD + length + BLOB_TAIL) / BLOCK_SIZE);
    if (expectedBlocks !== slot.blockCount) {
      problems.push(
        `${where}: blob length ${length} needs ${expectedBlocks} blocks, the slot has ${slot.blockCount}`,
      );
      continue;
    }
    const tail = end - BLOB_TAIL;
    if (content.readUInt32LE(tail + 8) !== BLOB_TAIL_MAGIC || content.readUInt32LE(tail + 4) !== length) {
      problems.push(`${where}: blob tail does not match its head (torn write?)`);
      continue;
    }
    blobs.push(content.subarray(start + BLOB_HEAD, start + BLOB_HEAD + length));
  }
  return { blobs, problems };
}
