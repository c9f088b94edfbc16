/**
 * Loading the WebAssembly SIMD kernels (assembly/kernels.ts, embedded as base64 by scripts/build-wasm.mjs),
 * portably: no fetch, no file system, no node:* import, so the same code runs in Node and in browsers.
 *
 * Compilation is synchronous (the module is small) and happens once per variant. Where it cannot happen
 * (no WebAssembly, no SIMD: `WebAssembly.validate` fails; a browser main thread refusing a synchronous
 * compile) `wasmKernels()` returns null and callers use the plain TypeScript kernels, which compute the
 * same thing (tests hold them to 1e-12 relative). `compileWasmKernelsAsync()` is for such browsers: await
 * it once and later fits use WebAssembly.
 */
import { KERNELS_PLAIN_BASE64, KERNELS_SHARED_BASE64 } from './wasm-bytes.generated.js';

/** The exports of assembly/kernels.ts (addresses are byte offsets into the imported memory). */
export interface KernelExports {
  heapBase(): number;
  lossGradF64(
    X: number,
    d: number,
    W: number,
    b: number,
    K: number,
    y: number,
    sw: number,
    G: number,
    gb: number,
    z: number,
    start: number,
    end: number,
  ): number;
  lossF64(X: number, d: number, W: number, b: number, K: number, y: number, sw: number, z: number, start: number, end: number): number;
  scoresF64(X: number, d: number, W: number, b: number, K: number, Z: number, start: number, end: number): void;
  hvpF64(X: number, d: number, V: number, vb: number, K: number, P: number, sw: number, out: number, ob: number, z: number, start: number, end: number): void;
  /** Binomial (one score per row) loss + gradient over rows [start, end): G (d doubles), gb (1 double or 0). */
  binomialLossGradF64(X: number, d: number, W: number, b: number, y: number, sw: number, G: number, gb: number, z: number, start: number, end: number): number;
  binomialLossF64(X: number, d: number, W: number, b: number, y: number, sw: number, z: number, start: number, end: number): number;
  binomialHvpF64(X: number, d: number, V: number, vb: number, c: number, sw: number, out: number, ob: number, z: number, start: number, end: number): void;
  narrowF32(W: number, W32: number, count: number): void;
  lossGradF32(
    X: number,
    d: number,
    W32: number,
    b: number,
    K: number,
    y: number,
    sw: number,
    G: number,
    G32: number,
    gb: number,
    z: number,
    start: number,
    end: number,
  ): number;
  lossF32(X: number, d: number, W32: number, b: number, K: number, y: number, sw: number, z: number, start: number, end: number): number;
  scoresF32(X: number, d: number, W32: number, b: number, K: number, Z: number, start: number, end: number): void;
  hvpF32(
    X: number,
    d: number,
    V32: number,
    vb: number,
    K: number,
    P: number,
    sw: number,
    out: number,
    G32: number,
    ob: number,
    z: number,
    start: number,
    end: number,
  ): void;
  csrLossGradF64(
    indptr: number,
    indices: number,
    data: number,
    WT: number,
    b: number,
    K: number,
    y: number,
    sw: number,
    GT: number,
    gb: number,
    z: number,
    start: number,
    end: number,
  ): number;
  csrScoresF64(indptr: number, indices: number, data: number, WT: number, b: number, K: number, Z: number, start: number, end: number): void;
  csrHvpF64(
    indptr: number,
    indices: number,
    data: number,
    VT: number,
    vb: number,
    K: number,
    P: number,
    sw: number,
    GT: number,
    ob: number,
    z: number,
    start: number,
    end: number,
  ): void;
  transposeF64(A: number, rows: number, cols: number, out: number): void;
  lazyRowScores(
    indptr: number,
    indices: number,
    data: number,
    S: number,
    K: number,
    last: number,
    cumA: number,
    cumB: number,
    l1: number,
    t: number,
    i: number,
    wscale: number,
    b: number,
    z: number,
  ): void;
  lazySagaRow(
    indptr: number,
    indices: number,
    data: number,
    S: number,
    K: number,
    last: number,
    i: number,
    s: number,
    delta: number,
    gs: number,
    gsn: number,
    th: number,
  ): void;
  lazyAddRow(indptr: number, indices: number, data: number, S: number, K: number, i: number, r: number): void;
  lazyFlush(S: number, K: number, d: number, last: number, cumA: number, cumB: number, l1: number, t: number, wscale: number): void;
}

export type WasmVariant = 'plain' | 'shared';

// Minimal typings of the WebAssembly JS API: the project compiles with lib ES2022 and no DOM, which
// declare none; the global is looked up at run time.
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
type WasmModuleT = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModuleT;
  Instance: new (mod: WasmModuleT, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  compile(bytes: Uint8Array): Promise<WasmModuleT>;
}
export type { WasmMemory };
const WA: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

const WASM_PAGE = 65536;
/** wasm32's whole address space; a shared memory must declare its maximum up front (only grown pages are committed). */
export const SHARED_MAX_PAGES = 65536;

const modules: Record<WasmVariant, WasmModuleT | null | undefined> = { plain: undefined, shared: undefined };

function decodeBase64(s: string): Uint8Array {
  if (typeof atob === 'function') {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lut = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) lut[alphabet.charCodeAt(i)] = i;
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | lut[clean.charCodeAt(i)]!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function bytesOf(variant: WasmVariant): Uint8Array {
  return decodeBase64(variant === 'plain' ? KERNELS_PLAIN_BASE64 : KERNELS_SHARED_BASE64);
}

/** The compiled module, or null where WebAssembly SIMD (or, for 'shared', shared memory) is unavailable. */
export function wasmModule(variant: WasmVariant = 'plain'): WasmModuleT | null {
  const cached = modules[variant];
  if (cached !== undefined) return cached;
  let mod: WasmModuleT | null = null;
  try {
    if (WA) {
      const bytes = bytesOf(variant);
      if (variant === 'shared' && typeof SharedArrayBuffer === 'undefined') mod = null;
      else if (WA.validate(bytes)) mod = new WA.Module(bytes);
    }
  } catch {
    // e.g. a browser main thread that allows only small synchronous compiles
    modules[variant] = undefined;
    return null;
  }
  modules[variant] = mod;
  return mod;
}

/** Asynchronous compile, for hosts that refuse a synchronous one (browser main thread). */
export async function compileWasmKernelsAsync(variant: WasmVariant = 'plain'): Promise<boolean> {
  if (modules[variant]) return true;
  try {
    if (!WA) return false;
    const bytes = bytesOf(variant);
    if (!WA.validate(bytes)) return false;
    modules[variant] = await WA.compile(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Whether the WebAssembly SIMD kernels can be used here. */
export function wasmAvailable(): boolean {
  return wasmModule('plain') !== null;
}

/**
 * Released workspaces' memories (with their instances), newest last, per variant; only small ones are kept.
 * Shared ones too: a fresh shared memory's first writes fault its pages in at several microseconds each
 * (2.7 ms to load digits' X into a new one, most of a threaded fit's setup).
 */
const sparesOf: Record<WasmVariant, Array<{ memory: WasmMemory; k: KernelExports }>> = { plain: [], shared: [] };
const SPARE_COUNT = 2;
const SPARE_MAX_BYTES = 16 * 2 ** 20;

function takeSpare(variant: WasmVariant, bytes: number): { memory: WasmMemory; k: KernelExports } | null {
  const spares = sparesOf[variant];
  for (let i = spares.length - 1; i >= 0; i--) {
    const s = spares[i]!;
    if (s.memory.buffer.byteLength >= bytes) {
      spares.splice(i, 1);
      return s;
    }
  }
  return null;
}

/**
 * One instance with its own memory, laid out once: `alloc` hands out 16-byte-aligned regions from a plan
 * computed up front, so the memory never grows after the views are taken (a grow would detach them).
 */
export class WasmWorkspace {
  readonly memory: WasmMemory;
  readonly k: KernelExports;
  private top: number;
  private readonly limit: number;

  /**
   * `bytes`: total of all regions the caller will alloc (each rounded up to 16). `at`: use the region
   * [at, at + bytes) of the given (already large enough) memory, as an arena's workspace (resident.ts).
   */
  constructor(bytes: number, variant: WasmVariant = 'plain', memory?: WasmMemory, at?: number) {
    const mod = wasmModule(variant);
    if (!mod || !WA) throw new Error('WebAssembly SIMD kernels are not available here');
    // Static data of the module sits below __heap_base; 64 KiB covers it with room to spare.
    const reserve = WASM_PAGE;
    const pages = Math.ceil((bytes + reserve) / WASM_PAGE) + 1;
    // A small private workspace takes a released one's memory and instance when one is large enough: a
    // fresh memory costs its allocation, the page faults of its first writes and, later, the collector's
    // time, which on a digits-size fit was about a sixth of the fit (docs/performance.md, small problems).
    const spare = memory === undefined && at === undefined ? takeSpare(variant, pages * WASM_PAGE) : null;
    this.variant = variant;
    this.reusable = memory === undefined && at === undefined && pages * WASM_PAGE <= SPARE_MAX_BYTES;
    if (spare) {
      this.memory = spare.memory;
      this.k = spare.k;
    } else {
      this.memory =
        memory ?? (variant === 'shared' ? new WA.Memory({ initial: pages, maximum: SHARED_MAX_PAGES, shared: true }) : new WA.Memory({ initial: pages }));
      const inst = new WA.Instance(mod, {
        env: {
          memory: this.memory,
          abort: () => {
            throw new Error('wasm kernel abort');
          },
        },
      });
      this.k = inst.exports as unknown as KernelExports;
    }
    if (at !== undefined) {
      this.top = align16(at);
      this.limit = this.top + bytes;
      if (this.limit > this.memory.buffer.byteLength) throw new Error(`WasmWorkspace: region [${at}, ${this.limit}) is outside the memory`);
    } else {
      this.top = align16(Math.max(this.k.heapBase(), 1024));
      this.limit = this.memory.buffer.byteLength;
    }
  }

  /** Whether release() may hand this workspace's memory to a later one (small, its own memory). */
  private readonly reusable: boolean;
  private readonly variant: WasmVariant;
  private released = false;

  /**
   * The owner is done with this workspace: a later small workspace may reuse its memory and instance.
   * Every view taken from it must be dropped first (the owner throws on use after release).
   */
  release(): void {
    if (this.released || !this.reusable) return;
    this.released = true;
    const spares = sparesOf[this.variant];
    spares.push({ memory: this.memory, k: this.k });
    if (spares.length > SPARE_COUNT) spares.shift();
  }

  alloc(bytes: number): number {
    const p = this.top;
    this.top = align16(p + Math.max(bytes, 16));
    if (this.top > this.limit) throw new Error(`WasmWorkspace: plan exceeded (${this.top} > ${this.limit})`);
    return p;
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }
}

export function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/** Bytes a region of `count` values of `size` bytes takes in a workspace plan. */
export function planBytes(count: number, size: number): number {
  return align16(Math.max(count * size, 16));
}
