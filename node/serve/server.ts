/**
 * `softmax serve` as a library: load the models, listen, reload on demand or on file change, shut down
 * gracefully. The CLI (cli/commands/serve.ts) adds the flags and the signals (SIGTERM/SIGINT, SIGHUP).
 */
import { createWriteStream, watch, type FSWatcher } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import { SoftmaxError } from '../../src/errors.js';
import { createHandlers, type AccessEntry } from './app.js';
import { Metrics } from './metrics.js';
import { ModelRegistry, type ModelSpec } from './registry.js';

export interface ServeOptions {
  models: ModelSpec[];
  /** Default 127.0.0.1 (loopback only: serving to a network is a choice, --host 0.0.0.0). */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Reload when a model file changes (atomic replace by rename included). */
  watch?: boolean;
  /** Access log: a file to append to, '-' for stdout, or a function receiving each line. */
  accessLog?: string | ((line: string) => void);
  maxRows?: number;
  maxBodyBytes?: number;
  version?: string;
  /** Server messages (startup, reloads, errors); default stderr. */
  log?: (msg: string) => void;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  registry: ModelRegistry;
  metrics: Metrics;
  /** Load every model file again and swap them in; false (old models kept) when one fails to load. */
  reload(): boolean;
  /** Stop accepting connections, let in-flight requests finish (at most graceMs), then resolve. */
  close(graceMs?: number): Promise<void>;
  /** Resolves when the server has closed. */
  closed: Promise<void>;
}

/** One access-log line: remote, time, request, status, duration, model and rows. */
export function formatAccess(e: AccessEntry): string {
  return `${e.remote ?? '-'} [${e.time.toISOString()}] "${e.method} ${e.path}" ${e.status} ${e.ms.toFixed(2)}ms model=${e.model || '-'} rows=${e.rows}`;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const log = o.log ?? ((m: string) => void process.stderr.write(m + '\n'));
  if (o.models.length === 0) throw new SoftmaxError('INVALID_OPTION', 'no model to serve: give --model NAME=FILE (one or more)');
  // Fail fast: every model loads before the port opens.
  const registry = new ModelRegistry(o.models);
  const metrics = new Metrics();
  let accessStream: ReturnType<typeof createWriteStream> | null = null;
  let onAccess: ((line: string) => void) | undefined;
  if (typeof o.accessLog === 'function') onAccess = o.accessLog;
  else if (o.accessLog === '-') onAccess = (l) => void process.stdout.write(l + '\n');
  else if (o.accessLog) {
    const stream = createWriteStream(o.accessLog, { flags: 'a' });
    accessStream = stream;
    await new Promise<void>((res, rej) => {
      stream.once('open', () => res());
      stream.once('error', (e) => rej(new SoftmaxError('IO_ERROR', `cannot open access log ${o.accessLog}: ${e.message}`)));
    });
    onAccess = (l) => void stream.write(l + '\n');
  }
  const { listener } = createHandlers(registry, metrics, {
    maxRows: o.maxRows,
    maxBodyBytes: o.maxBodyBytes,
    version: o.version,
    onRequest: onAccess ? (e) => onAccess!(formatAccess(e)) : undefined,
  });
  const host = o.host ?? '127.0.0.1';
  const server = createServer(listener);
  await new Promise<void>((res, rej) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'EADDRINUSE'
          ? 'is in use (another server is listening there; pick another --port)'
          : e.code === 'EACCES'
            ? 'needs privileges (ports below 1024)'
            : e.code === 'EADDRNOTAVAIL'
              ? 'is not an address of this machine'
              : e.message;
      rej(new SoftmaxError('IO_ERROR', `cannot listen on ${host}:${o.port ?? 8080}: ${why}`));
    };
    server.once('error', onError);
    server.listen(o.port ?? 8080, host, () => {
      server.off('error', onError);
      res();
    });
  });
  server.on('error', (e) => log(`softmax serve: server error: ${e.message}`));
  const port = (server.address() as AddressInfo).port;

  const reload = (): boolean => {
    try {
      registry.reload();
      metrics.reload(true);
      log(
        `softmax serve: reloaded ${registry
          .list()
          .map((m) => m.name)
          .join(', ')}`,
      );
      return true;
    } catch (e) {
      metrics.reload(false);
      log(`softmax serve: reload failed, still serving the previous models: ${(e as Error).message}`);
      return false;
    }
  };

  const watchers: FSWatcher[] = [];
  if (o.watch) {
    // Watch the directories: an atomic replace (write a temp file, rename over) swaps the file's inode, which
    // a watch on the file itself would lose. Bursts of events (temp file, rename) are coalesced.
    const files = new Set(registry.files().map((f) => resolve(f)));
    let timer: NodeJS.Timeout | null = null;
    for (const dir of new Set([...files].map((f) => dirname(f)))) {
      const names = new Set([...files].filter((f) => dirname(f) === dir).map((f) => basename(f)));
      const w = watch(dir, (_event, name) => {
        if (name !== null && !names.has(name.toString())) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          reload();
        }, 100);
      });
      w.on('error', (e) => log(`softmax serve: watching ${dir} failed: ${e.message}`));
      watchers.push(w);
    }
  }

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | null = null;
  const close = (graceMs = 10_000): Promise<void> => {
    if (closing) return closing;
    for (const w of watchers) w.close();
    closing = new Promise<void>((res) => {
      // close() stops accepting and ends idle keep-alive connections; requests in flight finish, and their
      // connections close after the response. Stragglers past the grace period are cut.
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        if (accessStream) accessStream.end(() => res());
        else res();
      });
      server.closeIdleConnections();
    }).then(() => resolveClosed());
    return closing;
  };

  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, host, port, registry, metrics, reload, close, closed };
}
