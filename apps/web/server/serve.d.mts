export interface ServeOptions {
  /** The built app folder (default: apps/web/dist beside this file). */
  root?: string;
  /** A CIFAR-10 archive to serve at /data/<its file name>. */
  dataPath?: string;
  /** Port to listen on; 0 picks a free one (default 5173). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
}
export interface RunningServer {
  /** The page URL, with `?data=/data/<name>` when an archive is served. */
  url: string;
  origin: string;
  port: number;
  dataUrl: string | null;
  close(): Promise<void>;
}
export declare const defaultRoot: string;
export declare const ISOLATION_HEADERS: Record<string, string>;
export declare function serve(options?: ServeOptions): Promise<RunningServer>;
/** One byte range of a `Range` header, inclusive; 'unsatisfiable' past the end; null to serve the whole file. */
export declare function parseRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | null;
