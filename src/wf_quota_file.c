/**
 * collectd-workforce - src/wf_quota_file.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_quota_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Room for a count: two 64-bit numbers, a space and the line end. */
#define QUOTA_LINE_SIZE 128

/* errno after a failed call, never 0. */
static int quota_errno(void) { return (errno != 0) ? errno : EIO; }

char *wf_quota_file_path(const char *base_dir, const char *account) {
  const char *base = (base_dir != NULL) ? base_dir : ".";
  size_t size = strlen(base) + strlen(account) + sizeof("/workforce-.quota");
  char *path = malloc(size);
  if (path != NULL)
    snprintf(path, size, "%s/workforce-%s.quota", base, account);
  return path;
}

wf_quota_file_status_t wf_quota_file_load(const char *path, wf_stats_t *stats) {
  FILE *fh = fopen(path, "r");
  if (fh == NULL)
    return WF_QUOTA_FILE_MISSING;
  char line[QUOTA_LINE_SIZE] = "";
  bool read = fgets(line, sizeof(line), fh) != NULL &&
              wf_stats_quota_parse(stats, line) == 0;
  fclose(fh);
  return read ? WF_QUOTA_FILE_LOADED : WF_QUOTA_FILE_INVALID;
}

int wf_quota_file_save(const char *path, const wf_stats_t *stats) {
  char line[QUOTA_LINE_SIZE];
  if (wf_stats_quota_format(stats, line, sizeof(line)) != 0)
    return EOVERFLOW;
  size_t size = strlen(path) + sizeof(".tmp");
  char *tmp = malloc(size);
  if (tmp == NULL)
    return ENOMEM;
  snprintf(tmp, size, "%s.tmp", path);

  int status = 0;
  errno = 0;
  FILE *fh = fopen(tmp, "w");
  if (fh == NULL) {
    status = quota_errno();
  } else {
    if (fputs(line, fh) < 0)
      status = quota_errno();
    if (fclose(fh) != 0 && status == 0)
      status = quota_errno();
    if (status == 0 && rename(tmp, path) != 0)
      status = quota_errno();
    if (status != 0)
      unlink(tmp);
  }
  free(tmp);
  return status;
}
