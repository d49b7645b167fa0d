/**
 * collectd-workforce - src/wf_conffile.h
 * SPDX-License-Identifier: MIT
 *
 * collectd's configuration file, read the way the daemon reads it, into
 * collectd's own oconfig_item_t tree: the tree the plugin's configuration
 * callback receives, so that wf_config.c consumes it unchanged. The
 * daemon's parser (liboconfig) is compiled into the collectd binary and
 * not exported; this is a small parser of the same grammar:
 *
 *   - `#` starts a comment that runs to the end of the line;
 *   - a statement is a key (letters, digits, `_`) followed by one or more
 *     values on one line; a backslash just before the line end joins the
 *     next line;
 *   - values are quoted strings ("..." with backslash escapes: `\"` is a
 *     quote, a backslash before any other character stands for that
 *     character, a backslash before the line end continues the string on
 *     the next line without its leading blanks), numbers (decimal, octal,
 *     hexadecimal, `1.5`), `true`/`yes`/`on` and `false`/`no`/`off`, and
 *     unquoted words (letters, digits, `_`, IP addresses);
 *   - `<Key values>` opens a block that `</Key>` closes, each on a line of
 *     its own; statements and blocks nest inside.
 *
 * As in collectd, a statement without values and a block without values
 * or children are left out, and a file must end with a line end.
 *
 * `Include "path"` statements at the top level of a file are replaced by
 * what they include, as collectd's configfile.c does: the path goes
 * through wordexp(3) (so `~`, `$VAR` and globs expand; relative paths are
 * relative to the working directory); a file is read, a directory is read
 * file by file in name order, its subdirectories too, leaving out names
 * that start with `.`. The block form
 *
 *   <Include "/etc/collectd/collectd.conf.d">
 *     Filter "*.conf"
 *   </Include>
 *
 * only reads the files whose name matches the fnmatch(3) pattern. A file
 * that includes itself, directly or through others, is refused, and so
 * are more than WF_CONFFILE_MAX_DEPTH levels of Include.
 **/
#ifndef WF_CONFFILE_H
#define WF_CONFFILE_H

#include "liboconfig/oconfig.h"

#include <stdbool.h>

/* Levels of Include collectd follows (CF_MAX_DEPTH in its configfile.c):
 * the file given to collectd is level 0. */
#define WF_CONFFILE_MAX_DEPTH 8

/* Blocks nested in one another within one file, at most. */
#define WF_CONFFILE_MAX_NESTING 64

/* Largest file read, in bytes. */
#define WF_CONFFILE_MAX_SIZE (16 * 1024 * 1024)

typedef enum {
  WF_CONFFILE_ERROR,   /* collectd refuses the configuration */
  WF_CONFFILE_WARNING, /* collectd goes on, leaving something out */
} wf_conffile_severity_t;

/* Receives each problem found while reading, with the file and line it is
 * on (NULL and 0 when it has none). */
typedef void (*wf_conffile_report_fn)(void *arg,
                                      wf_conffile_severity_t severity,
                                      const char *file, int line,
                                      const char *message);

/* Outcomes of wf_conffile_read. */
#define WF_CONFFILE_OK 0
#define WF_CONFFILE_INVALID (-1)    /* problems were reported */
#define WF_CONFFILE_UNREADABLE (-2) /* the file itself cannot be read */

typedef struct wf_conffile_s wf_conffile_t;

/* Reads the configuration file `path` and everything it includes. Every
 * problem goes to `report`. Returns WF_CONFFILE_OK with `*doc` set (free
 * it with wf_conffile_free), WF_CONFFILE_INVALID when a file could not be
 * parsed or an Include not followed (an error was reported; `*doc` is
 * NULL), or WF_CONFFILE_UNREADABLE when `path` cannot be read (reported
 * too). Warnings alone leave the result WF_CONFFILE_OK. */
int wf_conffile_read(const char *path, wf_conffile_report_fn report, void *arg,
                     wf_conffile_t **doc);

/* As wf_conffile_read, on `text` instead of a file; `name` stands for the
 * file in messages. Includes are followed as from a file. */
int wf_conffile_parse(const char *text, const char *name,
                      wf_conffile_report_fn report, void *arg,
                      wf_conffile_t **doc);

/* The root of the tree: its children are the file's top-level statements
 * and blocks, with the Includes replaced. */
const oconfig_item_t *wf_conffile_root(const wf_conffile_t *doc);

/* Where `item`, an item of the tree, was written. Returns false for an
 * item not in the tree. */
bool wf_conffile_where(const wf_conffile_t *doc, const oconfig_item_t *item,
                       const char **file, int *line);

/* Releases the document and its tree. */
void wf_conffile_free(wf_conffile_t *doc);

#endif /* WF_CONFFILE_H */
