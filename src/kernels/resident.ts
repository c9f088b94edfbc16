/**
 * Wasm-resident arrays: large feature matrices allocated straight inside a WebAssembly memory, so the
 * kernels read X where it already is instead of copying it in once per fit (which doubled the memory a fit
 * needs: goal "peak RSS at most 1.5x the bytes of X plus 100 MB").
 *
 * Each resident array gets its own *shared* WebAssembly.Memory (an "arena"): a shared memory can grow
 * without detaching the views already taken of it (a plain one detaches them on grow), so a kernel can
 * later add its workspace (W, G, probabilities; O(K d + n K)) after X in the same memory, and worker
 * threads can attach to it as it is. Where shared memory or the WebAssembly SIMD module is unavailable
 * (a browser page without cross-origin isolation, no SIMD) arrays are ordinary typed arrays and the
 * kernels copy X in as before.
 *
 * Arrays stay ordinary Float64Array / Float32Array views to the rest of the code (their buffer is a
 * SharedArrayBuffer). Uncommitted pages cost nothing: only what is written counts in RSS.
 */
import { align16, SHARED_MAX_PAGES, wasmModule, type WasmMemory } from './wasm.js';

/** The element types a matrix may be stored in (the matrix layer re-exports it). */
export type FloatArray = Float64Array | Float32Array;

/** Below this size a copy into wasm costs little and an arena (one memory each) is not worth it. */
export const RESIDENT_MIN_BYTES = 1 << 20;
const WASM_PAGE = 65536;
/** The module's static data sits below its __heap_base; X starts after one page. */
const STATIC_RESERVE = WASM_PAGE;

interface Region {
  start: number;
  end: number;
  owner: WeakRef<object>;
}

interface SharedMemoryCtor {
  new (desc: { initial: number; maximum: number; shared: true }): WasmMemory;
}

/** One shared memory holding one array at `dataStart`, then workspace regions claimed by kernels. */
export class WasmArena {
  readonly memory: WasmMemory;
  readonly dataStart = STATIC_RESERVE;
  readonly dataEnd: number;
  private regions: Region[] = [];

  constructor(bytes: number) {
    const Memory = (globalThis as unknown as { WebAssembly: { Memory: SharedMemoryCtor } }).WebAssembly.Memory;
    this.dataEnd = align16(STATIC_RESERVE + bytes);
    this.memory = new Memory({ initial: Math.ceil(this.dataEnd / WASM_PAGE), maximum: SHARED_MAX_PAGES, shared: true });
  }

  /**
   * A region of `bytes` after the array for a workspace, kept while `owner` is alive (a region whose
   * owner was collected is reused), growing the memory as needed. Returns its byte offset.
   */
  claim(bytes: number, owner: object): number {
    this.regions = this.regions.filter((r) => r.owner.deref() !== undefined).sort((a, b) => a.start - b.start);
    let at = this.dataEnd;
    for (const r of this.regions) {
      if (r.start - at >= bytes) break;
      at = Math.max(at, align16(r.end));
    }
    const end = at + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / WASM_PAGE));
    this.regions.push({ start: at, end, owner: new WeakRef(owner) });
    return at;
  }
}

const arenas = new WeakMap<object, WasmArena>();

/** Whether arrays can be made wasm-resident here (shared memory and the shared-memory module). */
export function residentAvailable(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && typeof WeakRef !== 'undefined' && wasmModule('shared') !== null;
}

/**
 * A zeroed array of `count` values, wasm-resident when it is large (RESIDENT_MIN_BYTES) and the host
 * allows (see the file comment), else an ordinary typed array.
 */
export function allocFloatArray(count: number, dtype: 'float64' | 'float32' = 'float64'): FloatArray {
  const es = dtype === 'float64' ? 8 : 4;
  const bytes = count * es;
  if (bytes >= RESIDENT_MIN_BYTES && residentAvailable()) {
    try {
      const arena = new WasmArena(bytes);
      const buf = arena.memory.buffer;
      const a = dtype === 'float64' ? new Float64Array(buf, arena.dataStart, count) : new Float32Array(buf, arena.dataStart, count);
      arenas.set(buf, arena);
      return a;
    } catch {
      // Address space or memory limits: an ordinary array still works (the kernels copy it in).
    }
  }
  return dtype === 'float64' ? new Float64Array(count) : new Float32Array(count);
}

/** The arena an array lives in (null for an ordinary typed array). */
export function arenaOf(a: FloatArray): WasmArena | null {
  return arenas.get(a.buffer) ?? null;
}
