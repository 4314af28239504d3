/*
 * Lexer of the setkey script language (internal to libipsec).
 *
 * Tokens are words (anything up to blank, ';', '/', '[', ']', '"' or
 * '#'), double-quoted strings (no escapes, one line), and the
 * punctuation ';', '/', '[' and ']'.  '#' at the start of a token runs
 * to the end of the line.  Everything after "-P" up to ';' is policy text
 * for ipsec_set_policy(), taken raw with setkey_lex_rest().
 */
#ifndef LIB_LIBIPSEC_SETKEY_LEX_H
#define LIB_LIBIPSEC_SETKEY_LEX_H

#include <stdbool.h>
#include <stddef.h>

enum setkey_tok {
	SETKEY_TOK_EOF,
	SETKEY_TOK_WORD,
	SETKEY_TOK_STRING,	/* text excludes the quotes */
	SETKEY_TOK_SEMI,
	SETKEY_TOK_SLASH,
	SETKEY_TOK_LBRACK,
	SETKEY_TOK_RBRACK,
	SETKEY_TOK_ERROR,	/* text: what is wrong */
};

#define SETKEY_TOKEN_MAX	1024	/* longest word or string */

struct setkey_lex {
	const char	*p;		/* next character */
	const char	*end;
	unsigned	 line;		/* line of p */
	/* The current token. */
	enum setkey_tok	 tok;
	unsigned	 tokline;
	size_t		 len;
	char		 text[SETKEY_TOKEN_MAX + 1];	/* NUL-terminated */
};

void	setkey_lex_init(struct setkey_lex *lx, const char *buf, size_t len,
	    unsigned line);
/* Advance to the next token; returns it. */
enum setkey_tok setkey_lex_next(struct setkey_lex *lx);
/* The current token is a word equal to s. */
bool	setkey_lex_is(const struct setkey_lex *lx, const char *s);
/*
 * Take the raw text from after the current token up to the next ';'
 * (not included; newlines become blanks) into buf; the ';' becomes the
 * current token.  Returns false, with an error token, when there is no
 * ';' or the text does not fit.
 */
bool	setkey_lex_rest(struct setkey_lex *lx, char *buf, size_t size);
/* Skip to just after the next ';' (error recovery in line mode). */
void	setkey_lex_skip_statement(struct setkey_lex *lx);
/* The current token as a diagnostic shows it. */
const char *setkey_lex_shown(const struct setkey_lex *lx);

#endif
