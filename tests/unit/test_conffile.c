/**
 * collectd-workforce - tests/unit/test_conffile.c
 * SPDX-License-Identifier: MIT
 *
 * collectd's configuration grammar and Include handling (src/wf_conffile.c):
 * the oconfig tree built from text and files, and every malformed input
 * refused with one message that names the file and the line.
 **/
#include "unittest.h"

#include "wf_conffile.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_REPORTS 16

/* What wf_conffile reported. */
typedef struct {
  int count;
  wf_conffile_severity_t severity[MAX_REPORTS];
  char file[MAX_REPORTS][512];
  int line[MAX_REPORTS];
  char message[MAX_REPORTS][1024];
} reports_t;

/* One test's state: its reports, its document and a directory of files. */
typedef struct {
  reports_t reports;
  wf_conffile_t *doc;
  char dir[256];
} fixture_t;

/* Keeps each report for the test to read. */
static void collect(void *arg, wf_conffile_severity_t severity,
                    const char *file, int line, const char *message) {
  reports_t *r = arg;
  if (r->count < MAX_REPORTS) {
    r->severity[r->count] = severity;
    snprintf(r->file[r->count], sizeof(r->file[0]), "%s",
             (file != NULL) ? file : "");
    r->line[r->count] = line;
    snprintf(r->message[r->count], sizeof(r->message[0]), "%s", message);
  }
  r->count++;
}

static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof(*f));
  if (f == NULL)
    return -1;
  const char *tmp = getenv("TMPDIR");
  snprintf(f->dir, sizeof(f->dir), "%s/wf-conffile-XXXXXX",
           (tmp != NULL && tmp[0] != '\0') ? tmp : "/tmp");
  if (mkdtemp(f->dir) == NULL) {
    free(f);
    return -1;
  }
  *state = f;
  return 0;
}

/* Removes a directory tree the test made. */
static void remove_tree(const char *path) {
  DIR *dh = opendir(path);
  if (dh == NULL) {
    unlink(path);
    return;
  }
  struct dirent *de;
  while ((de = readdir(dh)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    char child[1024];
    snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
    struct stat st;
    if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
      remove_tree(child);
    else
      unlink(child);
  }
  closedir(dh);
  rmdir(path);
}

static int teardown(void **state) {
  fixture_t *f = *state;
  wf_conffile_free(f->doc);
  remove_tree(f->dir);
  free(f);
  return 0;
}

/* The path of `name` in the test's directory. */
static const char *path_of(fixture_t *f, const char *name, char *buffer,
                           size_t size) {
  snprintf(buffer, size, "%s/%s", f->dir, name);
  return buffer;
}

/* Writes a file (directories on the way created) in the test's directory. */
static void write_file(fixture_t *f, const char *name, const char *content) {
  char path[1024];
  path_of(f, name, path, sizeof(path));
  for (char *slash = strchr(path + strlen(f->dir) + 1, '/'); slash != NULL;
       slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    mkdir(path, 0700);
    *slash = '/';
  }
  FILE *fh = fopen(path, "w");
  assert_non_null(fh);
  fputs(content, fh);
  fclose(fh);
}

/* Parses `text` and expects it accepted without a report. */
static const oconfig_item_t *parse_ok(fixture_t *f, const char *text) {
  int status =
      wf_conffile_parse(text, "test.conf", collect, &f->reports, &f->doc);
  if (status != WF_CONFFILE_OK || f->reports.count != 0)
    fail_msg("status %d, %d reports, first: %s", status, f->reports.count,
             f->reports.message[0]);
  return wf_conffile_root(f->doc);
}

/* Parses `text`, expects it refused with exactly one error on `line` whose
 * message contains `part`. */
static void parse_refused(fixture_t *f, const char *text, int line,
                          const char *part) {
  int status =
      wf_conffile_parse(text, "test.conf", collect, &f->reports, &f->doc);
  assert_int_equal(status, WF_CONFFILE_INVALID);
  assert_null(f->doc);
  assert_int_equal(f->reports.count, 1);
  assert_int_equal(f->reports.severity[0], WF_CONFFILE_ERROR);
  assert_string_equal(f->reports.file[0], "test.conf");
  assert_int_equal(f->reports.line[0], line);
  if (strstr(f->reports.message[0], part) == NULL)
    fail_msg("\"%s\" is not in: %s", part, f->reports.message[0]);
}

/* Reads the file `name` of the test's directory. */
static int read_file(fixture_t *f, const char *name) {
  char path[1024];
  return wf_conffile_read(path_of(f, name, path, sizeof(path)), collect,
                          &f->reports, &f->doc);
}

/* The keys of the root's children, joined by spaces. */
static const char *keys(const oconfig_item_t *root, char *buffer, size_t size) {
  size_t used = 0;
  buffer[0] = '\0';
  for (int i = 0; i < root->children_num && used < size; i++)
    used += (size_t)snprintf(buffer + used, size - used, "%s%s",
                             (i > 0) ? " " : "", root->children[i].key);
  return buffer;
}

/* The first string argument of each root child, joined by spaces. */
static const char *first_values(const oconfig_item_t *root, char *buffer,
                                size_t size) {
  size_t used = 0;
  buffer[0] = '\0';
  for (int i = 0; i < root->children_num && used < size; i++)
    used +=
        (size_t)snprintf(buffer + used, size - used, "%s%s", (i > 0) ? " " : "",
                         root->children[i].values[0].value.string);
  return buffer;
}

static void test_statements_and_blocks(void **state) {
  fixture_t *f = *state;
  const oconfig_item_t *root =
      parse_ok(f, "# collectd.conf\n"
                  "Hostname \"host.example.com\"\n"
                  "\n"
                  "LoadPlugin workforce\n"
                  "<Plugin workforce>\n"
                  "  <DingTalk \"acme\">   # the account\n"
                  "    Interval 300\n"
                  "    Collect \"departures\" headcount\n"
                  "    VerifyPeer false\n"
                  "  </DingTalk>\n"
                  "</Plugin>\n");
  assert_int_equal(root->children_num, 3);
  assert_string_equal(root->children[0].key, "Hostname");
  assert_int_equal(root->children[0].values_num, 1);
  assert_int_equal(root->children[0].values[0].type, OCONFIG_TYPE_STRING);
  assert_string_equal(root->children[0].values[0].value.string,
                      "host.example.com");
  assert_string_equal(root->children[1].values[0].value.string, "workforce");

  const oconfig_item_t *plugin = &root->children[2];
  assert_string_equal(plugin->key, "Plugin");
  assert_ptr_equal(plugin->parent, root);
  assert_int_equal(plugin->children_num, 1);
  const oconfig_item_t *account = &plugin->children[0];
  assert_string_equal(account->key, "DingTalk");
  assert_ptr_equal(account->parent, plugin);
  assert_string_equal(account->values[0].value.string, "acme");
  assert_int_equal(account->children_num, 3);
  assert_int_equal(account->children[0].values[0].type, OCONFIG_TYPE_NUMBER);
  assert_true(account->children[0].values[0].value.number == 300);
  assert_int_equal(account->children[1].values_num, 2);
  assert_string_equal(account->children[1].values[1].value.string, "headcount");
  assert_int_equal(account->children[2].values[0].type, OCONFIG_TYPE_BOOLEAN);
  assert_int_equal(account->children[2].values[0].value.boolean, 0);
  assert_ptr_equal(account->children[2].parent, account);

  const char *file = NULL;
  int line = 0;
  assert_true(wf_conffile_where(f->doc, account, &file, &line));
  assert_string_equal(file, "test.conf");
  assert_int_equal(line, 6);
  assert_true(wf_conffile_where(f->doc, &account->children[2], &file, &line));
  assert_int_equal(line, 9);
  assert_false(wf_conffile_where(f->doc, root, &file, &line));
}

static void test_values_as_the_scanner_reads_them(void **state) {
  fixture_t *f = *state;
  const oconfig_item_t *root = parse_ok(
      f, "A 0x1f 017 -5 +2.5 .5 1.5e+2 10abc 1.2.3.4 192.168.1.1:8080\n"
         "B yes on true no off false onion Yes\n"
         "C ::1 [2001:db8::1]:9103 under_score\n");
  const oconfig_item_t *a = &root->children[0];
  assert_int_equal(a->values_num, 9);
  double numbers[] = {31, 17, -5, 2.5, 0.5, 150};
  for (int i = 0; i < 6; i++) {
    assert_int_equal(a->values[i].type, OCONFIG_TYPE_NUMBER);
    assert_true(a->values[i].value.number == numbers[i]);
  }
  assert_int_equal(a->values[6].type, OCONFIG_TYPE_STRING);
  assert_string_equal(a->values[6].value.string, "10abc");
  assert_string_equal(a->values[7].value.string, "1.2.3.4");
  assert_string_equal(a->values[8].value.string, "192.168.1.1:8080");

  const oconfig_item_t *b = &root->children[1];
  int booleans[] = {1, 1, 1, 0, 0, 0};
  for (int i = 0; i < 6; i++) {
    assert_int_equal(b->values[i].type, OCONFIG_TYPE_BOOLEAN);
    assert_int_equal(b->values[i].value.boolean, booleans[i]);
  }
  /* A longer word wins over a boolean; the booleans are lower case. */
  assert_string_equal(b->values[6].value.string, "onion");
  assert_string_equal(b->values[7].value.string, "Yes");

  const oconfig_item_t *c = &root->children[2];
  assert_string_equal(c->values[0].value.string, "::1");
  assert_string_equal(c->values[1].value.string, "[2001:db8::1]:9103");
  assert_string_equal(c->values[2].value.string, "under_score");
}

static void test_strings_escapes_and_continuations(void **state) {
  fixture_t *f = *state;
  const oconfig_item_t *root =
      parse_ok(f, "A \"say \\\"hi\\\"\" \"back\\\\slash\" \"\\n\" \"\"\n"
                  "B \"one \\\n"
                  "      two\"\n"
                  "C first \\\n"
                  "  second\r\n"
                  "D \"# not a comment\" # a comment\n");
  const oconfig_item_t *a = &root->children[0];
  assert_string_equal(a->values[0].value.string, "say \"hi\"");
  assert_string_equal(a->values[1].value.string, "back\\slash");
  /* unquote(): a backslash stands for the character after it. */
  assert_string_equal(a->values[2].value.string, "n");
  assert_string_equal(a->values[3].value.string, "");
  assert_string_equal(root->children[1].values[0].value.string, "one two");
  assert_int_equal(root->children[2].values_num, 2);
  assert_string_equal(root->children[2].values[1].value.string, "second");
  assert_string_equal(root->children[3].values[0].value.string,
                      "# not a comment");
  assert_int_equal(root->children[3].values_num, 1);

  const char *file;
  int line;
  assert_true(wf_conffile_where(f->doc, &root->children[3], &file, &line));
  assert_int_equal(line, 6);
}

static void test_empty_blocks_and_files(void **state) {
  fixture_t *f = *state;
  /* As parser.y: a block with neither values nor children is left out. */
  const oconfig_item_t *root =
      parse_ok(f, "<Empty>\n</Empty>\n<Kept \"x\">\n</Kept>\n# only this\n");
  assert_int_equal(root->children_num, 1);
  assert_string_equal(root->children[0].key, "Kept");
  assert_int_equal(root->children[0].children_num, 0);
  wf_conffile_free(f->doc);
  f->doc = NULL;

  root = parse_ok(f, "");
  assert_int_equal(root->children_num, 0);
  wf_conffile_free(f->doc);
  f->doc = NULL;
  /* A comment may end the file without a line end. */
  root = parse_ok(f, "A 1\n# the end");
  assert_int_equal(root->children_num, 1);
}

static void test_unclosed_block_refused(void **state) {
  parse_refused(*state,
                "<Plugin workforce>\n  <DingTalk \"a\">\n  </DingTalk>\n", 1,
                "<Plugin> is never closed: the file ends before its </Plugin>");
}

static void test_stray_closing_tag_refused(void **state) {
  parse_refused(*state, "A 1\n</Plugin>\n", 2,
                "</Plugin> closes no open block");
}

static void test_mismatched_closing_tag_refused(void **state) {
  parse_refused(*state, "<Plugin workforce>\nA 1\n</plugin>\n", 3,
                "</plugin> does not close <Plugin>, opened on line 1");
}

static void test_unterminated_string_refused(void **state) {
  parse_refused(*state, "A 1\nAppKey \"abc\n", 2,
                "unterminated string: the quote opened on line 2");
}

static void test_missing_final_line_end_refused(void **state) {
  parse_refused(*state, "A 1\nB 2", 2,
                "the file ends without a line end after the values of \"B\"");
}

static void test_closing_tag_without_final_line_end_refused(void **state) {
  parse_refused(*state, "<A 1>\n</A>", 2,
                "the file ends without a line end after </A>");
}

static void test_option_without_value_refused(void **state) {
  parse_refused(*state, "LoadPlugin\n", 1, "\"LoadPlugin\" has no value");
}

static void test_unquoted_path_refused(void **state) {
  parse_refused(*state, "TypesDB /usr/share/collectd/types.db\n", 1,
                "unexpected '/' after \"TypesDB\": quote values that are "
                "not one word or number");
}

static void test_unexpected_character_refused(void **state) {
  parse_refused(*state, "Hostname host.example.com\n", 1,
                "unexpected character '.'");
}

static void test_value_for_a_key_refused(void **state) {
  parse_refused(*state, "\"Hostname\" \"x\"\n", 1,
                "expected a key (letters, digits, '_') at the start of a "
                "statement, not a quoted string");
}

static void test_block_without_closing_bracket_refused(void **state) {
  parse_refused(*state, "<Plugin workforce\n</Plugin>\n", 1,
                "expected '>' to end <Plugin, not the line end");
}

static void test_block_without_name_refused(void **state) {
  parse_refused(*state, "<\"Plugin\">\n", 1,
                "expected a block name after '<', not a quoted string");
}

static void test_deep_nesting_refused(void **state) {
  char text[WF_CONFFILE_MAX_NESTING * 16 + 64] = "";
  size_t used = 0;
  for (int i = 0; i <= WF_CONFFILE_MAX_NESTING; i++)
    used += (size_t)snprintf(text + used, sizeof(text) - used, "<B %d>\n", i);
  parse_refused(*state, text, WF_CONFFILE_MAX_NESTING + 1,
                "blocks nested deeper than 64 levels");
}

static void test_nul_byte_refused(void **state) {
  fixture_t *f = *state;
  char path[1024];
  path_of(f, "nul.conf", path, sizeof(path));
  FILE *fh = fopen(path, "w");
  assert_non_null(fh);
  fwrite("A 1\n\0B 2\n", 1, 9, fh);
  fclose(fh);
  assert_int_equal(read_file(f, "nul.conf"), WF_CONFFILE_UNREADABLE);
  assert_int_equal(f->reports.count, 1);
  assert_non_null(strstr(f->reports.message[0], "holds a NUL byte"));
}

static void test_string_over_lines_warned(void **state) {
  fixture_t *f = *state;
  int status = wf_conffile_parse("A \"one\ntwo\"\n", "test.conf", collect,
                                 &f->reports, &f->doc);
  assert_int_equal(status, WF_CONFFILE_OK);
  assert_int_equal(f->reports.count, 1);
  assert_int_equal(f->reports.severity[0], WF_CONFFILE_WARNING);
  assert_int_equal(f->reports.line[0], 1);
  assert_non_null(strstr(f->reports.message[0], "is a closing quote missing?"));
  assert_string_equal(
      wf_conffile_root(f->doc)->children[0].values[0].value.string, "one\ntwo");
}

static void test_missing_file_unreadable(void **state) {
  fixture_t *f = *state;
  assert_int_equal(read_file(f, "absent.conf"), WF_CONFFILE_UNREADABLE);
  assert_null(f->doc);
  assert_int_equal(f->reports.count, 1);
  assert_non_null(strstr(f->reports.message[0], "No such file"));
}

static void test_include_file_in_place(void **state) {
  fixture_t *f = *state;
  char text[4096];
  char path[1024];
  write_file(f, "inc.conf", "B 2\n<Plugin x>\n  C 3\n</Plugin>\n");
  snprintf(text, sizeof(text), "A 1\nInclude \"%s\"\nD 4\n",
           path_of(f, "inc.conf", path, sizeof(path)));
  write_file(f, "main.conf", text);
  assert_int_equal(read_file(f, "main.conf"), WF_CONFFILE_OK);
  assert_int_equal(f->reports.count, 0);
  char buffer[256];
  const oconfig_item_t *root = wf_conffile_root(f->doc);
  assert_string_equal(keys(root, buffer, sizeof(buffer)), "A B Plugin D");
  assert_ptr_equal(root->children[2].children[0].parent, &root->children[2]);

  const char *file;
  int line;
  assert_true(
      wf_conffile_where(f->doc, &root->children[2].children[0], &file, &line));
  assert_string_equal(file, path);
  assert_int_equal(line, 3);
  assert_true(wf_conffile_where(f->doc, &root->children[3], &file, &line));
  assert_int_equal(line, 3);
}

static void test_include_directory_glob_and_filter(void **state) {
  fixture_t *f = *state;
  char text[4096];
  char dir[1024];
  char glob[1024];
  write_file(f, "d/20-b.conf", "Item \"b\"\n");
  write_file(f, "d/10-a.conf", "Item \"a\"\n");
  write_file(f, "d/.hidden.conf", "Item \"hidden\"\n");
  write_file(f, "d/notes.txt", "Item \"txt\"\n");
  write_file(f, "d/sub/30-c.conf", "Item \"c\"\n");
  write_file(f, "g/x1.conf", "Item \"x1\"\n");
  write_file(f, "g/x2.conf", "Item \"x2\"\n");
  snprintf(text, sizeof(text),
           "<Include \"%s\">\n  Filter \"*.conf\"\n</Include>\n"
           "Include \"%s\"\n",
           path_of(f, "d", dir, sizeof(dir)),
           path_of(f, "g/x*.conf", glob, sizeof(glob)));
  write_file(f, "main.conf", text);
  assert_int_equal(read_file(f, "main.conf"), WF_CONFFILE_OK);
  assert_int_equal(f->reports.count, 0);
  char buffer[256];
  assert_string_equal(
      first_values(wf_conffile_root(f->doc), buffer, sizeof(buffer)),
      "a b c x1 x2");
}

static void test_include_missing_path_warned(void **state) {
  fixture_t *f = *state;
  char text[4096];
  char path[1024];
  snprintf(text, sizeof(text), "A 1\nInclude \"%s\"\n",
           path_of(f, "nowhere.conf", path, sizeof(path)));
  write_file(f, "main.conf", text);
  assert_int_equal(read_file(f, "main.conf"), WF_CONFFILE_OK);
  assert_int_equal(f->reports.count, 1);
  assert_int_equal(f->reports.severity[0], WF_CONFFILE_WARNING);
  assert_int_equal(f->reports.line[0], 2);
  assert_non_null(strstr(f->reports.message[0], "collectd leaves it out"));
  assert_int_equal(wf_conffile_root(f->doc)->children_num, 1);
}

static void test_include_loop_refused(void **state) {
  fixture_t *f = *state;
  char text[4096];
  char a[1024];
  char b[1024];
  path_of(f, "a.conf", a, sizeof(a));
  path_of(f, "b.conf", b, sizeof(b));
  snprintf(text, sizeof(text), "A 1\nInclude \"%s\"\n", b);
  write_file(f, "a.conf", text);
  snprintf(text, sizeof(text), "B 1\nInclude \"%s\"\n", a);
  write_file(f, "b.conf", text);
  assert_int_equal(read_file(f, "a.conf"), WF_CONFFILE_INVALID);
  assert_null(f->doc);
  assert_int_equal(f->reports.count, 1);
  assert_string_equal(f->reports.file[0], b);
  assert_int_equal(f->reports.line[0], 2);
  char expected[8192];
  snprintf(expected, sizeof(expected),
           "Include loop: \"%s\" is already being read (%s -> %s -> %s)", a, a,
           b, a);
  assert_string_equal(f->reports.message[0], expected);
}

static void test_include_itself_refused(void **state) {
  fixture_t *f = *state;
  char text[4096];
  char a[1024];
  snprintf(text, sizeof(text), "Include \"%s\"\n",
           path_of(f, "self.conf", a, sizeof(a)));
  write_file(f, "self.conf", text);
  assert_int_equal(read_file(f, "self.conf"), WF_CONFFILE_INVALID);
  assert_int_equal(f->reports.count, 1);
  assert_non_null(strstr(f->reports.message[0], "Include loop"));
}

static void test_include_depth_limited(void **state) {
  fixture_t *f = *state;
  /* f0 includes f1 ... includes f8: nine files, eight levels of Include. */
  for (int i = 0; i <= WF_CONFFILE_MAX_DEPTH; i++) {
    char name[32];
    char next[1024];
    char text[4096];
    char next_name[32];
    snprintf(name, sizeof(name), "f%d.conf", i);
    snprintf(next_name, sizeof(next_name), "f%d.conf", i + 1);
    snprintf(text, sizeof(text), "Level %d\nInclude \"%s\"\n", i,
             path_of(f, next_name, next, sizeof(next)));
    write_file(f, name, (i == WF_CONFFILE_MAX_DEPTH) ? "Last 1\n" : text);
  }
  assert_int_equal(read_file(f, "f0.conf"), WF_CONFFILE_INVALID);
  assert_int_equal(f->reports.count, 1);
  assert_int_equal(f->reports.line[0], 2);
  assert_non_null(strstr(f->reports.file[0], "f7.conf"));
  assert_non_null(
      strstr(f->reports.message[0], "more than 7 levels of Include"));

  /* Seven levels are fine. */
  memset(&f->reports, 0, sizeof(f->reports));
  write_file(f, "f7.conf", "Last 7\n");
  assert_int_equal(read_file(f, "f0.conf"), WF_CONFFILE_OK);
  assert_int_equal(f->reports.count, 0);
  assert_int_equal(wf_conffile_root(f->doc)->children_num, 8);
}

static void test_include_errors_in_included_file(void **state) {
  fixture_t *f = *state;
  char text[4096];
  char inc[1024];
  write_file(f, "broken.conf", "A 1\n<Plugin x>\n");
  snprintf(text, sizeof(text), "Include \"%s\"\n",
           path_of(f, "broken.conf", inc, sizeof(inc)));
  write_file(f, "main.conf", text);
  assert_int_equal(read_file(f, "main.conf"), WF_CONFFILE_INVALID);
  assert_int_equal(f->reports.count, 1);
  assert_string_equal(f->reports.file[0], inc);
  assert_int_equal(f->reports.line[0], 2);
}

static void test_include_bad_forms_refused(void **state) {
  fixture_t *f = *state;
  char text[4096];
  char inc[1024];
  write_file(f, "x.conf", "X 1\n");
  path_of(f, "x.conf", inc, sizeof(inc));
  snprintf(text, sizeof(text),
           "Include 42\n"
           "<Include \"%s\">\n  Colour \"blue\"\n</Include>\n"
           "<Include \"%s\">\n  Filter \"*.txt\"\n</Include>\n",
           inc, inc);
  write_file(f, "main.conf", text);
  assert_int_equal(read_file(f, "main.conf"), WF_CONFFILE_INVALID);
  assert_int_equal(f->reports.count, 3);
  assert_int_equal(f->reports.line[0], 1);
  assert_string_equal(f->reports.message[0],
                      "Include needs exactly one string argument, the path");
  assert_int_equal(f->reports.line[1], 3);
  assert_string_equal(f->reports.message[1],
                      "option \"Colour\" is not allowed in <Include>; only "
                      "Filter is");
  assert_int_equal(f->reports.line[2], 5);
  assert_non_null(
      strstr(f->reports.message[2], "does not match the Filter \"*.txt\""));
}

static void test_include_command_substitution_refused(void **state) {
  parse_refused(*state, "Include \"$(touch /tmp/x)\"\n", 1,
                "the path cannot be expanded");
}

#define CONFFILE_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      CONFFILE_TEST(test_statements_and_blocks),
      CONFFILE_TEST(test_values_as_the_scanner_reads_them),
      CONFFILE_TEST(test_strings_escapes_and_continuations),
      CONFFILE_TEST(test_empty_blocks_and_files),
      CONFFILE_TEST(test_unclosed_block_refused),
      CONFFILE_TEST(test_stray_closing_tag_refused),
      CONFFILE_TEST(test_mismatched_closing_tag_refused),
      CONFFILE_TEST(test_unterminated_string_refused),
      CONFFILE_TEST(test_missing_final_line_end_refused),
      CONFFILE_TEST(test_closing_tag_without_final_line_end_refused),
      CONFFILE_TEST(test_option_without_value_refused),
      CONFFILE_TEST(test_unquoted_path_refused),
      CONFFILE_TEST(test_unexpected_character_refused),
      CONFFILE_TEST(test_value_for_a_key_refused),
      CONFFILE_TEST(test_block_without_closing_bracket_refused),
      CONFFILE_TEST(test_block_without_name_refused),
      CONFFILE_TEST(test_deep_nesting_refused),
      CONFFILE_TEST(test_nul_byte_refused),
      CONFFILE_TEST(test_string_over_lines_warned),
      CONFFILE_TEST(test_missing_file_unreadable),
      CONFFILE_TEST(test_include_file_in_place),
      CONFFILE_TEST(test_include_directory_glob_and_filter),
      CONFFILE_TEST(test_include_missing_path_warned),
      CONFFILE_TEST(test_include_loop_refused),
      CONFFILE_TEST(test_include_itself_refused),
      CONFFILE_TEST(test_include_depth_limited),
      CONFFILE_TEST(test_include_errors_in_included_file),
      CONFFILE_TEST(test_include_bad_forms_refused),
      CONFFILE_TEST(test_include_command_substitution_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
