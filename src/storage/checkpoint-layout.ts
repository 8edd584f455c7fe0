/**
 * Where a stored checkpoint (versioned-saver.ts) keeps its channel versions: the key, in its channel values, of the
 * map from each channel to the version whose value is stored once (conductor_checkpoint_blobs). Pruning reads it too.
 */
export const VERSIONS_KEY = "__conductor_channel_versions__";
