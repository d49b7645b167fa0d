/**
 * collectd-workforce - src/wf_collectd.h
 * SPDX-License-Identifier: MIT
 *
 * collectd's plugin headers, whatever their layout: Debian's collectd-dev
 * (collectd/core/daemon/...) or a collectd source tree (daemon/...).
 * configure tells which one it found.
 **/
#ifndef WF_COLLECTD_H
#define WF_COLLECTD_H

#if WF_COLLECTD_PACKAGED_LAYOUT
#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/globals.h"
#include "collectd/core/daemon/plugin.h"
#include "collectd/core/daemon/utils_complain.h"
#include "collectd/core/utils/common/common.h"
#else
#include "collectd.h"
#include "globals.h"
#include "plugin.h"
#include "utils/common/common.h"
#include "utils_complain.h"
#endif

#endif /* WF_COLLECTD_H */
