/**
 * `softmax serve`: an HTTP prediction server for saved models (JSON model files or ONNX files), speaking the
 * Open Inference Protocol v2 and TF Serving's REST predict; see docs/serving.md. Runs until SIGTERM or
 * SIGINT (graceful: requests in flight finish); SIGHUP reloads the model files.
 */
import type { Command } from 'commander';
import { parseModelSpec, type ModelSpec } from '../../node/serve/registry.js';
import { startServer } from '../../node/serve/server.js';
import { addGlobalFlags, UsageError, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';
import { packageVersion } from '../version.js';

interface ServeFlags extends GlobalFlags {
  model: string[];
  host: string;
  port: string;
  watch?: boolean;
  accessLog?: string | true;
  maxRows: string;
  maxBodyBytes: string;
  shutdownTimeout: string;
}

function intFlag(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${v}'`);
  return n;
}

async function run(ctx: CommandContext, f: ServeFlags): Promise<void> {
  const port = intFlag('port', f.port, 0);
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const specs: ModelSpec[] = f.model.map(parseModelSpec);
  const log = (m: string) => void ctx.io.stderr.write(m + '\n');
  const grace = intFlag('shutdown-timeout', f.shutdownTimeout, 0) * 1000;
  const maxRows = intFlag('max-rows', f.maxRows, 1);
  const maxBodyBytes = intFlag('max-body-bytes', f.maxBodyBytes, 1);
  const server = await startServer({
    models: specs,
    host: f.host,
    port,
    watch: f.watch,
    accessLog: f.accessLog === true ? '-' : f.accessLog,
    maxRows,
    maxBodyBytes,
    version: packageVersion(),
    log,
  });
  // Handlers first: a SIGHUP right after the ready line must reload, not kill (its default action).
  const stop = (sig: string) => {
    log(`softmax serve: ${sig}: finishing requests in flight, then exiting`);
    void server.close(grace);
  };
  const onTerm = () => stop('SIGTERM');
  const onInt = () => stop('SIGINT');
  const onHup = () => void server.reload();
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  process.on('SIGHUP', onHup);
  const names = server.registry.list().map((m) => `${m.name} (${m.file})`);
  const info = { url: server.url, models: server.registry.list().map((m) => ({ name: m.name, file: m.file })), pid: process.pid };
  if (f.json) ctx.io.stdout.write(JSON.stringify(info) + '\n');
  else
    log(
      `softmax serve: listening on ${server.url} (pid ${process.pid}) with ${names.join(', ')}\n` +
        `  POST ${server.url}/v2/models/${specs[0]!.name}/infer   (Open Inference Protocol v2)\n` +
        `  POST ${server.url}/v1/models/${specs[0]!.name}:predict  (TF Serving REST)\n` +
        `  GET  ${server.url}/metrics                (Prometheus)\n` +
        `  SIGHUP reloads the model files${f.watch ? ' (and so does any change to them: --watch)' : ''}; SIGTERM or Ctrl-C stops gracefully`,
    );
  await server.closed;
  process.off('SIGTERM', onTerm);
  process.off('SIGINT', onInt);
  process.off('SIGHUP', onHup);
  log('softmax serve: stopped');
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('serve')
      .description('serve saved models over HTTP (Open Inference Protocol v2, TF Serving REST, Prometheus /metrics)')
      .requiredOption(
        '-m, --model <NAME=FILE>',
        'a model to serve under NAME (a model file or an .onnx file); repeat for several',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
      .option('-p, --port <port>', 'port (0 = any free port)', '8080')
      .option('--watch', 'reload a model when its file changes (atomic swap; requests never fail)')
      .option('--access-log [file]', 'log one line per request to FILE (appended), or stdout without FILE')
      .option('--max-rows <n>', 'most rows in one request (more: 413)', '100000')
      .option('--max-body-bytes <n>', 'largest request body (more: 413)', String(16 * 2 ** 20))
      .option('--shutdown-timeout <seconds>', 'on SIGTERM, how long requests in flight may take before connections are cut', '10');
    addGlobalFlags(cmd);
    cmd.addHelpText(
      'after',
      '\nExamples:\n  softmax serve --model iris=iris.json --port 8080\n  softmax serve --model iris=iris.json --model digits=digits.onnx --watch --access-log access.log\n' +
        '  curl -s localhost:8080/v2/models/iris/infer -d \'{"inputs":[{"name":"float_input","shape":[1,4],"datatype":"FP64","data":[5.1,3.5,1.4,0.2]}]}\'',
    );
    cmd.action((flags: ServeFlags) => run(ctx, flags));
  },
};
export default command;
