# Dashboards, alert rules, example configurations and the man page,
# included by the top Makefile.am; paths are relative to the top
# directory. Include it after TEST_EXTENSIONS, AM_TESTS_ENVIRONMENT and
# TESTS are first set: it appends to them.

# collectd-workforce(5).
man5_MANS = doc/collectd-workforce.5

# The examples, installed under $(pkgdatadir) (/usr/share/collectd-workforce
# with --prefix=/usr), where the man page and notify-exec.conf point.
dist_pkgdata_DATA = \
	contrib/collectd/workforce.conf \
	contrib/collectd/threshold.conf \
	contrib/collectd/notify-exec.conf \
	contrib/prometheus/workforce.rules.yml \
	contrib/grafana/workforce.json
dist_pkgdata_SCRIPTS = contrib/collectd/notify.sh

EXTRA_DIST += \
	$(man5_MANS) \
	contrib/prometheus/workforce.rules.test.yml \
	contrib/grafana/provisioning/dashboards/workforce.yaml \
	contrib/grafana/provisioning/datasources/prometheus.yaml \
	tests/prometheus/check-rules.sh \
	tests/integration/test_prometheus.py

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
TESTS += \
	tests/prometheus/check-rules.sh \
	tests/integration/test_prometheus.py
