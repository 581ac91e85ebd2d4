#ifndef CSYSTEM_H
#define CSYSTEM_H
/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, or -1 with errno set (ENOSYS/EINVAL where unsupported).
int lenses_exchange_paths(const char *a, const char *b);
#endif
