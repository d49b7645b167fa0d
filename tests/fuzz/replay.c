/**
 * collectd-workforce - tests/fuzz/replay.c
 * SPDX-License-Identifier: MIT
 *
 * Runs the fuzz target without libFuzzer, as a test in `make check` (and
 * under valgrind in `make check-valgrind`): every JSON fixture of
 * tests/data through every answer reader, so that an answer of one
 * endpoint read as another's fails cleanly, and so that the target keeps
 * building. Files named on the command line are replayed as they are, the
 * first byte choosing the reader: that is how an input `make fuzz` found
 * is checked again.
 **/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads a whole file after `skip` bytes left free for the caller. */
static uint8_t *read_file(const char *path, size_t skip, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  size_t capacity = 4096;
  size_t used = skip;
  uint8_t *data = malloc(capacity);
  while (data != NULL) {
    if (used == capacity) {
      uint8_t *bigger = realloc(data, capacity * 2);
      if (bigger == NULL) {
        free(data);
        data = NULL;
        break;
      }
      data = bigger;
      capacity *= 2;
    }
    size_t n = fread(data + used, 1, capacity - used, f);
    if (n == 0)
      break;
    used += n;
  }
  fclose(f);
  *size = used;
  return data;
}

/* Every fixture in `dir` through every reader. Returns the number of
 * inputs, or -1 when the directory cannot be read. */
static int replay_fixtures(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    fprintf(stderr, "replay: cannot read %s\n", dir);
    return -1;
  }
  int inputs = 0;
  const struct dirent *entry;
  while ((entry = readdir(d)) != NULL) {
    size_t len = strlen(entry->d_name);
    if (len < 6 || strcmp(entry->d_name + len - 5, ".json") != 0)
      continue;
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
    size_t size = 0;
    uint8_t *data = read_file(path, 1, &size);
    if (data == NULL) {
      fprintf(stderr, "replay: cannot read %s\n", path);
      closedir(d);
      return -1;
    }
    /* More selectors than readers: the target folds them, as it does for
     * libFuzzer's inputs. */
    for (int reader = 0; reader < 16; reader++) {
      data[0] = (uint8_t)reader;
      LLVMFuzzerTestOneInput(data, size);
      inputs++;
    }
    free(data);
  }
  closedir(d);
  return inputs;
}

int main(int argc, char **argv) {
  int inputs = 0;
  if (argc > 1) {
    for (int i = 1; i < argc; i++) {
      size_t size = 0;
      uint8_t *data = read_file(argv[i], 0, &size);
      if (data == NULL) {
        fprintf(stderr, "replay: cannot read %s\n", argv[i]);
        return 1;
      }
      LLVMFuzzerTestOneInput(data, size);
      free(data);
      inputs++;
    }
  } else {
    inputs = replay_fixtures(WF_TEST_DATA_DIR);
    if (inputs <= 0) {
      fprintf(stderr, "replay: no fixtures in %s\n", WF_TEST_DATA_DIR);
      return 1;
    }
  }
  printf("replayed %d inputs through the answer readers\n", inputs);
  return 0;
}
