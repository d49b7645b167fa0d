/**
 * collectd-workforce - src/wf_conffile.c
 * SPDX-License-Identifier: MIT
 *
 * A file is read whole, then a lexer that follows liboconfig's scanner.l
 * turns it into tokens and a recursive-descent parser that follows its
 * parser.y builds a tree of nodes. The nodes carry the file and line they
 * were written on; Includes splice the top-level nodes of other files
 * into that tree, as configfile.c does. Only when everything was read is
 * the tree turned into collectd's oconfig_item_t, and the place of every
 * item noted for wf_conffile_where.
 *
 * Where flex would silently echo a character no rule matches (collectd
 * then drops it, so that `Hostname host.example.com` becomes three
 * values), this parser reports it: a checker should not keep quiet about
 * what collectd misreads.
 **/
#include "wf_conffile.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <wordexp.h>

/* One statement or block while the files are read. */
typedef struct cf_node_s {
  char *key;
  oconfig_value_t *values;
  int values_num;
  struct cf_node_s **children;
  int children_num;
  int children_capacity;
  const char *file; /* interned in the document's file list */
  int line;
} cf_node_t;

/* Where an item of the final tree was written. */
typedef struct {
  const oconfig_item_t *item;
  const char *file;
  int line;
} cf_where_t;

struct wf_conffile_s {
  oconfig_item_t root;
  char **files; /* names of the files read, each once */
  size_t files_num;
  cf_where_t *where;
  size_t where_num;
  size_t where_capacity;
};

/* A file or directory being read: Includes may not come back to it. */
typedef struct {
  dev_t dev;
  ino_t ino;
  const char *name;
} cf_link_t;

/* What one wf_conffile_read shares. */
typedef struct {
  wf_conffile_report_fn report;
  void *arg;
  wf_conffile_t *doc;
  cf_link_t *chain;
  size_t chain_num;
  size_t chain_capacity;
  int errors;
} cf_reader_t;

/* ------------------------------------------------------------------------
 * Reports, names and nodes.
 * ---------------------------------------------------------------------- */

/* Hands one problem to the caller's report function. */
__attribute__((format(printf, 5, 6))) static void
cf_report(cf_reader_t *r, wf_conffile_severity_t severity, const char *file,
          int line, const char *format, ...) {
  char message[1024];
  va_list ap;
  va_start(ap, format);
  vsnprintf(message, sizeof(message), format, ap);
  va_end(ap);
  if (severity == WF_CONFFILE_ERROR)
    r->errors++;
  if (r->report != NULL)
    r->report(r->arg, severity, file, line, message);
}

/* Returns the document's copy of a file name, adding it on first use. */
static const char *cf_intern(wf_conffile_t *doc, const char *name) {
  for (size_t i = 0; i < doc->files_num; i++)
    if (strcmp(doc->files[i], name) == 0)
      return doc->files[i];
  char **tmp = realloc(doc->files, (doc->files_num + 1) * sizeof(*tmp));
  if (tmp == NULL)
    return NULL;
  doc->files = tmp;
  doc->files[doc->files_num] = strdup(name);
  if (doc->files[doc->files_num] == NULL)
    return NULL;
  return doc->files[doc->files_num++];
}

/* Frees the values of a statement. */
static void cf_values_free(oconfig_value_t *values, int values_num) {
  for (int i = 0; i < values_num; i++)
    if (values[i].type == OCONFIG_TYPE_STRING)
      free(values[i].value.string);
  free(values);
}

/* Frees a node and everything under it. */
static void cf_node_free(cf_node_t *node) {
  if (node == NULL)
    return;
  for (int i = 0; i < node->children_num; i++)
    cf_node_free(node->children[i]);
  free(node->children);
  cf_values_free(node->values, node->values_num);
  free(node->key);
  free(node);
}

/* Appends `child` to the children of `parent`. Returns 0 or -1 without
 * memory (the child is then freed). */
static int cf_node_add(cf_node_t *parent, cf_node_t *child) {
  if (parent->children_num == parent->children_capacity) {
    int capacity =
        (parent->children_capacity == 0) ? 8 : 2 * parent->children_capacity;
    cf_node_t **tmp =
        realloc(parent->children, (size_t)capacity * sizeof(*tmp));
    if (tmp == NULL) {
      cf_node_free(child);
      return -1;
    }
    parent->children = tmp;
    parent->children_capacity = capacity;
  }
  parent->children[parent->children_num++] = child;
  return 0;
}

/* Appends a value to a node; takes the string of a string value. Returns
 * 0 or -1 without memory. */
static int cf_node_add_value(cf_node_t *node, oconfig_value_t value) {
  oconfig_value_t *tmp =
      realloc(node->values, (size_t)(node->values_num + 1) * sizeof(*tmp));
  if (tmp == NULL) {
    if (value.type == OCONFIG_TYPE_STRING)
      free(value.value.string);
    return -1;
  }
  node->values = tmp;
  node->values[node->values_num++] = value;
  return 0;
}

/* ------------------------------------------------------------------------
 * The lexer (liboconfig's scanner.l).
 * ---------------------------------------------------------------------- */

typedef enum {
  CF_TOK_EOF,
  CF_TOK_EOL,
  CF_TOK_OPEN,    /* < */
  CF_TOK_CLOSE,   /* > */
  CF_TOK_SLASH,   /* / */
  CF_TOK_NUMBER,  /* 12, -1.5, 0x1f, 017 */
  CF_TOK_BOOLEAN, /* true yes on false no off */
  CF_TOK_STRING,  /* "quoted" */
  CF_TOK_WORD,    /* unquoted, an IP address included */
  CF_TOK_ERROR,   /* reported already */
} cf_token_kind_t;

typedef struct {
  cf_token_kind_t kind;
  int line;
  char *text; /* CF_TOK_STRING and CF_TOK_WORD: owned by the token */
  double number;
  int boolean;
} cf_token_t;

typedef struct {
  cf_reader_t *reader;
  const char *file; /* interned */
  const char *text; /* NUL-terminated, no NUL inside */
  size_t pos;
  int line;
} cf_lexer_t;

/* A growing string. */
typedef struct {
  char *data;
  size_t size;
  size_t capacity;
} cf_buffer_t;

/* Appends one character. Returns 0 or -1 without memory. */
static int cf_buffer_add(cf_buffer_t *b, char c) {
  if (b->size + 2 > b->capacity) {
    size_t capacity = (b->capacity == 0) ? 64 : 2 * b->capacity;
    char *tmp = realloc(b->data, capacity);
    if (tmp == NULL)
      return -1;
    b->data = tmp;
    b->capacity = capacity;
  }
  b->data[b->size++] = c;
  b->data[b->size] = '\0';
  return 0;
}

/* True for 0-9. */
static bool cf_is_digit(char c) { return c >= '0' && c <= '9'; }

/* True for the hexadecimal digits. */
static bool cf_is_hex(char c) {
  return cf_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* True for the characters of an unquoted word: [0-9A-Za-z_]. */
static bool cf_is_word(char c) {
  return cf_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c == '_';
}

/* True for scanner.l's WHITE_SPACE: blank, tab, backspace. */
static bool cf_is_blank(char c) { return c == ' ' || c == '\t' || c == '\b'; }

/* Length of the line end at `s` ("\n" or "\r\n"), or 0. */
static size_t cf_eol_length(const char *s) {
  if (s[0] == '\n')
    return 1;
  if (s[0] == '\r' && s[1] == '\n')
    return 2;
  return 0;
}

/* Length of the BOOL_TRUE or BOOL_FALSE word at `s`, or 0. */
static size_t cf_match_boolean(const char *s, int *value) {
  static const struct {
    const char *word;
    int value;
  } words[] = {{"true", 1},  {"yes", 1}, {"on", 1},
               {"false", 0}, {"no", 0},  {"off", 0}};
  size_t best = 0;
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
    size_t len = strlen(words[i].word);
    if (len > best && strncmp(s, words[i].word, len) == 0) {
      best = len;
      *value = words[i].value;
    }
  }
  return best;
}

/* Length of the longest NUMBER at `s` (FLOAT, HEX, OCT or DEC), or 0. */
static size_t cf_match_number(const char *s) {
  size_t best = 0;
  size_t i = 0;

  /* FLOAT_NUMBER: [+-]?[0-9]*\.[0-9]+([eE][+-][0-9]+)? */
  if (s[i] == '+' || s[i] == '-')
    i++;
  size_t sign = i;
  while (cf_is_digit(s[i]))
    i++;
  size_t integer_end = i;
  if (s[i] == '.' && cf_is_digit(s[i + 1])) {
    i++;
    while (cf_is_digit(s[i]))
      i++;
    if ((s[i] == 'e' || s[i] == 'E') && (s[i + 1] == '+' || s[i + 1] == '-') &&
        cf_is_digit(s[i + 2])) {
      i += 2;
      while (cf_is_digit(s[i]))
        i++;
    }
    best = i;
  }
  /* DEC_NUMBER: [+-]?[0-9]+ */
  if (integer_end > sign && integer_end > best)
    best = integer_end;
  /* HEX_NUMBER: 0[xX][0-9a-fA-F]+ and OCT_NUMBER: 0[0-7]+ */
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && cf_is_hex(s[2])) {
    size_t j = 2;
    while (cf_is_hex(s[j]))
      j++;
    if (j > best)
      best = j;
  }
  return best;
}

/* Length of the longest PORT (1 to 65535, no leading zero) at `s`. */
static size_t cf_match_port(const char *s) {
  size_t best = 0;
  long value = 0;
  if (!cf_is_digit(s[0]) || s[0] == '0')
    return 0;
  for (size_t i = 0; i < 5 && cf_is_digit(s[i]); i++) {
    value = value * 10 + (s[i] - '0');
    if (value > 65535)
      break;
    best = i + 1;
  }
  return best;
}

/* Length of the longest run of `bytes` IP_BYTEs joined by dots at `s`,
 * with the optional ":PORT" after the last one; 0 when there is none. */
static size_t cf_match_ipv4_bytes(const char *s, int bytes) {
  size_t best = 0;
  int value = 0;
  for (size_t k = 1; k <= 3 && cf_is_digit(s[k - 1]); k++) {
    value = value * 10 + (s[k - 1] - '0');
    /* IP_BYTE: 0 to 255, without a leading zero. */
    if ((k > 1 && s[0] == '0') || value > 255)
      break;
    size_t len = 0;
    if (bytes == 1) {
      len = k;
      size_t port = (s[k] == ':') ? cf_match_port(s + k + 1) : 0;
      if (port > 0)
        len = k + 1 + port;
    } else if (s[k] == '.') {
      size_t rest = cf_match_ipv4_bytes(s + k + 1, bytes - 1);
      if (rest > 0)
        len = k + 1 + rest;
    }
    if (len > best)
      best = len;
  }
  return best;
}

/* Length of an IPv6 address at `s`, or 0. Looser than scanner.l's
 * IPV6_ADDR: hex digits, colons and dots with a "::" or seven colons (six
 * before an IPv4 tail), optionally in brackets with a port. */
static size_t cf_match_ipv6(const char *s) {
  size_t i = (s[0] == '[') ? 1 : 0;
  size_t start = i;
  int colons = 0;
  bool double_colon = false;
  bool dots = false;
  while (cf_is_hex(s[i]) || s[i] == ':' || s[i] == '.') {
    if (s[i] == ':') {
      colons++;
      if (i > start && s[i - 1] == ':')
        double_colon = true;
    }
    dots = dots || s[i] == '.';
    i++;
  }
  if (colons < 2 || !(double_colon || colons == 7 || (colons == 6 && dots)))
    return 0;
  if (start == 1) {
    if (s[i] != ']')
      return 0;
    i++;
    size_t port = (s[i] == ':') ? cf_match_port(s + i + 1) : 0;
    if (port > 0)
      i += 1 + port;
  }
  return i;
}

/* Reads a quoted string that starts at the lexer's position into `t`. */
static void cf_lex_string(cf_lexer_t *lx, cf_token_t *t) {
  cf_buffer_t b = {0};
  int first_line = lx->line;
  bool spans_lines = false;
  size_t i = lx->pos + 1;

  for (;;) {
    char c = lx->text[i];
    if (c == '\0') {
      cf_report(lx->reader, WF_CONFFILE_ERROR, lx->file, first_line,
                "unterminated string: the quote opened on line %d is never "
                "closed",
                first_line);
      free(b.data);
      t->kind = CF_TOK_ERROR;
      lx->pos = i;
      return;
    }
    if (c == '"') {
      i++;
      break;
    }
    if (c == '\\') {
      size_t eol = cf_eol_length(lx->text + i + 1);
      if (eol > 0) {
        /* A string continued on the next line, without its leading
         * blanks (scanner.l's ML state). */
        i += 1 + eol;
        lx->line++;
        while (cf_is_blank(lx->text[i]))
          i++;
        continue;
      }
      if (lx->text[i + 1] == '\0') {
        i++;
        continue; /* reported as unterminated above */
      }
      /* unquote(): a backslash stands for the character after it. */
      c = lx->text[i + 1];
      i++;
    } else if (c == '\n') {
      lx->line++;
      spans_lines = true;
    }
    if (cf_buffer_add(&b, c) != 0) {
      cf_report(lx->reader, WF_CONFFILE_ERROR, lx->file, first_line,
                "out of memory");
      free(b.data);
      t->kind = CF_TOK_ERROR;
      return;
    }
    i++;
  }
  if (spans_lines)
    cf_report(lx->reader, WF_CONFFILE_WARNING, lx->file, first_line,
              "a quoted string runs from line %d to line %d; is a closing "
              "quote missing?",
              first_line, lx->line);
  lx->pos = i;
  t->kind = CF_TOK_STRING;
  t->text = (b.data != NULL) ? b.data : strdup("");
  if (t->text == NULL) {
    cf_report(lx->reader, WF_CONFFILE_ERROR, lx->file, first_line,
              "out of memory");
    t->kind = CF_TOK_ERROR;
  }
}

/* Reads a boolean, number or unquoted word at the lexer's position: the
 * longest match wins, ties go to the rule scanner.l lists first. */
static void cf_lex_word(cf_lexer_t *lx, cf_token_t *t) {
  const char *s = lx->text + lx->pos;
  int boolean = 0;
  size_t lengths[] = {cf_match_boolean(s, &boolean), cf_match_ipv4_bytes(s, 4),
                      cf_match_ipv6(s), cf_match_number(s), 0};
  while (cf_is_word(s[lengths[4]]))
    lengths[4]++;

  size_t rule = 0;
  for (size_t i = 1; i < sizeof(lengths) / sizeof(lengths[0]); i++)
    if (lengths[i] > lengths[rule])
      rule = i;
  size_t len = lengths[rule];
  if (len == 0) {
    unsigned char c = (unsigned char)s[0];
    if (c >= 0x21 && c < 0x7f)
      cf_report(lx->reader, WF_CONFFILE_ERROR, lx->file, lx->line,
                "unexpected character '%c': quote values that are not one "
                "word or number",
                c);
    else
      cf_report(lx->reader, WF_CONFFILE_ERROR, lx->file, lx->line,
                "unexpected byte 0x%02x outside a quoted string", c);
    t->kind = CF_TOK_ERROR;
    return;
  }

  lx->pos += len;
  if (rule == 0) {
    t->kind = CF_TOK_BOOLEAN;
    t->boolean = boolean;
    return;
  }
  t->text = strndup(s, len);
  if (t->text == NULL) {
    cf_report(lx->reader, WF_CONFFILE_ERROR, lx->file, lx->line,
              "out of memory");
    t->kind = CF_TOK_ERROR;
    return;
  }
  if (rule == 3) {
    /* As scanner.l: strtod, so "017" is seventeen and "0x1f" 31. */
    t->kind = CF_TOK_NUMBER;
    t->number = strtod(t->text, NULL);
    free(t->text);
    t->text = NULL;
    return;
  }
  t->kind = CF_TOK_WORD;
}

/* Reads the next token. */
static void cf_lex(cf_lexer_t *lx, cf_token_t *t) {
  memset(t, 0, sizeof(*t));
  for (;;) {
    const char *s = lx->text + lx->pos;
    t->line = lx->line;
    if (cf_is_blank(s[0]) || (s[0] == '\r' && s[1] != '\n')) {
      lx->pos++;
      continue;
    }
    if (s[0] == '#') {
      while (lx->text[lx->pos] != '\0' &&
             cf_eol_length(lx->text + lx->pos) == 0)
        lx->pos++;
      continue;
    }
    if (s[0] == '\\' && cf_eol_length(s + 1) > 0) {
      /* A line continued on the next one. */
      lx->pos += 1 + cf_eol_length(s + 1);
      lx->line++;
      continue;
    }
    break;
  }

  const char *s = lx->text + lx->pos;
  size_t eol = cf_eol_length(s);
  if (s[0] == '\0') {
    t->kind = CF_TOK_EOF;
  } else if (eol > 0) {
    t->kind = CF_TOK_EOL;
    lx->pos += eol;
    lx->line++;
  } else if (s[0] == '<' || s[0] == '>' || s[0] == '/') {
    t->kind = (s[0] == '<')   ? CF_TOK_OPEN
              : (s[0] == '>') ? CF_TOK_CLOSE
                              : CF_TOK_SLASH;
    lx->pos++;
  } else if (s[0] == '"') {
    cf_lex_string(lx, t);
  } else {
    cf_lex_word(lx, t);
  }
}

/* ------------------------------------------------------------------------
 * The parser (liboconfig's parser.y).
 * ---------------------------------------------------------------------- */

typedef struct {
  cf_lexer_t lex;
  cf_token_t token; /* the lookahead */
} cf_parser_t;

/* Moves to the next token, releasing the current one. */
static void cf_advance(cf_parser_t *p) {
  free(p->token.text);
  cf_lex(&p->lex, &p->token);
}

/* Describes the current token for a message. */
static const char *cf_token_name(const cf_token_t *t) {
  switch (t->kind) {
  case CF_TOK_EOF:
    return "the end of the file";
  case CF_TOK_EOL:
    return "the line end";
  case CF_TOK_OPEN:
    return "'<'";
  case CF_TOK_CLOSE:
    return "'>'";
  case CF_TOK_SLASH:
    return "'/'";
  case CF_TOK_NUMBER:
    return "a number";
  case CF_TOK_BOOLEAN:
    return "a boolean";
  case CF_TOK_STRING:
    return "a quoted string";
  case CF_TOK_WORD:
    return "a word";
  case CF_TOK_ERROR:
    break;
  }
  return "an error";
}

/* Reports a syntax error at the current token; nothing when the lexer has
 * reported it already. Returns -1. */
__attribute__((format(printf, 2, 3))) static int
cf_syntax_error(cf_parser_t *p, const char *format, ...) {
  if (p->token.kind == CF_TOK_ERROR)
    return -1;
  char message[512];
  va_list ap;
  va_start(ap, format);
  vsnprintf(message, sizeof(message), format, ap);
  va_end(ap);
  cf_report(p->lex.reader, WF_CONFFILE_ERROR, p->lex.file, p->token.line, "%s",
            message);
  return -1;
}

/* True when the current token is a value: number, boolean or string. */
static bool cf_at_value(const cf_parser_t *p) {
  return p->token.kind == CF_TOK_NUMBER || p->token.kind == CF_TOK_BOOLEAN ||
         p->token.kind == CF_TOK_STRING || p->token.kind == CF_TOK_WORD;
}

/* Moves the current value token into `node`'s values. */
static int cf_take_value(cf_parser_t *p, cf_node_t *node) {
  oconfig_value_t value = {0};
  switch (p->token.kind) {
  case CF_TOK_NUMBER:
    value.type = OCONFIG_TYPE_NUMBER;
    value.value.number = p->token.number;
    break;
  case CF_TOK_BOOLEAN:
    value.type = OCONFIG_TYPE_BOOLEAN;
    value.value.boolean = p->token.boolean;
    break;
  default:
    value.type = OCONFIG_TYPE_STRING;
    value.value.string = p->token.text;
    p->token.text = NULL;
    break;
  }
  if (cf_node_add_value(node, value) != 0)
    return cf_syntax_error(p, "out of memory");
  cf_advance(p);
  return 0;
}

/* Expects the line end that ends a statement or a block line. */
static int cf_expect_eol(cf_parser_t *p, const char *after) {
  if (p->token.kind == CF_TOK_EOL) {
    cf_advance(p);
    return 0;
  }
  if (p->token.kind == CF_TOK_EOF)
    return cf_syntax_error(p,
                           "the file ends without a line end after %s; "
                           "collectd refuses that",
                           after);
  return cf_syntax_error(p, "unexpected %s after %s", cf_token_name(&p->token),
                         after);
}

/* Creates a node for the key in the current token. */
static cf_node_t *cf_new_node(cf_parser_t *p) {
  cf_node_t *node = calloc(1, sizeof(*node));
  if (node == NULL) {
    cf_syntax_error(p, "out of memory");
    return NULL;
  }
  node->key = p->token.text;
  p->token.text = NULL;
  node->file = p->lex.file;
  node->line = p->token.line;
  return node;
}

static int cf_parse_statements(cf_parser_t *p, cf_node_t *parent, int depth,
                               const cf_node_t *block);

/* Parses `</Key>` and the line end after it, checking that it closes
 * `block` (NULL at the top level of a file). The current token is the
 * slash. */
static int cf_parse_block_end(cf_parser_t *p, const cf_node_t *block) {
  cf_advance(p);
  if (p->token.kind != CF_TOK_WORD)
    return cf_syntax_error(p, "expected a block name after '</', not %s",
                           cf_token_name(&p->token));
  char *name = p->token.text;
  p->token.text = NULL;
  cf_advance(p);
  int status = 0;
  if (p->token.kind != CF_TOK_CLOSE)
    status = cf_syntax_error(p, "expected '>' after '</%s', not %s", name,
                             cf_token_name(&p->token));
  else if (block == NULL)
    status = cf_syntax_error(p, "</%s> closes no open block", name);
  else if (strcmp(name, block->key) != 0)
    status = cf_syntax_error(p,
                             "</%s> does not close <%s>, opened on line %d "
                             "(block names are case-sensitive here)",
                             name, block->key, block->line);
  if (status == 0) {
    char after[160];
    snprintf(after, sizeof(after), "</%s>", name);
    cf_advance(p);
    status = cf_expect_eol(p, after);
  }
  free(name);
  return status;
}

/* Parses `<Key values>`, the line end, the block's statements and its
 * end. The current token is the one after the '<'. */
static int cf_parse_block(cf_parser_t *p, cf_node_t *parent, int depth) {
  if (p->token.kind != CF_TOK_WORD)
    return cf_syntax_error(p, "expected a block name after '<', not %s",
                           cf_token_name(&p->token));
  if (depth >= WF_CONFFILE_MAX_NESTING)
    return cf_syntax_error(p, "blocks nested deeper than %d levels",
                           WF_CONFFILE_MAX_NESTING);
  cf_node_t *node = cf_new_node(p);
  if (node == NULL)
    return -1;
  cf_advance(p);
  int status = 0;
  while (status == 0 && cf_at_value(p))
    status = cf_take_value(p, node);
  if (status == 0 && p->token.kind != CF_TOK_CLOSE)
    status = cf_syntax_error(p, "expected '>' to end <%s, not %s", node->key,
                             cf_token_name(&p->token));
  if (status == 0) {
    char after[160];
    snprintf(after, sizeof(after), "<%s>", node->key);
    cf_advance(p);
    status = cf_expect_eol(p, after);
  }
  if (status == 0)
    status = cf_parse_statements(p, node, depth + 1, node);
  /* As parser.y: a block without values or children is left out. */
  if (status != 0 || (node->values_num == 0 && node->children_num == 0)) {
    cf_node_free(node);
    return status;
  }
  return cf_node_add(parent, node) == 0 ? 0
                                        : cf_syntax_error(p, "out of memory");
}

/* Parses `Key value...` and its line end. The current token is the key. */
static int cf_parse_option(cf_parser_t *p, cf_node_t *parent) {
  cf_node_t *node = cf_new_node(p);
  if (node == NULL)
    return -1;
  cf_advance(p);
  int status = 0;
  if (!cf_at_value(p) &&
      (p->token.kind == CF_TOK_EOL || p->token.kind == CF_TOK_EOF))
    status = cf_syntax_error(p,
                             "\"%s\" has no value: a statement is a key "
                             "followed by one or more values",
                             node->key);
  else if (!cf_at_value(p))
    status = cf_syntax_error(p,
                             "unexpected %s after \"%s\": quote values that "
                             "are not one word or number",
                             cf_token_name(&p->token), node->key);
  while (status == 0 && cf_at_value(p))
    status = cf_take_value(p, node);
  if (status == 0) {
    char after[160];
    snprintf(after, sizeof(after), "the values of \"%s\"", node->key);
    status = cf_expect_eol(p, after);
  }
  if (status != 0) {
    cf_node_free(node);
    return status;
  }
  return cf_node_add(parent, node) == 0 ? 0
                                        : cf_syntax_error(p, "out of memory");
}

/* Parses statements into `parent` until the end of `block` (or of the
 * file when `block` is NULL). */
static int cf_parse_statements(cf_parser_t *p, cf_node_t *parent, int depth,
                               const cf_node_t *block) {
  for (;;) {
    switch (p->token.kind) {
    case CF_TOK_EOF:
      if (block == NULL)
        return 0;
      /* Reported where the block opens: that is where to look. */
      p->token.line = block->line;
      return cf_syntax_error(p,
                             "<%s> is never closed: the file ends before "
                             "its </%s>",
                             block->key, block->key);
    case CF_TOK_EOL:
      cf_advance(p);
      break;
    case CF_TOK_WORD:
      if (cf_parse_option(p, parent) != 0)
        return -1;
      break;
    case CF_TOK_OPEN:
      cf_advance(p);
      if (p->token.kind == CF_TOK_SLASH)
        return cf_parse_block_end(p, block);
      if (cf_parse_block(p, parent, depth) != 0)
        return -1;
      break;
    case CF_TOK_ERROR:
      return -1;
    default:
      return cf_syntax_error(p,
                             "expected a key (letters, digits, '_') at the "
                             "start of a statement, not %s",
                             cf_token_name(&p->token));
    }
  }
}

/* Parses a whole file's text into the children of `root`. */
static int cf_parse_text(cf_reader_t *r, const char *file, const char *text,
                         cf_node_t *root) {
  cf_parser_t p = {.lex = {.reader = r, .file = file, .text = text, .line = 1}};
  cf_lex(&p.lex, &p.token);
  int status = cf_parse_statements(&p, root, 0, NULL);
  free(p.token.text);
  return status;
}

/* ------------------------------------------------------------------------
 * Files and Includes (collectd's configfile.c).
 * ---------------------------------------------------------------------- */

static int cf_include_all(cf_reader_t *r, cf_node_t *root, int depth);
static int cf_read_generic(cf_reader_t *r, const char *path,
                           const char *pattern, int depth,
                           const cf_node_t *from, cf_node_t *out);

/* Reads a whole file into a NUL-terminated buffer to free(). Returns NULL
 * and sets errno (EFBIG when it is too large, EILSEQ when it holds a NUL
 * byte) on failure. */
static char *cf_slurp(const char *path) {
  FILE *fh = fopen(path, "rb");
  if (fh == NULL)
    return NULL;
  cf_buffer_t b = {0};
  char chunk[4096];
  size_t n;
  int error = 0;
  while (error == 0 && (n = fread(chunk, 1, sizeof(chunk), fh)) > 0) {
    if (b.size + n > WF_CONFFILE_MAX_SIZE) {
      error = EFBIG;
      break;
    }
    if (memchr(chunk, '\0', n) != NULL) {
      error = EILSEQ;
      break;
    }
    for (size_t i = 0; i < n && error == 0; i++)
      if (cf_buffer_add(&b, chunk[i]) != 0)
        error = ENOMEM;
  }
  if (error == 0 && ferror(fh))
    error = EIO;
  fclose(fh);
  if (error != 0) {
    free(b.data);
    errno = error;
    return NULL;
  }
  return (b.data != NULL) ? b.data : strdup("");
}

/* The chain of files being read, for a message: "a -> b -> c". */
static void cf_chain_text(const cf_reader_t *r, const char *last, char *buffer,
                          size_t size) {
  size_t used = 0;
  buffer[0] = '\0';
  for (size_t i = 0; i < r->chain_num && used < size; i++)
    used += (size_t)snprintf(buffer + used, size - used, "%s -> ",
                             r->chain[i].name);
  if (used < size)
    snprintf(buffer + used, size - used, "%s", last);
}

/* Puts a file or directory on the chain of those being read, refusing one
 * that is on it already: an Include loop. Returns 0 or -1. */
static int cf_chain_push(cf_reader_t *r, const char *name,
                         const struct stat *st, const cf_node_t *from) {
  for (size_t i = 0; i < r->chain_num; i++) {
    if (r->chain[i].dev == st->st_dev && r->chain[i].ino == st->st_ino) {
      char chain[1024];
      cf_chain_text(r, name, chain, sizeof(chain));
      cf_report(r, WF_CONFFILE_ERROR, from ? from->file : NULL,
                from ? from->line : 0,
                "Include loop: \"%s\" is already being read (%s)", name, chain);
      return -1;
    }
  }
  if (r->chain_num == r->chain_capacity) {
    size_t capacity = (r->chain_capacity == 0) ? 8 : 2 * r->chain_capacity;
    cf_link_t *tmp = realloc(r->chain, capacity * sizeof(*tmp));
    if (tmp == NULL) {
      cf_report(r, WF_CONFFILE_ERROR, name, 0, "out of memory");
      return -1;
    }
    r->chain = tmp;
    r->chain_capacity = capacity;
  }
  const char *interned = cf_intern(r->doc, name);
  if (interned == NULL) {
    cf_report(r, WF_CONFFILE_ERROR, name, 0, "out of memory");
    return -1;
  }
  r->chain[r->chain_num++] =
      (cf_link_t){.dev = st->st_dev, .ino = st->st_ino, .name = interned};
  return 0;
}

/* Moves the children of `from` to the end of `to`'s. */
static int cf_move_children(cf_node_t *to, cf_node_t *from) {
  int status = 0;
  for (int i = 0; i < from->children_num; i++) {
    if (status == 0)
      status = cf_node_add(to, from->children[i]);
    else
      cf_node_free(from->children[i]);
  }
  from->children_num = 0;
  return status;
}

/* The name part of a path. */
static const char *cf_basename(const char *path) {
  const char *slash = strrchr(path, '/');
  return (slash != NULL) ? slash + 1 : path;
}

/* Parses one file and follows its Includes; appends its statements to
 * `out`. `in_directory` tells a file found in an included directory, which
 * the Filter pattern may leave out, from one named by the Include. */
static int cf_read_file(cf_reader_t *r, const char *path, const char *pattern,
                        int depth, const cf_node_t *from, cf_node_t *out,
                        bool in_directory) {
  if (pattern != NULL && fnmatch(pattern, cf_basename(path), 0) != 0) {
    if (in_directory)
      return 0;
    /* configfile.c: cf_read_file returns NULL and the Include fails. */
    cf_report(r, WF_CONFFILE_ERROR, from ? from->file : NULL,
              from ? from->line : 0,
              "Include: \"%s\" does not match the Filter \"%s\"; collectd "
              "refuses an Include whose file its Filter leaves out",
              path, pattern);
    return -1;
  }

  struct stat st;
  char *text = NULL;
  if (stat(path, &st) != 0 || (text = cf_slurp(path)) == NULL) {
    char errbuf[256];
    const char *why = (errno == EILSEQ) ? "it holds a NUL byte, not text"
                      : (errno == EFBIG)
                          ? "it is larger than 16 MiB"
                          : strerror_r(errno, errbuf, sizeof(errbuf));
    cf_report(r, WF_CONFFILE_ERROR, from ? from->file : NULL,
              from ? from->line : 0, "cannot read \"%s\": %s", path, why);
    return (from == NULL) ? WF_CONFFILE_UNREADABLE : -1;
  }
  if (cf_chain_push(r, path, &st, from) != 0) {
    free(text);
    return -1;
  }

  const char *file = r->chain[r->chain_num - 1].name;
  cf_node_t root = {0};
  int status = cf_parse_text(r, file, text, &root);
  free(text);
  if (status == 0)
    status = cf_include_all(r, &root, depth);
  if (status == 0)
    status = cf_move_children(out, &root);
  for (int i = 0; i < root.children_num; i++)
    cf_node_free(root.children[i]);
  free(root.children);
  r->chain_num--;
  return status;
}

/* Compares two strings for qsort. */
static int cf_compare(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Reads every file of a directory and of its subdirectories, in name
 * order, leaving out names that start with a dot. A file that cannot be
 * read is reported and left out, as collectd does. */
static int cf_read_directory(cf_reader_t *r, const char *path,
                             const char *pattern, int depth,
                             const cf_node_t *from, cf_node_t *out) {
  struct stat st;
  DIR *dh = opendir(path);
  if (dh == NULL || fstat(dirfd(dh), &st) != 0) {
    char errbuf[256];
    cf_report(r, WF_CONFFILE_ERROR, from ? from->file : NULL,
              from ? from->line : 0, "cannot read the directory \"%s\": %s",
              path, strerror_r(errno, errbuf, sizeof(errbuf)));
    if (dh != NULL)
      closedir(dh);
    return (from == NULL) ? WF_CONFFILE_UNREADABLE : -1;
  }
  if (cf_chain_push(r, path, &st, from) != 0) {
    closedir(dh);
    return -1;
  }

  char **names = NULL;
  size_t names_num = 0;
  int status = 0;
  struct dirent *de;
  while (status == 0 && (de = readdir(dh)) != NULL) {
    if (de->d_name[0] == '.' || de->d_name[0] == '\0')
      continue;
    size_t size = strlen(path) + strlen(de->d_name) + 2;
    char **tmp = realloc(names, (names_num + 1) * sizeof(*tmp));
    char *name = malloc(size);
    if (tmp != NULL)
      names = tmp;
    if (tmp == NULL || name == NULL) {
      free(name);
      cf_report(r, WF_CONFFILE_ERROR, path, 0, "out of memory");
      status = -1;
      break;
    }
    snprintf(name, size, "%s/%s", path, de->d_name);
    names[names_num++] = name;
  }
  closedir(dh);
  if (names_num > 0)
    qsort(names, names_num, sizeof(*names), cf_compare);

  for (size_t i = 0; status == 0 && i < names_num; i++) {
    struct stat entry;
    if (stat(names[i], &entry) != 0) {
      char errbuf[256];
      cf_report(r, WF_CONFFILE_WARNING, from ? from->file : path,
                from ? from->line : 0,
                "Include: cannot read \"%s\": %s; collectd leaves it out",
                names[i], strerror_r(errno, errbuf, sizeof(errbuf)));
    } else if (S_ISREG(entry.st_mode)) {
      /* A broken file in a directory is left out; the others are read. */
      cf_read_file(r, names[i], pattern, depth, from, out, true);
    } else if (S_ISDIR(entry.st_mode)) {
      cf_read_directory(r, names[i], pattern, depth, from, out);
    } else {
      cf_report(r, WF_CONFFILE_WARNING, from ? from->file : path,
                from ? from->line : 0,
                "Include: \"%s\" is neither a file nor a directory; collectd "
                "leaves it out",
                names[i]);
    }
  }
  for (size_t i = 0; i < names_num; i++)
    free(names[i]);
  free(names);
  r->chain_num--;
  return status;
}

/* Expands an Include's path with wordexp(3), as collectd does, and reads
 * each file or directory it names, in name order. */
static int cf_read_generic(cf_reader_t *r, const char *path,
                           const char *pattern, int depth,
                           const cf_node_t *from, cf_node_t *out) {
  if (depth >= WF_CONFFILE_MAX_DEPTH) {
    cf_report(r, WF_CONFFILE_ERROR, from->file, from->line,
              "Include \"%s\": more than %d levels of Include; collectd "
              "stops there",
              path, WF_CONFFILE_MAX_DEPTH - 1);
    return -1;
  }
  wordexp_t we;
  int expanded = wordexp(path, &we, WRDE_NOCMD);
  if (expanded != 0) {
    cf_report(r, WF_CONFFILE_ERROR, from->file, from->line,
              "Include \"%s\": the path cannot be expanded (%s)", path,
              (expanded == WRDE_CMDSUB)    ? "command substitution"
              : (expanded == WRDE_BADCHAR) ? "a character such as | ; & < > "
                                             "( ) { }"
                                           : "a syntax error");
    if (expanded == WRDE_NOSPACE)
      wordfree(&we);
    return -1;
  }
  if (we.we_wordc > 1)
    qsort(we.we_wordv, we.we_wordc, sizeof(*we.we_wordv), cf_compare);

  int status = 0;
  for (size_t i = 0; status == 0 && i < we.we_wordc; i++) {
    const char *name = we.we_wordv[i];
    struct stat st;
    if (stat(name, &st) != 0) {
      char errbuf[256];
      cf_report(r, WF_CONFFILE_WARNING, from->file, from->line,
                "Include \"%s\": \"%s\": %s; collectd leaves it out", path,
                name, strerror_r(errno, errbuf, sizeof(errbuf)));
    } else if (S_ISREG(st.st_mode)) {
      status = cf_read_file(r, name, pattern, depth, from, out, false);
    } else if (S_ISDIR(st.st_mode)) {
      status = cf_read_directory(r, name, pattern, depth, from, out);
    } else {
      cf_report(r, WF_CONFFILE_WARNING, from->file, from->line,
                "Include \"%s\": \"%s\" is neither a file nor a directory; "
                "collectd leaves it out",
                path, name);
    }
  }
  wordfree(&we);
  return status;
}

/* Replaces each top-level Include statement of `root` by the statements
 * it includes (configfile.c's cf_include_all). */
static int cf_include_all(cf_reader_t *r, cf_node_t *root, int depth) {
  for (int i = 0; i < root->children_num; i++) {
    cf_node_t *include = root->children[i];
    if (strcasecmp(include->key, "Include") != 0)
      continue;
    if (include->values_num != 1 ||
        include->values[0].type != OCONFIG_TYPE_STRING) {
      cf_report(r, WF_CONFFILE_ERROR, include->file, include->line,
                "Include needs exactly one string argument, the path");
      continue;
    }
    const char *pattern = NULL;
    for (int j = 0; j < include->children_num; j++) {
      const cf_node_t *child = include->children[j];
      if (strcasecmp(child->key, "Filter") == 0 && child->values_num == 1 &&
          child->values[0].type == OCONFIG_TYPE_STRING)
        pattern = child->values[0].value.string;
      else if (strcasecmp(child->key, "Filter") == 0)
        cf_report(r, WF_CONFFILE_ERROR, child->file, child->line,
                  "Filter needs exactly one string argument, a pattern "
                  "such as \"*.conf\"");
      else
        cf_report(r, WF_CONFFILE_ERROR, child->file, child->line,
                  "option \"%s\" is not allowed in <Include>; only Filter is",
                  child->key);
    }

    cf_node_t included = {0};
    int status = cf_read_generic(r, include->values[0].value.string, pattern,
                                 depth + 1, include, &included);
    if (status != 0) {
      for (int j = 0; j < included.children_num; j++)
        cf_node_free(included.children[j]);
      free(included.children);
      return -1;
    }

    /* Splice: root's children become [0, i) + included + (i, n). */
    int count = included.children_num;
    int after = root->children_num - i - 1;
    int needed = root->children_num - 1 + count;
    if (needed > root->children_capacity) {
      cf_node_t **tmp = realloc(root->children, (size_t)needed * sizeof(*tmp));
      if (tmp == NULL) {
        cf_report(r, WF_CONFFILE_ERROR, include->file, include->line,
                  "out of memory");
        for (int j = 0; j < count; j++)
          cf_node_free(included.children[j]);
        free(included.children);
        return -1;
      }
      root->children = tmp;
      root->children_capacity = needed;
    }
    memmove(root->children + i + count, root->children + i + 1,
            (size_t)after * sizeof(*root->children));
    if (count > 0)
      memcpy(root->children + i, included.children,
             (size_t)count * sizeof(*root->children));
    root->children_num = needed;
    free(included.children);
    cf_node_free(include);
    i += count - 1;
  }
  return 0;
}

/* ------------------------------------------------------------------------
 * From nodes to collectd's tree.
 * ---------------------------------------------------------------------- */

/* Notes where `item` was written. */
static int cf_note_where(wf_conffile_t *doc, const oconfig_item_t *item,
                         const cf_node_t *node) {
  if (doc->where_num == doc->where_capacity) {
    size_t capacity = (doc->where_capacity == 0) ? 64 : 2 * doc->where_capacity;
    cf_where_t *tmp = realloc(doc->where, capacity * sizeof(*tmp));
    if (tmp == NULL)
      return -1;
    doc->where = tmp;
    doc->where_capacity = capacity;
  }
  doc->where[doc->where_num++] =
      (cf_where_t){.item = item, .file = node->file, .line = node->line};
  return 0;
}

/* Moves the children of `node` into `item`, as oconfig items. */
static int cf_convert_children(wf_conffile_t *doc, cf_node_t *node,
                               oconfig_item_t *item) {
  if (node->children_num == 0)
    return 0;
  item->children = calloc((size_t)node->children_num, sizeof(*item->children));
  if (item->children == NULL)
    return -1;
  item->children_num = node->children_num;
  for (int i = 0; i < node->children_num; i++) {
    cf_node_t *child = node->children[i];
    oconfig_item_t *out = &item->children[i];
    out->key = child->key;
    out->values = child->values;
    out->values_num = child->values_num;
    out->parent = item;
    child->key = NULL;
    child->values = NULL;
    child->values_num = 0;
    if (cf_note_where(doc, out, child) != 0 ||
        cf_convert_children(doc, child, out) != 0)
      return -1;
  }
  return 0;
}

/* Frees the children of an oconfig item, and theirs. */
static void cf_item_free_children(oconfig_item_t *item) {
  for (int i = 0; i < item->children_num; i++) {
    oconfig_item_t *child = &item->children[i];
    free(child->key);
    cf_values_free(child->values, child->values_num);
    cf_item_free_children(child);
  }
  free(item->children);
  item->children = NULL;
  item->children_num = 0;
}

/* Reads a file (`text` NULL) or a text standing for one. */
static int cf_read(const char *path, const char *text,
                   wf_conffile_report_fn report, void *arg,
                   wf_conffile_t **doc) {
  *doc = NULL;
  wf_conffile_t *d = calloc(1, sizeof(*d));
  if (d == NULL)
    return WF_CONFFILE_INVALID;
  cf_reader_t r = {.report = report, .arg = arg, .doc = d};
  cf_node_t root = {0};
  int status;

  if (text != NULL) {
    const char *file = cf_intern(d, path);
    status = (file != NULL) ? cf_parse_text(&r, file, text, &root) : -1;
    if (status == 0)
      status = cf_include_all(&r, &root, 0);
  } else {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
      status = cf_read_directory(&r, path, NULL, 0, NULL, &root);
    else
      status = cf_read_file(&r, path, NULL, 0, NULL, &root, false);
  }
  if (status == 0 && r.errors == 0 &&
      cf_convert_children(d, &root, &d->root) != 0) {
    cf_report(&r, WF_CONFFILE_ERROR, path, 0, "out of memory");
    status = -1;
  }
  for (int i = 0; i < root.children_num; i++)
    cf_node_free(root.children[i]);
  free(root.children);
  free(r.chain);

  if (status == 0 && r.errors == 0) {
    *doc = d;
    return WF_CONFFILE_OK;
  }
  wf_conffile_free(d);
  return (status == WF_CONFFILE_UNREADABLE) ? WF_CONFFILE_UNREADABLE
                                            : WF_CONFFILE_INVALID;
}

int wf_conffile_read(const char *path, wf_conffile_report_fn report, void *arg,
                     wf_conffile_t **doc) {
  return cf_read(path, NULL, report, arg, doc);
}

int wf_conffile_parse(const char *text, const char *name,
                      wf_conffile_report_fn report, void *arg,
                      wf_conffile_t **doc) {
  return cf_read(name, text, report, arg, doc);
}

const oconfig_item_t *wf_conffile_root(const wf_conffile_t *doc) {
  return &doc->root;
}

bool wf_conffile_where(const wf_conffile_t *doc, const oconfig_item_t *item,
                       const char **file, int *line) {
  for (size_t i = 0; i < doc->where_num; i++) {
    if (doc->where[i].item == item) {
      *file = doc->where[i].file;
      *line = doc->where[i].line;
      return true;
    }
  }
  return false;
}

void wf_conffile_free(wf_conffile_t *doc) {
  if (doc == NULL)
    return;
  cf_item_free_children(&doc->root);
  for (size_t i = 0; i < doc->files_num; i++)
    free(doc->files[i]);
  free(doc->files);
  free(doc->where);
  free(doc);
}
