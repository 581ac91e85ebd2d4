#ifndef CSYSTEM_H
#define CSYSTEM_H
/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, or -1 with errno set (ENOSYS/EINVAL where unsupported).
int lenses_exchange_paths(const char *a, const char *b);
/// Sets glibc's mmap threshold (bytes) so large blocks are mapped and returned on free.
/// Returns 1 on success, 0 where unsupported.
int lenses_set_mmap_threshold(int bytes);
/// Caps glibc's number of malloc arenas. Returns 1 on success, 0 where unsupported.
int lenses_set_arena_max(int arenas);
/// Sets glibc's trim threshold (bytes): free memory at the top of the heap kept before returning it.
int lenses_set_trim_threshold(int bytes);
#endif
