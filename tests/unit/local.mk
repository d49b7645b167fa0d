# SPDX-License-Identifier: MIT
# Unit tests (cmocka), included by the top Makefile.am: paths are relative
# to the top directory.
#
# The tests see the product sources compiled with -DWF_UNIT_TEST, which
# makes the functions marked UNITTEST visible (tests/unit/unittest_decls.h
# declares them). Those objects are compiled once, into two libraries that
# every test links (below); the plugin's own libtool objects are compiled
# apart, without -DWF_UNIT_TEST. A test whose product sources need other
# flags (collectd's headers) compiles them itself.

unit_test_programs =
unit_test_data = \
	tests/data/empLeaveRecords-page1.json \
	tests/data/empLeaveRecords-last.json \
	tests/data/empLeaveRecords-malformed.json \
	tests/data/empLeaveRecords-no-records.json \
	tests/data/empLeaveRecords-truncated.json \
	tests/data/queryonjob-page1.json \
	tests/data/queryonjob-page2.json \
	tests/data/queryonjob-last.json \
	tests/data/queryonjob-no-result.json \
	tests/data/queryonjob-non-string-id.json \
	tests/data/listRecord-today.json \
	tests/data/listRecord-malformed.json \
	tests/data/listRecord-empty.json \
	tests/data/listRecord-no-recordresult.json \
	tests/data/checkinRecord-page1.json \
	tests/data/checkinRecord-page2.json \
	tests/data/checkinRecord-last.json \
	tests/data/checkinRecord-no-result.json \
	tests/data/checkinRecord-no-page-list.json \
	tests/data/userTasks-today.json \
	tests/data/userTasks-no-names.json \
	tests/data/userTasks-rejected.json \
	tests/data/userTasks-no-data.json \
	tests/data/vacationRecords-page1.json \
	tests/data/vacationRecords-last.json \
	tests/data/vacationRecords-no-has-more.json \
	tests/data/vacationRecords-malformed.json \
	tests/data/vacationRecords-no-result.json \
	tests/data/reportList-page1.json \
	tests/data/reportList-last.json \
	tests/data/reportList-no-result.json \
	tests/data/leaveExpiry-days-hours.json \
	tests/data/leaveExpiry-empty.json \
	tests/data/leaveExpiry-bad-unit.json \
	tests/data/leaveExpiry-bad-quantity.json \
	tests/data/leaveExpiry-no-data.json
# The scripted exchanges of test_client (tests/data/scripts/README).
unit_test_data += \
	tests/data/scripts/README \
	tests/data/scripts/announcements-page-numbers.txt \
	tests/data/scripts/departures-endless-cursor.txt \
	tests/data/scripts/departures-pages.txt \
	tests/data/scripts/departures-repeat-cursor-first.txt \
	tests/data/scripts/departures-repeat-cursor.txt \
	tests/data/scripts/departures-throttled-page.txt \
	tests/data/scripts/dingtalk-busy-gives-up.txt \
	tests/data/scripts/dingtalk-busy-retried.txt \
	tests/data/scripts/dingtalk-credentials-refused.txt \
	tests/data/scripts/dingtalk-delay-retried.txt \
	tests/data/scripts/dingtalk-drop-gives-up.txt \
	tests/data/scripts/dingtalk-drop-retried.txt \
	tests/data/scripts/dingtalk-garbage.txt \
	tests/data/scripts/dingtalk-huge.txt \
	tests/data/scripts/dingtalk-ip-block-every-host.txt \
	tests/data/scripts/dingtalk-ip-block-html.txt \
	tests/data/scripts/dingtalk-ip-block.txt \
	tests/data/scripts/dingtalk-platform-error.txt \
	tests/data/scripts/dingtalk-quota-v1.txt \
	tests/data/scripts/dingtalk-quota.txt \
	tests/data/scripts/dingtalk-server-error-retried.txt \
	tests/data/scripts/dingtalk-throttle-gives-up.txt \
	tests/data/scripts/dingtalk-throttle-retried.txt \
	tests/data/scripts/dingtalk-throttle-v1-retried.txt \
	tests/data/scripts/dingtalk-timeout-gives-up.txt \
	tests/data/scripts/dingtalk-token-cached.txt \
	tests/data/scripts/dingtalk-token-fetch-dropped.txt \
	tests/data/scripts/dingtalk-token-refused-once.txt \
	tests/data/scripts/dingtalk-token-refused-twice.txt \
	tests/data/scripts/dingtalk-truncated.txt \
	tests/data/scripts/dingtalk-v1-token-refused-once.txt \
	tests/data/scripts/dingtalk-v1-token-refused-twice.txt \
	tests/data/scripts/dingtalk-v1-truncated.txt \
	tests/data/scripts/feishu-credentials-refused.txt \
	tests/data/scripts/feishu-garbage.txt \
	tests/data/scripts/feishu-platform-error.txt \
	tests/data/scripts/feishu-server-error-gives-up.txt \
	tests/data/scripts/feishu-throttle-long-reset.txt \
	tests/data/scripts/feishu-throttle-reset.txt \
	tests/data/scripts/feishu-throttle-without-reset.txt \
	tests/data/scripts/feishu-token-cached.txt \
	tests/data/scripts/feishu-token-refused-once.txt \
	tests/data/scripts/feishu-token-refused-twice.txt \
	tests/data/scripts/http-size-cap.txt \
	tests/data/scripts/http-transport.txt \
	tests/data/scripts/leave-offset-empty-page.txt \
	tests/data/scripts/leave-offset-pages.txt
EXTRA_DIST += $(unit_test_data)

unit_cppflags = $(AM_CPPFLAGS) -DWF_UNIT_TEST -I$(top_srcdir)/src
unit_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS)

# The product sources in their test build, for the unit tests and the
# fixture replay (tests/fuzz/local.mk), which is built without cmocka too.
# The linker takes from them only the objects a test calls into. The
# clients' library needs the pure one after it.
check_LIBRARIES = tests/unit/libwfpure.a tests/unit/libwfclient.a
tests_unit_libwfpure_a_SOURCES = $(pure_sources)
tests_unit_libwfpure_a_CPPFLAGS = $(unit_cppflags)
tests_unit_libwfpure_a_CFLAGS = $(AM_CFLAGS)
tests_unit_libwfclient_a_SOURCES = $(client_sources)
tests_unit_libwfclient_a_CPPFLAGS = $(unit_cppflags)
tests_unit_libwfclient_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JSONC_CFLAGS)
unit_pure_libs = tests/unit/libwfpure.a $(MATH_LIBS) $(PTHREAD_LIBS)
unit_client_libs = tests/unit/libwfclient.a $(unit_pure_libs) \
	$(CURL_LIBS) $(JSONC_LIBS)

if HAVE_CMOCKA
unit_test_programs += \
	tests/unit/test_time \
	tests/unit/test_metrics \
	tests/unit/test_token \
	tests/unit/test_pager \
	tests/unit/test_ratelimit \
	tests/unit/test_planner \
	tests/unit/test_roster \
	tests/unit/test_job \
	tests/unit/test_cache \
	tests/unit/test_quota_file \
	tests/unit/test_types \
	tests/unit/test_agg \
	tests/unit/test_dingtalk \
	tests/unit/test_feishu \
	tests/unit/test_client \
	tests/unit/test_config \
	tests/unit/test_threshold \
	tests/unit/test_robot \
	tests/unit/test_conffile \
	tests/unit/test_check_cost
check_PROGRAMS += $(unit_test_programs)
TESTS += $(unit_test_programs)

unit_test_headers = tests/unit/unittest.h tests/unit/unittest_decls.h \
	tests/unit/unittest_json.h tests/unit/unittest_metrics.h \
	tests/unit/unittest_fixture.h

# Tests of the pure modules: no collectd, libcurl or json-c.
tests_unit_test_time_SOURCES = tests/unit/test_time.c $(unit_test_headers)
tests_unit_test_time_CPPFLAGS = $(unit_cppflags)
tests_unit_test_time_CFLAGS = $(unit_cflags)
tests_unit_test_time_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

tests_unit_test_metrics_SOURCES = tests/unit/test_metrics.c \
	$(unit_test_headers)
tests_unit_test_metrics_CPPFLAGS = $(unit_cppflags)
tests_unit_test_metrics_CFLAGS = $(unit_cflags)
tests_unit_test_metrics_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

tests_unit_test_token_SOURCES = tests/unit/test_token.c $(unit_test_headers)
tests_unit_test_token_CPPFLAGS = $(unit_cppflags)
tests_unit_test_token_CFLAGS = $(unit_cflags)
tests_unit_test_token_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

tests_unit_test_pager_SOURCES = tests/unit/test_pager.c $(unit_test_headers)
tests_unit_test_pager_CPPFLAGS = $(unit_cppflags)
tests_unit_test_pager_CFLAGS = $(unit_cflags)
tests_unit_test_pager_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

tests_unit_test_ratelimit_SOURCES = tests/unit/test_ratelimit.c \
	$(unit_test_headers)
tests_unit_test_ratelimit_CPPFLAGS = $(unit_cppflags)
tests_unit_test_ratelimit_CFLAGS = $(unit_cflags)
tests_unit_test_ratelimit_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

# The monthly quota planner, over whole months of a fake clock.
tests_unit_test_planner_SOURCES = tests/unit/test_planner.c \
	$(unit_test_headers)
tests_unit_test_planner_CPPFLAGS = $(unit_cppflags)
tests_unit_test_planner_CFLAGS = $(unit_cflags)
tests_unit_test_planner_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

# The plugin's list of types against the types file collectd loads.
tests_unit_test_types_SOURCES = tests/unit/test_types.c \
	$(unit_test_headers)
tests_unit_test_types_CPPFLAGS = $(unit_cppflags) \
	-DWF_TYPES_DB='"$(abs_top_srcdir)/src/workforce.types.db"'
tests_unit_test_types_CFLAGS = $(unit_cflags)
tests_unit_test_types_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

# What a collector's job decides after a poll.
tests_unit_test_job_SOURCES = tests/unit/test_job.c $(unit_test_headers)
tests_unit_test_job_CPPFLAGS = $(unit_cppflags)
tests_unit_test_job_CFLAGS = $(unit_cflags)
tests_unit_test_job_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

# What an account keeps between polls, and its quota count on disk.
tests_unit_test_cache_SOURCES = tests/unit/test_cache.c $(unit_test_headers)
tests_unit_test_cache_CPPFLAGS = $(unit_cppflags)
tests_unit_test_cache_CFLAGS = $(unit_cflags)
tests_unit_test_cache_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

tests_unit_test_quota_file_SOURCES = tests/unit/test_quota_file.c \
	$(unit_test_headers)
tests_unit_test_quota_file_CPPFLAGS = $(unit_cppflags)
tests_unit_test_quota_file_CFLAGS = $(unit_cflags)
tests_unit_test_quota_file_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

# The employee ids handed out while they are read.
tests_unit_test_roster_SOURCES = tests/unit/test_roster.c \
	$(unit_test_headers)
tests_unit_test_roster_CPPFLAGS = $(unit_cppflags)
tests_unit_test_roster_CFLAGS = $(unit_cflags)
tests_unit_test_roster_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

tests_unit_test_agg_SOURCES = tests/unit/test_agg.c $(unit_test_headers)
tests_unit_test_agg_CPPFLAGS = $(unit_cppflags)
tests_unit_test_agg_CFLAGS = $(unit_cflags)
tests_unit_test_agg_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

# The threshold state machine and its messages.
tests_unit_test_threshold_SOURCES = tests/unit/test_threshold.c \
	$(unit_test_headers)
tests_unit_test_threshold_CPPFLAGS = $(unit_cppflags)
tests_unit_test_threshold_CFLAGS = $(unit_cflags)
tests_unit_test_threshold_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

# Robot messages, signatures and rate limit, on json-c and libcrypto; the
# JSON helpers come from the clients' library.
tests_unit_test_robot_SOURCES = tests/unit/test_robot.c \
	$(unit_test_headers) $(robot_sources)
tests_unit_test_robot_CPPFLAGS = $(unit_cppflags)
tests_unit_test_robot_CFLAGS = $(unit_cflags) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS)
tests_unit_test_robot_LDADD = $(unit_client_libs) $(CRYPTO_LIBS) \
	$(CMOCKA_LIBS)

# The DingTalk client's parsing and classification, on JSON fixtures.
tests_unit_test_dingtalk_SOURCES = tests/unit/test_dingtalk.c \
	$(unit_test_headers)
tests_unit_test_dingtalk_CPPFLAGS = $(unit_cppflags) \
	-DWF_TEST_DATA_DIR='"$(abs_top_srcdir)/tests/data"'
tests_unit_test_dingtalk_CFLAGS = $(unit_cflags) $(CURL_CFLAGS) \
	$(JSONC_CFLAGS)
tests_unit_test_dingtalk_LDADD = $(unit_client_libs) $(CMOCKA_LIBS)

# The Feishu client's parsing and classification, on JSON fixtures.
tests_unit_test_feishu_SOURCES = tests/unit/test_feishu.c \
	$(unit_test_headers)
tests_unit_test_feishu_CPPFLAGS = $(unit_cppflags) \
	-DWF_TEST_DATA_DIR='"$(abs_top_srcdir)/tests/data"'
tests_unit_test_feishu_CFLAGS = $(unit_cflags) $(CURL_CFLAGS) \
	$(JSONC_CFLAGS)
tests_unit_test_feishu_LDADD = $(unit_client_libs) $(CMOCKA_LIBS)

# The retry, token, throttling and paging logic of the real client with the
# real DingTalk and Feishu operations, against scripted answers
# (tests/data/scripts/) played by a transport in place of libcurl.
tests_unit_test_client_SOURCES = tests/unit/test_client.c \
	tests/unit/script.c tests/unit/script.h $(unit_test_headers)
tests_unit_test_client_CPPFLAGS = $(unit_cppflags) \
	-DWF_TEST_DATA_DIR='"$(abs_top_srcdir)/tests/data"'
tests_unit_test_client_CFLAGS = $(unit_cflags) $(CURL_CFLAGS) \
	$(JSONC_CFLAGS)
tests_unit_test_client_LDADD = $(unit_client_libs) $(CMOCKA_LIBS)

# The configuration parser, on hand-built oconfig trees, with collectd's
# functions replaced by those of collectd-workforce-check
# (src/wf_check_daemon.c) but plugin_log, which
# tests/unit/collectd_stubs.c replaces to keep what was logged.
# wf_config.c needs collectd's headers: this test compiles it itself.
tests_unit_test_config_SOURCES = tests/unit/test_config.c \
	$(unit_test_headers) \
	tests/unit/collectd_stubs.c tests/unit/collectd_stubs.h \
	src/wf_check_daemon.c src/wf_collectd.h \
	src/wf_config.c src/wf_config.h src/wf_config_parse.h
tests_unit_test_config_CPPFLAGS = $(unit_cppflags) $(COLLECTD_CPPFLAGS)
tests_unit_test_config_CFLAGS = $(unit_cflags) $(JSONC_CFLAGS)
tests_unit_test_config_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)

# collectd's configuration grammar and Includes, on text and on files in a
# temporary directory: the parser of collectd-workforce-check.
tests_unit_test_conffile_SOURCES = tests/unit/test_conffile.c \
	$(unit_test_headers) src/wf_conffile.c src/wf_conffile.h
tests_unit_test_conffile_CPPFLAGS = $(unit_cppflags) $(COLLECTD_CPPFLAGS)
tests_unit_test_conffile_CFLAGS = $(unit_cflags)
tests_unit_test_conffile_LDADD = $(CMOCKA_LIBS)

# The cost arithmetic of collectd-workforce-check --probe and of the
# quota planner's first estimates.
tests_unit_test_check_cost_SOURCES = tests/unit/test_check_cost.c \
	$(unit_test_headers)
tests_unit_test_check_cost_CPPFLAGS = $(unit_cppflags)
tests_unit_test_check_cost_CFLAGS = $(unit_cflags)
tests_unit_test_check_cost_LDADD = $(unit_pure_libs) $(CMOCKA_LIBS)
endif

# `make check-valgrind`: every unit test under valgrind; fails when one
# fails or leaks. Each run's output is kept in tests/unit/<test>.valgrind.log.
check-valgrind: $(unit_test_programs) tests/fuzz/replay
	@if test -z "$(unit_test_programs)"; then \
	  echo "check-valgrind: the unit tests need cmocka (libcmocka-dev)"; \
	  exit 1; \
	fi; \
	if test -z "$(VALGRIND)"; then \
	  echo "check-valgrind: valgrind not found by configure"; \
	  exit 1; \
	fi; \
	failed=0; \
	for t in $(unit_test_programs) tests/fuzz/replay; do \
	  if $(LIBTOOL) --mode=execute $(VALGRIND) --leak-check=full \
	      --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
	      ./$$t >$$t.valgrind.log 2>&1; then \
	    echo "PASS: $$t (valgrind)"; \
	  else \
	    echo "FAIL: $$t (valgrind), see $$t.valgrind.log"; \
	    grep -E 'FAILED  \]|ERROR SUMMARY|definitely lost|indirectly lost' \
	      $$t.valgrind.log | sed 's/^/    /'; \
	    failed=1; \
	  fi; \
	done; \
	exit $$failed
.PHONY: check-valgrind
CLEANFILES += tests/unit/*.valgrind.log tests/fuzz/*.valgrind.log
