# SPDX-License-Identifier: MIT
# Fuzzing of the answer readers, included by the top Makefile.am: paths are
# relative to the top directory.
#
# tests/fuzz/fuzz_answers.c is a libFuzzer target. `make check` builds it
# with the normal compiler and a small driver (replay.c) that feeds it every
# JSON fixture through every reader; `make fuzz` builds it with clang's
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer and runs it for
# FUZZ_SECONDS from those fixtures. Figures, like `make bench`; an input that
# crashes is written to tests/fuzz/crash-* and fails the run.

fuzz_target_sources = tests/fuzz/fuzz_answers.c \
	$(pure_sources) $(client_sources)

# The replay links the product sources as the unit tests do
# (tests/unit/local.mk); the libFuzzer build below compiles them itself,
# with the sanitizers and coverage.
check_PROGRAMS += tests/fuzz/replay
TESTS += tests/fuzz/replay
tests_fuzz_replay_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_answers.c
tests_fuzz_replay_CPPFLAGS = $(unit_cppflags) \
	-DWF_TEST_DATA_DIR='"$(abs_top_srcdir)/tests/data"'
tests_fuzz_replay_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JSONC_CFLAGS)
tests_fuzz_replay_LDADD = $(unit_client_libs)

FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_FLAGS = -g -O1 -std=c11 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined

tests/fuzz/fuzz_answers: $(fuzz_target_sources)
	@if ! command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	  echo "make fuzz: $(FUZZ_CC) not found (Debian package clang)"; \
	  exit 1; \
	fi
	sources=; for f in $(fuzz_target_sources); do \
	  case $$f in *.c) sources="$$sources $(srcdir)/$$f";; esac; \
	done; \
	$(FUZZ_CC) $(FUZZ_FLAGS) $(AM_CPPFLAGS) -DWF_UNIT_TEST -I$(srcdir)/src \
	  $(CURL_CFLAGS) $(JSONC_CFLAGS) $$sources \
	  $(CURL_LIBS) $(JSONC_LIBS) $(MATH_LIBS) $(PTHREAD_LIBS) -o $@

# The corpus grows across runs in tests/fuzz/corpus; the fixtures, one copy
# per reader, are where it starts. As in replay.c, there are more selectors
# than readers (the target folds them), so a new reader needs no change here.
fuzz: tests/fuzz/fuzz_answers
	mkdir -p tests/fuzz/corpus tests/fuzz/seed
	for f in $(srcdir)/tests/data/*.json; do \
	  for r in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do \
	    { printf "\\$$(printf %03o $$r)"; cat "$$f"; } \
	      > "tests/fuzz/seed/$$(basename "$$f" .json)-$$r"; \
	  done; \
	done
	./tests/fuzz/fuzz_answers -max_total_time=$(FUZZ_SECONDS) \
	  -max_len=16384 -print_final_stats=1 -artifact_prefix=tests/fuzz/ \
	  tests/fuzz/corpus tests/fuzz/seed
.PHONY: fuzz

EXTRA_DIST += tests/fuzz/fuzz_answers.c tests/fuzz/replay.c
CLEANFILES += tests/fuzz/fuzz_answers
clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz/corpus tests/fuzz/seed
.PHONY: clean-fuzz
