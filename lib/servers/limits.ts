/**
 * The smallest resources a server may get. Docker reads 0 as "unlimited" for memory and CPU,
 * so a value that rounds down to 0 would switch the limit off: everything is checked against
 * these floors after unit conversion, and again where the container is described.
 */
export const MIN_CPU = 0.1;
export const MIN_MEMORY_MB = 128;
/** Beyond any machine: keeps real and int4 columns (and Docker's int64 bytes) in range. */
export const MAX_CPU = 1024;
export const MAX_MEMORY_MB = 16 * 1024 * 1024;
export const MAX_GPUS = 64;
/** Processes (and threads) per server: a fork bomb stops here. */
export const PIDS_LIMIT = 1024;
