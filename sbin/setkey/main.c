/*
 * setkey(8): flags and modes.  Everything setkey does goes through PF_KEY
 * messages to the socket manager ($SOCK picks which one); with -n it
 * talks to nobody and prints the messages it would send.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "lib/libipsec/libpfkey.h"
#include "sbin/setkey/setkey.h"

enum setkey_mode {
	MODE_NONE,
	MODE_STDIN,	/* -c */
	MODE_FILE,	/* -f */
	MODE_SCRIPT,	/* -e */
	MODE_DUMP,	/* -D */
	MODE_FLUSH,	/* -F */
	MODE_MONITOR,	/* -x */
	MODE_VERSION,	/* -V */
};

struct setkey_args {
	enum setkey_mode	 mode;
	const char		*arg;	/* -f file, -e script */
	struct setkey_opts	 o;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: setkey [-nv] -c\n"
	    "       setkey [-nv] -f filename\n"
	    "       setkey [-nv] -e script\n"
	    "       setkey [-alPpv] -D\n"
	    "       setkey -j [-aPv] -D\n"
	    "       setkey [-Pv] -F\n"
	    "       setkey [-hH] -x\n"
	    "       setkey -V\n");
	exit(EX_USAGE);
}

static void
set_mode(struct setkey_args *a, enum setkey_mode m)
{
	/* -x twice is -xx; any other pair of modes is a usage error. */
	if (a->mode != MODE_NONE && a->mode != m)
		usage();
	a->mode = m;
}

static void
parse_args(int argc, char **argv, struct setkey_args *a)
{
	int ch;

	memset(a, 0, sizeof(*a));
	while ((ch = getopt(argc, argv, "acf:e:DFjPlvxhHpnV?")) != -1) {
		switch (ch) {
		case 'c': set_mode(a, MODE_STDIN); break;
		case 'f': set_mode(a, MODE_FILE); a->arg = optarg; break;
		case 'e': set_mode(a, MODE_SCRIPT); a->arg = optarg; break;
		case 'D': set_mode(a, MODE_DUMP); break;
		case 'F': set_mode(a, MODE_FLUSH); break;
		case 'x': set_mode(a, MODE_MONITOR); a->o.monitor++; break;
		case 'V': set_mode(a, MODE_VERSION); break;
		case 'P': a->o.policy = true; break;
		case 'a': a->o.all = true; break;
		case 'l': a->o.loop = true; break;
		case 'v': a->o.verbose++; break;
		case 'h': case 'H': a->o.hex++; break;
		case 'p': a->o.ports = true; break;
		case 'n': a->o.noaction = true; break;
		case 'j': a->o.json = true; break;
		default: usage();
		}
	}
	if (optind != argc || a->mode == MODE_NONE ||
	    (a->o.json && (a->mode != MODE_DUMP || a->o.loop)))
		usage();
}

/* -n: print each message as the key engine would receive it. */
static int
print_only(void *arg, const struct setkey_request *req)
{
	(void)arg;
	printf("# line %u: %s", req->line, req->stmt);
	if (req->count > 1)
		printf(" (%u of %u)", req->index + 1, req->count);
	printf("\n");
	kdebug_sadb_fp(stdout, req->msg);
	printf("\n");
	return 0;
}

#define PENDING_MAX	(1u << 20)	/* bytes of one unfinished statement */

/*
 * Where the complete statements of an interactive buffer end: just after
 * its last ';' outside comments and quoted strings, or 0.
 */
static size_t
complete_part(const char *buf, size_t len)
{
	bool quoted = false, comment = false;
	size_t i, end = 0;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n')
			quoted = comment = false;
		else if (comment)
			continue;
		else if (buf[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (buf[i] == '#')
			comment = true;
		else if (buf[i] == ';')
			end = i + 1;
	}
	return end;
}

/* The buffer is one of the words that leave, without a ';'. */
static bool
is_quit(const char *buf, size_t len)
{
	static const char *const words[] = { "exit", "quit", "bye" };
	size_t i, n;

	while (len > 0 && isspace((unsigned char)*buf)) {
		buf++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		len--;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		if (len == n && memcmp(buf, words[i], n) == 0)
			return true;
	}
	return false;
}

/*
 * -c from a terminal, as ipsec-tools' interactive mode: lines gather
 * until a ';' ends a statement (so statements may span lines), every
 * complete statement runs at once, and an error does not end the
 * session; exit, quit or bye do.  Otherwise the whole input is one
 * script.  What follows the last ';' of a line waits for the next line;
 * the buffer keeps the newlines, so line numbers stay right.
 */
static int
run_lines(struct setkey_env *env, FILE *fp)
{
	char *line = NULL, *pend = NULL, *np;
	size_t cap = 0, plen = 0, alloc = 0, done;
	ssize_t n;
	int rv = 0;

	while (!env->quit && (n = getline(&line, &cap, fp)) >= 0) {
		if (plen + (size_t)n > PENDING_MAX ||
		    (np = realloc(pend, plen + (size_t)n)) == NULL) {
			fprintf(stderr, "setkey: statement too long\n");
			rv = -1;
			plen = 0;
			continue;
		}
		pend = np;
		alloc = plen + (size_t)n;
		memcpy(pend + plen, line, (size_t)n);
		plen += (size_t)n;
		if ((done = complete_part(pend, plen)) == 0 &&
		    is_quit(pend, plen))
			done = plen;
		if (done == 0)
			continue;
		env->parse_error = false;
		if (setkey_run(env, pend, done) != 0)
			rv = -1;
		memmove(pend, pend + done, plen - done);
		plen -= done;
		fflush(stdout);
	}
	/* An unfinished statement at the end is an error ("';' missing"). */
	if (!env->quit && plen > 0 && setkey_run(env, pend, plen) != 0)
		rv = -1;
	/* Keys went through both buffers. */
	if (line != NULL)
		OPENSSL_cleanse(line, cap);
	free(line);
	if (pend != NULL)
		OPENSSL_cleanse(pend, alloc);
	free(pend);
	return rv;
}

static int
run_script(struct setkey_args *a)
{
	struct setkey_session s;
	struct setkey_env env;
	FILE *fp = NULL;
	int rv;

	setkey_env_init(&env);
	if (a->o.noaction) {
		env.send = print_only;
	} else {
		if (session_open(&s, &a->o) != 0)
			return EXIT_FAILURE;
		s.script = true;
		env.send = session_send;
		env.alg_check = session_alg_check;
		env.arg = &s;
	}
	if (a->mode == MODE_SCRIPT)
		rv = setkey_run(&env, a->arg, strlen(a->arg));
	else if (a->mode == MODE_STDIN)
		rv = isatty(STDIN_FILENO) ? run_lines(&env, stdin) :
		    setkey_run_file(&env, stdin);
	else if (strcmp(a->arg, "-") == 0) {
		/* ipsec-tools: "-f -" is the standard input, as a file. */
		env.fname = a->arg;
		rv = setkey_run_file(&env, stdin);
	} else if ((fp = fopen(a->arg, "r")) == NULL) {
		fprintf(stderr, "setkey: %s: %s\n", a->arg, strerror(errno));
		rv = -1;
	} else {
		env.fname = a->arg;
		rv = setkey_run_file(&env, fp);
		fclose(fp);
	}
	if (!a->o.noaction)
		session_close(&s);
	return rv == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int
run_command(struct setkey_args *a)
{
	struct setkey_session s;
	int rv = 0;

	if (session_open(&s, &a->o) != 0)
		return EXIT_FAILURE;
	if (a->mode == MODE_MONITOR)
		rv = monitor_run(&s);
	else if (a->mode == MODE_DUMP && a->o.json)
		rv = session_dump_json(&s);
	else if (a->mode == MODE_DUMP && a->o.policy)
		rv = session_simple(&s, SADB_X_SPDDUMP, SADB_SATYPE_UNSPEC);
	else if (a->mode == MODE_DUMP && a->o.loop)
		rv = session_loop_dump(&s);
	else if (a->mode == MODE_DUMP)
		rv = session_simple(&s, SADB_DUMP, SADB_SATYPE_UNSPEC);
	else if (a->o.policy)
		rv = session_simple(&s, SADB_X_SPDFLUSH, SADB_SATYPE_UNSPEC);
	else
		rv = session_simple(&s, SADB_FLUSH, SADB_SATYPE_UNSPEC);
	session_close(&s);
	return rv == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

int
main(int argc, char **argv)
{
	struct setkey_args a;

	parse_args(argc, argv, &a);
	switch (a.mode) {
	case MODE_VERSION:
		printf("%s\n", SETKEY_VERSION);
		return EXIT_SUCCESS;
	case MODE_STDIN:
	case MODE_FILE:
	case MODE_SCRIPT:
		return run_script(&a);
	default:
		return run_command(&a);
	}
}
