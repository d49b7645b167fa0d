/**
 * collectd-workforce - tests/unit/unittest_decls.h
 * SPDX-License-Identifier: MIT
 *
 * Prototypes of the product functions marked UNITTEST: static in the
 * plugin, visible when the sources are compiled with -DWF_UNIT_TEST. The
 * tests call them through these declarations, never by including a .c
 * file. Modules with a private header (wf_dingtalk_private.h,
 * wf_feishu_private.h) declare their own; the others are declared here.
 **/
#ifndef UNITTEST_DECLS_H
#define UNITTEST_DECLS_H

#include "wf_agg.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_strlist.h"

#include <stddef.h>

/* src/wf_dingtalk.c and src/wf_feishu.c: their private types and
 * UNITTEST functions. */
#include "wf_dingtalk_private.h"
#include "wf_feishu_private.h"

/* src/wf_config.c */
int wf_read_secret_file(const char *path, char **secret, char *error,
                        size_t error_size);

#endif /* UNITTEST_DECLS_H */
