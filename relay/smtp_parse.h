/*
 * smtp_parse — pure parsers for SMTP command lines and their arguments
 * (RFC 5321, with the parameters of SIZE/RFC 1870, 8BITMIME/RFC 6152,
 * SMTPUTF8/RFC 6531 and DSN/RFC 3461).
 *
 * Nothing here does I/O, allocates or keeps state; every function is safe
 * from any thread.  A parser returns 0 on success, or -1 and fills *rep
 * with the complete reply the session should send (code, enhanced status
 * code and text, e.g. 501 "5.5.4 Syntax: MAIL FROM:<address>"): the
 * session never invents its own wording for syntax errors.
 *
 * Addresses come out normalised as core/valid.h's valid_email() does it:
 * the local part exactly as sent, the domain as a lower-case A-label.  A
 * source route ("<@a,@b:user@c>") is accepted and dropped, as RFC 5321
 * section 4.1.2 / appendix C allows; only the final mailbox counts.
 */
#ifndef BMX_SMTP_PARSE_H
#define BMX_SMTP_PARSE_H

#include <stddef.h>

#include "valid.h"

#define SMTP_LINE_MAX 512	/* command line, with CRLF (RFC 5321 4.5.3.1.4) */
#define SMTP_ENVID_MAX 101	/* 100 octets of xtext-decoded ENVID + NUL */
#define SMTP_ORCPT_MAX 510

enum smtp_verb {
	SMTP_UNKNOWN = 0,
	SMTP_HELO, SMTP_EHLO, SMTP_MAIL, SMTP_RCPT, SMTP_DATA, SMTP_RSET,
	SMTP_NOOP, SMTP_QUIT, SMTP_VRFY, SMTP_EXPN, SMTP_HELP, SMTP_STARTTLS,
	SMTP_BDAT, SMTP_AUTH
};

struct smtp_reply {
	int		 code;		/* 501, 555, ... */
	const char	*text;		/* "5.5.4 Syntax: ..." (static) */
};

struct smtp_command {
	enum smtp_verb	 verb;
	const char	*arg;	/* points into the line: after the verb and one
				   space, "" when there is no argument */
};

enum smtp_body { SMTP_BODY_NONE = 0, SMTP_BODY_7BIT, SMTP_BODY_8BITMIME };
enum smtp_ret { SMTP_RET_NONE = 0, SMTP_RET_FULL, SMTP_RET_HDRS };

/* NOTIFY= bits; SMTP_NOTIFY_NEVER excludes the others. */
#define SMTP_NOTIFY_SUCCESS	0x1
#define SMTP_NOTIFY_FAILURE	0x2
#define SMTP_NOTIFY_DELAY	0x4
#define SMTP_NOTIFY_NEVER	0x8

struct smtp_mail {
	char		 sender[VALID_ADDR_MAX];	/* "" for <> */
	long long	 size;		/* SIZE=, -1 when absent */
	enum smtp_body	 body;
	int		 smtputf8;
	enum smtp_ret	 ret;
	char		 envid[SMTP_ENVID_MAX];	/* decoded, "" when absent */
};

struct smtp_rcpt {
	char		 rcpt[VALID_ADDR_MAX];
	char		 domain[VALID_NAME_MAX];	/* A-label of rcpt */
	int		 notify;	/* bits, 0 when absent */
	char		 orcpt[SMTP_ORCPT_MAX];	/* "rfc822;user@example" as sent
						   (xtext kept), "" if absent */
};

/*
 * Split a command line (without its CRLF; len octets; may contain NULs,
 * which make it a syntax error) into verb and argument.  The verb is
 * case-insensitive.  A verb must be followed by end of line or one space.
 * Unknown verbs give SMTP_UNKNOWN and return 0 (the session answers 500).
 * Returns -1 (with rep) for NUL bytes or non-ASCII in the verb.
 * (Clarified with the implementation: line[len] must be a NUL, since arg
 * is returned as a C string pointing into line; control characters other
 * than TAB anywhere in the line are refused too; the line length is left
 * to the session's reader.)
 */
int	smtp_parse_command(const char *line, size_t len,
	    struct smtp_command *cmd, struct smtp_reply *rep);

/*
 * "FROM:<path> [params]" (case-insensitive "FROM:", no space allowed
 * before '<' per RFC 5321, but one is tolerated as most servers do).
 * utf8_ok: whether SMTPUTF8 was advertised; size parameters beyond
 * LLONG_MAX or malformed are 501/555; unknown parameters are
 * 555 5.5.4; non-ASCII addresses without the SMTPUTF8 parameter are
 * 553 5.6.7.  (Clarified: there is no utf8_ok argument; SMTPUTF8 and
 * BODY=8BITMIME are parsed whether advertised or not, and the session
 * compares m->smtputf8 and m->body with what it offered.)
 */
int	smtp_parse_mail(const char *arg, struct smtp_mail *m,
	    struct smtp_reply *rep);

/*
 * "TO:<path> [params]" with NOTIFY= and ORCPT=.  The null path <> is a
 * syntax error (501).  A bare "<postmaster>" (no domain) is returned with
 * rcpt "postmaster" and domain "" — the caller decides.  smtputf8: whether
 * the transaction's MAIL carried SMTPUTF8 (non-ASCII needs it).
 */
int	smtp_parse_rcpt(const char *arg, int smtputf8, struct smtp_rcpt *r,
	    struct smtp_reply *rep);

/*
 * The argument of HELO/EHLO: a domain name or an address literal; returns
 * 0 and copies it (truncated to outsz) into out, or -1 with a 501 reply.
 */
int	smtp_parse_helo(const char *arg, char *out, size_t outsz,
	    struct smtp_reply *rep);

/* Decode RFC 3461 xtext ("a+2Bb" -> "a+b"); -1 when malformed. */
int	smtp_xtext_decode(const char *in, char *out, size_t outsz);

#endif
