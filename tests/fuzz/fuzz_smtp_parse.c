/*
 * fuzz_smtp_parse — libFuzzer target for relay/smtp_parse.c: one input is
 * one command line (as conn_getline() hands it over: no CRLF, NUL after
 * it).  The verb decides which argument parser runs, as in the session;
 * every parser also gets the raw line as its argument.  Invariants: a
 * parser that succeeds leaves NUL-terminated outputs within their
 * buffers; one that fails gives a 4xx/5xx reply with a text.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_parse.h"

static void
fuzz_reply_ok(const struct smtp_reply *rep)
{
	assert(rep->code >= 400 && rep->code < 600);
	assert(rep->text != NULL && rep->text[0] != '\0');
}

static void
fuzz_args(const char *arg)
{
	struct smtp_mail m;
	struct smtp_rcpt r;
	struct smtp_reply rep;
	char helo[VALID_NAME_MAX], xt[SMTP_ENVID_MAX];

	if (smtp_parse_mail(arg, &m, &rep) == 0) {
		assert(strlen(m.sender) < sizeof(m.sender));
		assert(strlen(m.envid) < sizeof(m.envid));
		assert(m.size >= -1);
	} else
		fuzz_reply_ok(&rep);
	if (smtp_parse_rcpt(arg, 0, &r, &rep) == 0) {
		assert(strlen(r.rcpt) < sizeof(r.rcpt));
		assert(strlen(r.domain) < sizeof(r.domain));
		assert(r.rcpt[0] != '\0');
	} else
		fuzz_reply_ok(&rep);
	if (smtp_parse_rcpt(arg, 1, &r, &rep) == -1)
		fuzz_reply_ok(&rep);
	if (smtp_parse_helo(arg, helo, sizeof(helo), &rep) == 0)
		assert(strlen(helo) < sizeof(helo));
	else
		fuzz_reply_ok(&rep);
	if (smtp_xtext_decode(arg, xt, sizeof(xt)) == 0)
		assert(strlen(xt) < sizeof(xt));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_command cmd;
	struct smtp_reply rep;
	char *line;

	if (size > SMTP_LINE_MAX)	/* the reader refuses longer lines */
		return 0;
	if ((line = malloc(size + 1)) == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	if (smtp_parse_command(line, size, &cmd, &rep) == 0) {
		assert(cmd.arg != NULL);
		/* Into the line, or a constant "" when there is none. */
		assert((cmd.arg >= line && cmd.arg <= line + size) ||
		    cmd.arg[0] == '\0');
		fuzz_args(cmd.arg);
	} else
		fuzz_reply_ok(&rep);
	if (memchr(line, '\0', size) == NULL)
		fuzz_args(line);
	free(line);
	return 0;
}
