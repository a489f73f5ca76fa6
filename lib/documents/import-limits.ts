/**
 * The largest file an import takes, in UTF-8 bytes; larger ones are refused, not truncated.
 * Its own module so the import dialog checks the same figure before uploading.
 */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
