#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include "CSystem.h"

int lenses_exchange_paths(const char *a, const char *b) {
#if defined(__linux__) && defined(RENAME_EXCHANGE)
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
    (void)a; (void)b;
    errno = ENOSYS;
    return -1;
#endif
}

#if defined(__GLIBC__)
#include <malloc.h>
int lenses_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
int lenses_set_arena_max(int arenas) { return mallopt(M_ARENA_MAX, arenas); }
int lenses_set_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }
#else
int lenses_set_mmap_threshold(int bytes) { (void)bytes; return 0; }
int lenses_set_arena_max(int arenas) { (void)arenas; return 0; }
int lenses_set_trim_threshold(int bytes) { (void)bytes; return 0; }
#endif
