/*
 * Lexer of the setkey script language.  It works on a buffer in memory,
 * never reads past its end, and reports what it cannot take (an
 * unterminated string, an over-long word, a NUL byte) as an error token
 * rather than guessing.
 */
#include <string.h>

#include "lib/libipsec/setkey_lex.h"

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* Characters that end a word. */
static bool
is_delim(char c)
{
	return is_blank(c) || c == ';' || c == '/' || c == '[' || c == ']' ||
	    c == '"' || c == '#' || c == '\0';
}

void
setkey_lex_init(struct setkey_lex *lx, const char *buf, size_t len,
    unsigned line)
{
	memset(lx, 0, sizeof(*lx));
	lx->p = buf;
	lx->end = buf + len;
	lx->line = line;
	lx->tok = SETKEY_TOK_EOF;
}

static enum setkey_tok
set_error(struct setkey_lex *lx, const char *what)
{
	size_t n = strlen(what);

	memcpy(lx->text, what, n + 1);
	lx->len = n;
	lx->tok = SETKEY_TOK_ERROR;
	return lx->tok;
}

/* Blanks and comments before a token; counts lines. */
static void
skip_space(struct setkey_lex *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		if (!is_blank(*lx->p))
			break;
		if (*lx->p == '\n')
			lx->line++;
		lx->p++;
	}
}

static enum setkey_tok
lex_string(struct setkey_lex *lx)
{
	const char *s = ++lx->p;

	while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n' &&
	    *lx->p != '\0')
		lx->p++;
	if (lx->p >= lx->end || *lx->p != '"')
		return set_error(lx, "unterminated string");
	if ((size_t)(lx->p - s) > SETKEY_TOKEN_MAX)
		return set_error(lx, "string too long");
	lx->len = (size_t)(lx->p - s);
	memcpy(lx->text, s, lx->len);
	lx->text[lx->len] = '\0';
	lx->p++;
	lx->tok = SETKEY_TOK_STRING;
	return lx->tok;
}

static enum setkey_tok
lex_punct(struct setkey_lex *lx, enum setkey_tok tok)
{
	lx->text[0] = *lx->p++;
	lx->text[1] = '\0';
	lx->len = 1;
	lx->tok = tok;
	return tok;
}

enum setkey_tok
setkey_lex_next(struct setkey_lex *lx)
{
	const char *s;

	skip_space(lx);
	lx->tokline = lx->line;
	lx->len = 0;
	lx->text[0] = '\0';
	if (lx->p >= lx->end) {
		lx->tok = SETKEY_TOK_EOF;
		return lx->tok;
	}
	switch (*lx->p) {
	case ';':
		return lex_punct(lx, SETKEY_TOK_SEMI);
	case '/':
		return lex_punct(lx, SETKEY_TOK_SLASH);
	case '[':
		return lex_punct(lx, SETKEY_TOK_LBRACK);
	case ']':
		return lex_punct(lx, SETKEY_TOK_RBRACK);
	case '"':
		return lex_string(lx);
	case '\0':
		return set_error(lx, "NUL byte in input");
	}
	s = lx->p;
	while (lx->p < lx->end && !is_delim(*lx->p))
		lx->p++;
	if ((size_t)(lx->p - s) > SETKEY_TOKEN_MAX)
		return set_error(lx, "word too long");
	lx->len = (size_t)(lx->p - s);
	memcpy(lx->text, s, lx->len);
	lx->text[lx->len] = '\0';
	lx->tok = SETKEY_TOK_WORD;
	return lx->tok;
}

bool
setkey_lex_is(const struct setkey_lex *lx, const char *s)
{
	return lx->tok == SETKEY_TOK_WORD && strcmp(lx->text, s) == 0;
}

bool
setkey_lex_rest(struct setkey_lex *lx, char *buf, size_t size)
{
	const char *s;
	size_t n, i;

	while (lx->p < lx->end && is_blank(*lx->p)) {
		if (*lx->p == '\n')
			lx->line++;
		lx->p++;
	}
	s = lx->p;
	while (lx->p < lx->end && *lx->p != ';' && *lx->p != '\0')
		lx->p++;
	if (lx->p >= lx->end || *lx->p != ';') {
		set_error(lx, "policy not terminated by ';'");
		return false;
	}
	n = (size_t)(lx->p - s);
	if (n >= size) {
		set_error(lx, "policy too long");
		return false;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			lx->line++;
		buf[i] = is_blank(s[i]) ? ' ' : s[i];
	}
	buf[n] = '\0';
	lx->tokline = lx->line;
	lex_punct(lx, SETKEY_TOK_SEMI);
	return true;
}

void
setkey_lex_skip_statement(struct setkey_lex *lx)
{
	while (lx->tok != SETKEY_TOK_SEMI && lx->tok != SETKEY_TOK_EOF) {
		if (lx->tok == SETKEY_TOK_ERROR) {
			/* Step over the character the lexer refused. */
			if (lx->p < lx->end)
				lx->p++;
		}
		setkey_lex_next(lx);
	}
}

const char *
setkey_lex_shown(const struct setkey_lex *lx)
{
	switch (lx->tok) {
	case SETKEY_TOK_EOF:
		return "end of input";
	case SETKEY_TOK_ERROR:
		return "";
	default:
		return lx->text;
	}
}
