/**
 * collectd-workforce - src/wf_quota_file.h
 * SPDX-License-Identifier: MIT
 *
 * The monthly quota count of an account, kept in a file so that
 * api_quota_used and MonthlyQuota's planner still count this month's
 * calls after a restart: "workforce-<account>.quota" in collectd's
 * BaseDir, one line "<month start> <calls>\n" (wf_stats_quota_format).
 * wf_account.c loads it at start and saves it after each poll, and logs
 * what goes wrong.
 **/
#ifndef WF_QUOTA_FILE_H
#define WF_QUOTA_FILE_H

#include "wf_stats.h"

/* The path of `account`'s count in `base_dir` (NULL: the current
 * directory): a string to free, or NULL without memory. */
char *wf_quota_file_path(const char *base_dir, const char *account);

typedef enum {
  WF_QUOTA_FILE_LOADED,  /* the count is in `stats` */
  WF_QUOTA_FILE_MISSING, /* no count yet (or none readable) */
  WF_QUOTA_FILE_INVALID, /* the file holds no count: ignored */
} wf_quota_file_status_t;

/* Reads the count in `path` into `stats`. */
wf_quota_file_status_t wf_quota_file_load(const char *path, wf_stats_t *stats);

/* Writes the count of `stats` to `path`: to "<path>.tmp" first, then
 * renamed, so that a crash never leaves half a line. Returns 0, or an
 * errno value (the temporary file is removed). */
int wf_quota_file_save(const char *path, const wf_stats_t *stats);

#endif /* WF_QUOTA_FILE_H */
