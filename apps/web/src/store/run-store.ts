// Runs that outlive the page: each run's record (settings, config, curves, learning-rate changes,
// status, accuracies, per-layer statistics) and its files (newest checkpoint, final and best model) in IndexedDB.
// Records and files live in two object stores so that listing runs never reads megabytes of weights.
import type { MetricsHistory, StepStats, TrainConfig } from '@backprop/train';
import type { DoneReason, RunSettings } from '../protocol.js';

export type RunStatus = 'running' | 'interrupted' | DoneReason;

export interface RunRecord {
  id: string;
  /** Short name shown in the list: '#3 mlp-manual'. */
  name: string;
  createdAt: number;
  updatedAt: number;
  /** Where it came from: trained here, or a checkpoint file loaded (e.g. written by the CLI). */
  origin: 'page' | 'file';
  fileName?: string;
  settings: RunSettings;
  config: TrainConfig | null;
  status: RunStatus;
  step: number;
  maxSteps: number;
  metrics: MetricsHistory;
  /** Live learning-rate changes: from `step` on, the rate was `learningRate`. */
  lrChanges: { step: number; learningRate: number }[];
  finalAccuracy: number | null;
  bestAccuracy: number | null;
  bestStep: number | null;
  /** Step of the stored checkpoint (null: none yet). */
  checkpointStep: number | null;
  elapsedMs: number;
  /** With 'diverged': what went non-finite and where. */
  detail?: string;
  /** Per-layer statistics of the observed steps, at most MAX_STORED_ACTIVITY (stored-activity.ts); absent in older records. */
  activity?: StepStats[];
}

export type RunFileKind = 'checkpoint' | 'final-model' | 'best-model';

const DB_NAME = 'backprop';
const DB_VERSION = 1;

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (storage full?)'));
  });
}

export class RunStore {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(name = DB_NAME): Promise<RunStore> {
    const open = indexedDB.open(name, DB_VERSION);
    open.onupgradeneeded = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('runs')) db.createObjectStore('runs', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('files')) db.createObjectStore('files');
    };
    return new RunStore(await request(open));
  }

  async list(): Promise<RunRecord[]> {
    const tx = this.db.transaction('runs', 'readonly');
    const all = await request(tx.objectStore('runs').getAll() as IDBRequest<RunRecord[]>);
    return all.sort((a, b) => a.createdAt - b.createdAt);
  }

  async get(id: string): Promise<RunRecord | null> {
    const tx = this.db.transaction('runs', 'readonly');
    return ((await request(tx.objectStore('runs').get(id))) as RunRecord | undefined) ?? null;
  }

  async put(record: RunRecord): Promise<void> {
    const tx = this.db.transaction('runs', 'readwrite');
    tx.objectStore('runs').put({ ...record, updatedAt: Date.now() });
    await done(tx);
  }

  /** Stores files and the record that points at them in one transaction: never a record without its checkpoint. */
  async putWithFiles(record: RunRecord, files: Partial<Record<RunFileKind, Uint8Array>>): Promise<void> {
    const tx = this.db.transaction(['runs', 'files'], 'readwrite');
    for (const [kind, bytes] of Object.entries(files)) tx.objectStore('files').put(bytes, `${record.id}/${kind}`);
    tx.objectStore('runs').put({ ...record, updatedAt: Date.now() });
    await done(tx);
  }

  async file(id: string, kind: RunFileKind): Promise<Uint8Array | null> {
    const tx = this.db.transaction('files', 'readonly');
    return ((await request(tx.objectStore('files').get(`${id}/${kind}`))) as Uint8Array | undefined) ?? null;
  }

  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['runs', 'files'], 'readwrite');
    tx.objectStore('runs').delete(id);
    for (const kind of ['checkpoint', 'final-model', 'best-model'] as const) tx.objectStore('files').delete(`${id}/${kind}`);
    await done(tx);
  }
}

/** A run id unique across reloads: time + random. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
