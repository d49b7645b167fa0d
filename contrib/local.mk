# SPDX-License-Identifier: MIT
# Dashboards, alert rules, example configurations and the man page,
# included by the top Makefile.am; paths are relative to the top
# directory. Include it after TEST_EXTENSIONS, AM_TESTS_ENVIRONMENT and
# TESTS are first set: it appends to them.

# collectd-workforce(5).
man5_MANS = doc/collectd-workforce.5

# The README, next to the examples.
dist_doc_DATA = README.md

# What collectd and Prometheus use as installed: notify.sh, which
# notify-exec.conf runs, the rules and the dashboard, under $(pkgdatadir)
# (/usr/share/collectd-workforce with --prefix=/usr).
dist_pkgdata_DATA = \
	contrib/prometheus/workforce.rules.yml \
	contrib/grafana/workforce.json
dist_pkgdata_SCRIPTS = contrib/collectd/notify.sh

# The example configurations, under $(docdir)/examples
# (/usr/share/doc/collectd-workforce/examples with --prefix=/usr). Those
# that name installed files are made from their .in at make time, not by
# configure: the directories are only fully expanded here (configure would
# leave "${prefix}" in them), and `make prefix=...` changes them.
examplesdir = $(docdir)/examples
examples_DATA = \
	contrib/collectd/workforce.conf \
	contrib/collectd/notify-exec.conf
dist_examples_DATA = contrib/collectd/threshold.conf
CLEANFILES += $(examples_DATA)

edit_paths = sed \
	-e 's|@pkgdatadir[@]|$(pkgdatadir)|g' \
	-e 's|@docdir[@]|$(docdir)|g' \
	-e 's|@examplesdir[@]|$(examplesdir)|g' \
	-e 's|@plugindir[@]|$(plugindir)|g' \
	-e 's|@typesdir[@]|$(typesdir)|g'

$(examples_DATA): Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && rm -f $@ $@.tmp && \
	$(edit_paths) $(srcdir)/$@.in >$@.tmp && \
	if grep -n '@[a-z]*dir@' $@.tmp; then \
	  echo "$@: a directory above is not substituted" >&2; exit 1; \
	fi && mv $@.tmp $@
contrib/collectd/workforce.conf: $(srcdir)/contrib/collectd/workforce.conf.in
contrib/collectd/notify-exec.conf: \
	$(srcdir)/contrib/collectd/notify-exec.conf.in

EXTRA_DIST += \
	$(man5_MANS) \
	contrib/collectd/workforce.conf.in \
	contrib/collectd/notify-exec.conf.in \
	contrib/prometheus/workforce.rules.test.yml \
	contrib/grafana/provisioning/dashboards/workforce.yaml \
	contrib/grafana/provisioning/datasources/prometheus.yaml \
	$(prometheus_tests)

# The rules under promtool (check and unit tests), and the dashboard and
# rules against the real Prometheus scraping the real collectd. Both skip
# when their program is missing, and fail instead when CI is set.
# `make check PROMTOOL=/opt/prometheus/promtool PROMETHEUS=...` picks
# other binaries.
PROMTOOL = promtool
PROMETHEUS = prometheus
TEST_EXTENSIONS += .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT += \
	PROMTOOL='$(PROMTOOL)'; PROMETHEUS='$(PROMETHEUS)'; \
	export PROMTOOL PROMETHEUS;
prometheus_tests = \
	tests/prometheus/check-rules.sh \
	tests/integration/test_prometheus.py
TESTS += $(prometheus_tests)
