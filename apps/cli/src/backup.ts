import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BackupManifest {
  readonly createdAt: string;
  readonly events: number;
  readonly headPosition: number;
  readonly idempotencyKeys: number;
  readonly sha256: string;
}

const BACKUP_FILE = 'events.sqlite';
const MANIFEST = 'manifest.json';

function counts(file: string): { events: number; headPosition: number; idempotencyKeys: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      events: (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n,
      headPosition: (db.prepare('SELECT COALESCE(MAX(position), 0) AS p FROM events').get() as { p: number }).p,
      idempotencyKeys: (db.prepare('SELECT count(*) AS n FROM idempotency_keys').get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * An online, consistent copy of the event store (SQLite's backup API, safe beside a running
 * server) with a manifest of counts and a checksum. The read model is not backed up: it is
 * rebuilt from the log.
 */
export async function backupEventStore(eventStoreFile: string, directory: string, onProgress?: (done: number, total: number) => void): Promise<BackupManifest> {
  if (!existsSync(eventStoreFile)) throw new Error(`there is no event store at ${eventStoreFile}`);
  mkdirSync(directory, { recursive: true });
  const target = join(directory, BACKUP_FILE);
  if (existsSync(target)) throw new Error(`${target} exists already; back up into an empty directory`);
  const db = new Database(eventStoreFile, { readonly: true });
  try {
    await db.backup(`${target}.partial`, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress?.(totalPages - remainingPages, totalPages);
        return 1000;
      },
    });
  } finally {
    db.close();
  }
  renameSync(`${target}.partial`, target);
  // The token signing secret belongs with the data: restored, the same tokens stay valid.
  const secret = join(eventStoreFile, '..', 'jwt-secret');
  if (existsSync(secret)) copyFileSync(secret, join(directory, 'jwt-secret'));
  const manifest: BackupManifest = { createdAt: new Date().toISOString(), ...counts(target), sha256: sha256Of(target) };
  writeFileSync(join(directory, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Puts a backup in place of the data directory's event store after checking it against its
 * manifest, and removes the embedded read model so the next start rebuilds it from the log.
 */
export function restoreEventStore(directory: string, eventStoreFile: string, readModelDirectory: string, force: boolean): BackupManifest {
  const source = join(directory, BACKUP_FILE);
  const manifestFile = join(directory, MANIFEST);
  if (!existsSync(source) || !existsSync(manifestFile)) throw new Error(`${directory} holds no backup (expected ${BACKUP_FILE} and ${MANIFEST})`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BackupManifest;
  if (sha256Of(source) !== manifest.sha256) throw new Error(`${source} does not match its manifest checksum; the backup is damaged`);
  if (existsSync(eventStoreFile) && !force) throw new Error(`${eventStoreFile} exists; stop the server and pass --force to replace it`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${eventStoreFile}${suffix}`, { force: true });
  mkdirSync(join(eventStoreFile, '..'), { recursive: true });
  copyFileSync(source, eventStoreFile);
  const secret = join(directory, 'jwt-secret');
  const target = join(eventStoreFile, '..', 'jwt-secret');
  if (existsSync(secret) && (force || !existsSync(target))) {
    copyFileSync(secret, target);
    chmodSync(target, 0o600);
  }
  const restored = counts(eventStoreFile);
  if (restored.events !== manifest.events || restored.headPosition !== manifest.headPosition || restored.idempotencyKeys !== manifest.idempotencyKeys)
    throw new Error(`restored store has ${restored.events} events up to ${restored.headPosition}, the manifest says ${manifest.events} up to ${manifest.headPosition}`);
  rmSync(readModelDirectory, { recursive: true, force: true });
  return manifest;
}
