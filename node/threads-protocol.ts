/** Control block shared by node/threads.ts and node/threads-worker.ts (Int32 slots, then one float64 result). */
export const CTRL = { SEQ: 0, OP: 1, DONE: 2, START: 3, END: 4, HASB: 5, INTS: 8, RESULT_BYTE: 32, BYTES: 40 } as const;
export const OP = { ATTACH: 1, LOSSGRAD: 2, LOSS: 3, PROB: 4, HVP: 5, EXIT: 6, SCORES: 7 } as const;
