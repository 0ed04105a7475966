/*
 * test_smtp_parse — table-driven Check suite for relay/smtp_parse.c.
 *
 * Every table row is one case, run as its own loop test so a failure names
 * the row.  Rows hold the expected reply code AND enhanced status code of
 * every refusal, and the full parsed result of every acceptance; a refused
 * command must leave its outputs in the cleared state.
 *
 * Command lines are copied into a heap buffer of exactly len octets, with
 * no NUL after them, so a sanitizer build catches any read past len.
 * Output structures are pre-filled with junk so a missing NUL or a field
 * left unset shows.  The relay attack forms (source routes, '%' and '!'
 * hacks, quoted '@', address literals, trailing dots, IDN with and without
 * SMTPUTF8) each have a row that pins down the domain the policy will see.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_parse.h"

#define NROWS(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define LINE(s)		s, sizeof(s) - 1	/* a literal with its length */

/* Building blocks for the length boundaries (as in test_valid.c). */
#define A10	"aaaaaaaaaa"
#define A60	A10 A10 A10 A10 A10 A10
#define L58	A10 A10 A10 A10 A10 "aaaaaaaa"
#define L59	L58 "a"
#define L63	A60 "bcd"
#define L64	L63 "e"
#define L65	L64 "f"
#define A100	A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define A1100	A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100
/* With a 64-octet local part, D189 makes a 254-octet address, D190 255. */
#define D189	L63 "." L63 "." L58 ".de"
#define D190	L63 "." L63 "." L59 ".de"
/* 18, 19 and 20 digits. */
#define N18	"999999999999999999"
#define N19	N18 "9"
#define N20	N19 "9"
#define X100	A100			/* a 100-octet ENVID */

/* ---- helpers ---------------------------------------------------------- */

/* A refusal carries code and text "<enhanced code> <words>". */
static void
check_reply(const struct smtp_reply *rep, int code, const char *enh)
{
	size_t n = strlen(enh);

	ck_assert_int_eq(rep->code, code);
	ck_assert_ptr_nonnull(rep->text);
	ck_assert_msg(strncmp(rep->text, enh, n) == 0 && rep->text[n] == ' ' &&
	    rep->text[n + 1] != '\0', "reply \"%s\" does not start with \"%s \"",
	    rep->text, enh);
}

/* On success the reply must be left alone. */
static void
check_untouched(const struct smtp_reply *rep)
{
	ck_assert_int_eq(rep->code, 0);
	ck_assert_ptr_null(rep->text);
}

/* ---- smtp_parse_command ----------------------------------------------- */

struct cmd_row {
	const char	*line;
	size_t		 len;
	int		 rc;
	enum smtp_verb	 verb;
	const char	*arg;	/* expected argument; "" for none */
	int		 code;	/* on -1 */
};

#define CMD(l, v, a)	{ LINE(l), 0, v, a, 0 }
#define CMDERR(l)	{ LINE(l), -1, SMTP_UNKNOWN, "", 500 }

static const struct cmd_row cmd_rows[] = {
	CMD("HELO mx.example", SMTP_HELO, "mx.example"),
	CMD("ehlo mx.example", SMTP_EHLO, "mx.example"),
	CMD("EhLo mx.example", SMTP_EHLO, "mx.example"),
	CMD("MAIL FROM:<a@b.example>", SMTP_MAIL, "FROM:<a@b.example>"),
	CMD("mail from:<>", SMTP_MAIL, "from:<>"),
	CMD("MAIL", SMTP_MAIL, ""),
	CMD("RCPT TO:<a@b.example> NOTIFY=NEVER", SMTP_RCPT,
	    "TO:<a@b.example> NOTIFY=NEVER"),
	CMD("DATA", SMTP_DATA, ""),
	CMD("data", SMTP_DATA, ""),
	CMD("DATA ", SMTP_DATA, ""),		/* lenient: one space */
	CMD("DATA  ", SMTP_DATA, " "),		/* session says 501 */
	CMD("DATA x", SMTP_DATA, "x"),		/* session says 501 */
	CMD("RSET", SMTP_RSET, ""),
	CMD("RSET now", SMTP_RSET, "now"),
	CMD("NOOP", SMTP_NOOP, ""),
	CMD("NOOP hello there", SMTP_NOOP, "hello there"),
	CMD("QUIT", SMTP_QUIT, ""),
	CMD("VRFY user", SMTP_VRFY, "user"),
	CMD("EXPN list", SMTP_EXPN, "list"),
	CMD("HELP", SMTP_HELP, ""),
	CMD("HELP MAIL", SMTP_HELP, "MAIL"),
	CMD("STARTTLS", SMTP_STARTTLS, ""),
	CMD("starttls", SMTP_STARTTLS, ""),
	CMD("BDAT 1000 LAST", SMTP_BDAT, "1000 LAST"),
	CMD("AUTH PLAIN dGVzdA==", SMTP_AUTH, "PLAIN dGVzdA=="),
	/* Not verbs: glued, shortened, lengthened, padded. */
	CMD("MAILFROM:<a@b.example>", SMTP_UNKNOWN, ""),
	CMD("MAIL:FROM:<>", SMTP_UNKNOWN, ""),
	CMD("DATAX", SMTP_UNKNOWN, ""),
	CMD("DAT", SMTP_UNKNOWN, ""),
	CMD("STARTTLSX", SMTP_UNKNOWN, ""),
	CMD(" MAIL FROM:<>", SMTP_UNKNOWN, "MAIL FROM:<>"),
	CMD("MAIL\tFROM:<>", SMTP_UNKNOWN, ""),	/* TAB tolerated, no verb */
	CMD("", SMTP_UNKNOWN, ""),
	CMD("XYZZY plugh", SMTP_UNKNOWN, "plugh"),
	CMD(A1100, SMTP_UNKNOWN, ""),		/* length is the reader's */
	/* UTF-8 and TAB in the argument are allowed. */
	CMD("NOOP \xc3\xa4", SMTP_NOOP, "\xc3\xa4"),
	CMD("RCPT TO:<j\xc3\xb6ran@b.example>", SMTP_RCPT,
	    "TO:<j\xc3\xb6ran@b.example>"),
	CMD("NOOP a\tb", SMTP_NOOP, "a\tb"),
	/* NUL, controls and non-ASCII verbs. */
	CMDERR("MA\0IL FROM:<>"),
	CMDERR("MAIL FROM:<a\0@b.example>"),
	CMDERR("RCPT TO:<a@b.example>\0"),
	CMDERR("\0"),
	CMDERR("MAIL FROM:<a@b.example>\r"),
	CMDERR("RCPT TO:<a@b.example>\nDATA"),
	CMDERR("QUIT\x7f"),
	CMDERR("HELO\x01"),
	CMDERR("\x1b[0m"),
	CMDERR("M\xc3\x84IL FROM:<>"),
	CMDERR("\xff"),
	CMDERR("DATA\xa0"),
};

START_TEST(test_command)
{
	const struct cmd_row *r = &cmd_rows[_i];
	struct smtp_command cmd = { (enum smtp_verb)99, NULL };
	struct smtp_reply rep = { 0, NULL };
	char *buf = malloc(r->len > 0 ? r->len : 1);
	size_t alen = strlen(r->arg);
	int rc;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, r->line, r->len);	/* no NUL after: reads past len trap */
	rc = smtp_parse_command(buf, r->len, &cmd, &rep);
	ck_assert_int_eq(rc, r->rc);
	ck_assert_int_eq(cmd.verb, r->verb);
	ck_assert_ptr_nonnull(cmd.arg);
	if (rc == -1) {
		check_reply(&rep, r->code, "5.5.2");
		ck_assert_str_eq(cmd.arg, "");
	} else if (alen == 0) {
		check_untouched(&rep);
		ck_assert_int_eq(cmd.arg[0], '\0');
	} else {
		check_untouched(&rep);
		ck_assert_ptr_eq(cmd.arg, buf + r->len - alen);
		ck_assert_int_eq(memcmp(cmd.arg, r->arg, alen), 0);
	}
	free(buf);
}
END_TEST

/* ---- smtp_parse_mail -------------------------------------------------- */

struct mail_row {
	const char	*arg;
	int		 rc, code;
	const char	*enh;
	const char	*sender;
	long long	 size;
	enum smtp_body	 body;
	int		 utf8;
	enum smtp_ret	 ret;
	const char	*envid;
};

#define B_NONE	SMTP_BODY_NONE
#define R_NONE	SMTP_RET_NONE
#define MOK(a, s)	{ a, 0, 0, NULL, s, -1, B_NONE, 0, R_NONE, "" }
#define MERR(a, c, e)	{ a, -1, c, e, "", -1, B_NONE, 0, R_NONE, "" }
#define MSIZE(a, n)	{ a, 0, 0, NULL, "", n, B_NONE, 0, R_NONE, "" }
#define MBODY(a, b)	{ a, 0, 0, NULL, "", -1, b, 0, R_NONE, "" }
#define MRET(a, r)	{ a, 0, 0, NULL, "", -1, B_NONE, 0, r, "" }
#define MENVID(a, e)	{ a, 0, 0, NULL, "", -1, B_NONE, 0, R_NONE, e }
#define MUTF8(a, s)	{ a, 0, 0, NULL, s, -1, B_NONE, 1, R_NONE, "" }

static const struct mail_row mail_rows[] = {
	/* Paths. */
	MOK("FROM:<>", ""),
	MOK("from:<>", ""),
	MOK("FROM:<user@our.example>", "user@our.example"),
	MOK("FROM:<USER@OUR.EXAMPLE>", "USER@our.example"),
	MOK("FROM: <user@our.example>", "user@our.example"),
	MOK("FROM:<user@our.example.>", "user@our.example"),
	MOK("FROM:<@a.example,@b.example:user@our.example>",
	    "user@our.example"),
	MOK("FROM:<user@[192.0.2.1]>", "user@[192.0.2.1]"),
	MOK("FROM:<\"a b\"@our.example>", "\"a b\"@our.example"),
	MOK("FROM:<user@xn--bcher-kva.example>",
	    "user@xn--bcher-kva.example"),
	MOK("FROM:<" L64 "@our.example>", L64 "@our.example"),
	MOK("FROM:<" L64 "@" D189 ">", L64 "@" D189),
	MOK("FROM:<user@our.example> ", "user@our.example"),
	MERR("FROM:<" L65 "@our.example>", 501, "5.1.7"),
	MERR("FROM:<" L64 "@" D190 ">", 501, "5.1.7"),
	MERR("FROM:<" A1100 "@our.example>", 501, "5.1.7"),
	MERR("FROM:<user@our.example..>", 501, "5.1.7"),
	MERR("FROM:<postmaster>", 501, "5.1.7"),
	MERR("FROM:<user@localhost>", 501, "5.1.7"),
	MERR("FROM:<user @our.example>", 501, "5.1.7"),
	MERR("FROM:<<user@our.example>>", 501, "5.1.7"),
	MERR("FROM:<@a.example:>", 501, "5.1.7"),
	MERR("FROM:<@a.example,b.example:user@our.example>", 501, "5.1.7"),
	MERR("FROM:<@bad_host.example:user@our.example>", 501, "5.1.7"),
	MERR("FROM:<user@[192.0.2.256]>", 501, "5.1.7"),
	MERR("FROM:user@our.example", 501, "5.5.4"),
	MERR("FROM:<user@our.example", 501, "5.5.4"),
	MERR("FROM:<user@our.example>x", 501, "5.5.4"),
	MERR("FROM:<user@our.example>>", 501, "5.5.4"),
	MERR("FROM:  <user@our.example>", 501, "5.5.4"),
	MERR("FROM :<user@our.example>", 501, "5.5.4"),
	MERR("FROM<user@our.example>", 501, "5.5.4"),
	MERR("TO:<user@our.example>", 501, "5.5.4"),
	MERR("", 501, "5.5.4"),
	/* UTF-8 needs the SMTPUTF8 parameter. */
	MUTF8("FROM:<user@B\xc3\x9c" "CHER.example> SMTPUTF8",
	    "user@xn--bcher-kva.example"),
	MUTF8("FROM:<j\xc3\xb6ran@our.example> smtputf8",
	    "j\xc3\xb6ran@our.example"),
	MUTF8("FROM:<> SMTPUTF8", ""),
	MERR("FROM:<user@B\xc3\x9c" "CHER.example>", 553, "5.6.7"),
	MERR("FROM:<j\xc3\xb6ran@our.example>", 553, "5.6.7"),
	MERR("FROM:<j\xc3\xb6ran@our.example> BODY=8BITMIME", 553, "5.6.7"),
	MERR("FROM:<j\xff@our.example> SMTPUTF8", 501, "5.1.7"),
	MERR("FROM:<> SMTPUTF8=yes", 501, "5.5.4"),
	MERR("FROM:<> SMTPUTF8 SMTPUTF8", 501, "5.5.4"),
	/* SIZE. */
	MSIZE("FROM:<> SIZE=0", 0),
	MSIZE("FROM:<> SIZE=10485760", 10485760),
	MSIZE("FROM:<> size=007", 7),
	MSIZE("FROM:<> SIZE=" N18, 999999999999999999LL),
	MSIZE("FROM:<> SIZE=1   ", 1),
	MERR("FROM:<> SIZE=" N19, 501, "5.5.4"),
	MERR("FROM:<> SIZE=" N20, 501, "5.5.4"),
	MERR("FROM:<> SIZE=abc", 501, "5.5.4"),
	MERR("FROM:<> SIZE=-1", 501, "5.5.4"),
	MERR("FROM:<> SIZE=1k", 501, "5.5.4"),
	MERR("FROM:<> SIZE", 501, "5.5.4"),
	MERR("FROM:<> SIZE=", 501, "5.5.4"),
	MERR("FROM:<> SIZE=1 SIZE=2", 501, "5.5.4"),
	MERR("FROM:<> size=1 SIZE=1", 501, "5.5.4"),
	MERR("FROM:<> SIZE=1\tBODY=7BIT", 501, "5.5.4"),
	MERR("FROM:<> SIZE==1", 501, "5.5.4"),
	/* BODY. */
	MBODY("FROM:<> BODY=8BITMIME", SMTP_BODY_8BITMIME),
	MBODY("FROM:<> body=8bitmime", SMTP_BODY_8BITMIME),
	MBODY("FROM:<> BODY=7BIT", SMTP_BODY_7BIT),
	MERR("FROM:<> BODY=BINARYMIME", 555, "5.5.4"),
	MERR("FROM:<> BODY=binarymime", 555, "5.5.4"),
	MERR("FROM:<> BODY=8BIT", 501, "5.5.4"),
	MERR("FROM:<> BODY", 501, "5.5.4"),
	MERR("FROM:<> BODY=7BIT BODY=8BITMIME", 501, "5.5.4"),
	/* RET. */
	MRET("FROM:<> RET=FULL", SMTP_RET_FULL),
	MRET("FROM:<> ret=hdrs", SMTP_RET_HDRS),
	MERR("FROM:<> RET=ALL", 501, "5.5.4"),
	MERR("FROM:<> RET", 501, "5.5.4"),
	MERR("FROM:<> RET=FULL RET=HDRS", 501, "5.5.4"),
	/* ENVID (xtext, <= 100 octets decoded, printable). */
	MENVID("FROM:<> ENVID=QQ314159", "QQ314159"),
	MENVID("FROM:<> ENVID=a+2Bb", "a+b"),
	MENVID("FROM:<> ENVID=+20x+3D", " x="),
	MENVID("FROM:<> ENVID=" X100, X100),
	MENVID("FROM:<> ENVID=+41" A10 A60 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "A" A10 A60 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	MERR("FROM:<> ENVID=" X100 "a", 501, "5.5.4"),
	MERR("FROM:<> ENVID=+zz", 501, "5.5.4"),
	MERR("FROM:<> ENVID=a+2", 501, "5.5.4"),
	MERR("FROM:<> ENVID=+00", 501, "5.5.4"),
	MERR("FROM:<> ENVID=+0A", 501, "5.5.4"),
	MERR("FROM:<> ENVID=+C3+A4", 501, "5.5.4"),
	MERR("FROM:<> ENVID", 501, "5.5.4"),
	MERR("FROM:<> ENVID=a ENVID=b", 501, "5.5.4"),
	/* AUTH= is checked and ignored. */
	MOK("FROM:<> AUTH=<>", ""),
	MOK("FROM:<user@our.example> AUTH=user+2Bx@our.example",
	    "user@our.example"),
	MERR("FROM:<> AUTH=+zz", 501, "5.5.4"),
	/* Everything together, and unknown or malformed parameters. */
	{ "FROM:<user@our.example> SIZE=100 BODY=8BITMIME RET=HDRS "
	  "ENVID=id+2B1  SMTPUTF8", 0, 0, NULL, "user@our.example", 100,
	  SMTP_BODY_8BITMIME, 1, SMTP_RET_HDRS, "id+1" },
	MERR("FROM:<> FOO=bar", 555, "5.5.4"),
	MERR("FROM:<> X-FOO", 555, "5.5.4"),
	MERR("FROM:<> NOTIFY=NEVER", 555, "5.5.4"),
	MERR("FROM:<> SIZE=1 MT-PRIORITY=3", 555, "5.5.4"),
	MERR("FROM:<> =x", 501, "5.5.4"),
	MERR("FROM:<> -X", 501, "5.5.4"),
	MERR("FROM:<> <user@our.example>", 501, "5.5.4"),
	MERR("FROM:<> SIZE=\xc3\xa4", 501, "5.5.4"),
};

START_TEST(test_mail)
{
	const struct mail_row *r = &mail_rows[_i];
	struct smtp_mail m;
	struct smtp_reply rep = { 0, NULL };
	int rc;

	memset(&m, 'X', sizeof m);
	rc = smtp_parse_mail(r->arg, &m, &rep);
	ck_assert_int_eq(rc, r->rc);
	if (rc == -1)
		check_reply(&rep, r->code, r->enh);
	else
		check_untouched(&rep);
	ck_assert_str_eq(m.sender, r->sender);
	ck_assert(m.size == r->size);
	ck_assert_int_eq(m.body, r->body);
	ck_assert_int_eq(m.smtputf8, r->utf8);
	ck_assert_int_eq(m.ret, r->ret);
	ck_assert_str_eq(m.envid, r->envid);
}
END_TEST

/* ---- smtp_parse_rcpt -------------------------------------------------- */

struct rcpt_row {
	const char	*arg;
	int		 utf8;	/* MAIL carried SMTPUTF8 */
	int		 rc, code;
	const char	*enh;
	const char	*rcpt, *domain;
	int		 notify;
	const char	*orcpt;
};

#define ROK(a, u, rc, d)	{ a, u, 0, 0, NULL, rc, d, 0, "" }
#define RERR(a, u, c, e)	{ a, u, -1, c, e, "", "", 0, "" }
#define RNOTIFY(a, n)		{ a, 0, 0, 0, NULL, "u@our.example", \
				  "our.example", n, "" }
#define RORCPT(a, o)		{ a, 0, 0, 0, NULL, "u@our.example", \
				  "our.example", 0, o }
#define TO_U	"TO:<u@our.example> "

static const struct rcpt_row rcpt_rows[] = {
	ROK("TO:<user@our.example>", 0, "user@our.example", "our.example"),
	ROK("to:<USER@OUR.EXAMPLE>", 0, "USER@our.example", "our.example"),
	ROK("TO: <user@our.example>", 0, "user@our.example", "our.example"),
	/* The relay attack forms: the domain is always our.example. */
	ROK("TO:<@a.example,@b.example:user@our.example>", 0,
	    "user@our.example", "our.example"),
	ROK("TO:<@evil.example:user@our.example>", 0, "user@our.example",
	    "our.example"),
	ROK("TO:<user%other.example@our.example>", 0,
	    "user%other.example@our.example", "our.example"),
	ROK("TO:<\"user@other.example\"@our.example>", 0,
	    "\"user@other.example\"@our.example", "our.example"),
	ROK("TO:<other.example!user@our.example>", 0,
	    "other.example!user@our.example", "our.example"),
	ROK("TO:<\"a>b\"@our.example>", 0, "\"a>b\"@our.example",
	    "our.example"),
	ROK("TO:<\"a\\\"@x\"@our.example>", 0, "\"a\\\"@x\"@our.example",
	    "our.example"),
	ROK("TO:<user@our.example.>", 0, "user@our.example", "our.example"),
	ROK("TO:<user@evil.example>", 0, "user@evil.example", "evil.example"),
	/* Address literals: the literal itself is the domain. */
	ROK("TO:<user@[127.0.0.1]>", 0, "user@[127.0.0.1]", "[127.0.0.1]"),
	ROK("TO:<user@[IPv6:2001:db8::1]>", 0, "user@[IPv6:2001:db8::1]",
	    "[IPv6:2001:db8::1]"),
	RERR("TO:<user@[127.0.0.1].>", 0, 501, "5.1.3"),
	RERR("TO:<user@127.0.0.1>", 0, 501, "5.1.3"),
	RERR("TO:<user@[127.0.0.256]>", 0, 501, "5.1.3"),
	/* IDN. */
	ROK("TO:<user@B\xc3\x9c" "CHER.example>", 1,
	    "user@xn--bcher-kva.example", "xn--bcher-kva.example"),
	RERR("TO:<user@B\xc3\x9c" "CHER.example>", 0, 553, "5.6.7"),
	ROK("TO:<user@xn--bcher-kva.example>", 0,
	    "user@xn--bcher-kva.example", "xn--bcher-kva.example"),
	ROK("TO:<j\xc3\xb6ran@our.example>", 1, "j\xc3\xb6ran@our.example",
	    "our.example"),
	RERR("TO:<j\xc3\xb6ran@our.example>", 0, 553, "5.6.7"),
	RERR("TO:<@b\xc3\xbc" "cher.example:user@our.example>", 0, 553,
	    "5.6.7"),
	RERR("TO:<user@xn--zz.example>", 0, 501, "5.1.3"),
	/* postmaster without a domain, in any case. */
	ROK("TO:<postmaster>", 0, "postmaster", ""),
	ROK("TO:<PostMaster>", 0, "postmaster", ""),
	ROK("TO:<Postmaster@our.example>", 0, "Postmaster@our.example",
	    "our.example"),
	RERR("TO:<postmistress>", 0, 501, "5.1.3"),
	/* Null path, lengths, bad syntax. */
	RERR("TO:<>", 0, 501, "5.1.3"),
	RERR("TO:<> NOTIFY=NEVER", 0, 501, "5.1.3"),
	ROK("TO:<" L64 "@our.example>", 0, L64 "@our.example",
	    "our.example"),
	RERR("TO:<" L65 "@our.example>", 0, 501, "5.1.3"),
	ROK("TO:<" L64 "@" D189 ">", 0, L64 "@" D189, D189),
	RERR("TO:<" L64 "@" D190 ">", 0, 501, "5.1.3"),
	RERR("TO:<" A1100 "@our.example>", 0, 501, "5.1.3"),
	RERR("TO:<user@our.example..>", 0, 501, "5.1.3"),
	RERR("TO:<user@our.example@evil.example>", 0, 501, "5.1.3"),
	RERR("TO:<user@our.example%evil.example>", 0, 501, "5.1.3"),
	RERR("TO:<user@>", 0, 501, "5.1.3"),
	RERR("TO:<@our.example>", 0, 501, "5.1.3"),
	RERR("TO:<@:user@our.example>", 0, 501, "5.1.3"),
	RERR("TO:<@a.example:>", 0, 501, "5.1.3"),
	RERR("TO:<@a.example;user@our.example>", 0, 501, "5.1.3"),
	RERR("TO:<@a.example,user@our.example>", 0, 501, "5.1.3"),
	RERR("TO:<user @our.example>", 0, 501, "5.1.3"),
	RERR("TO:<user@our.example >", 0, 501, "5.1.3"),
	RERR("TO:<<user@our.example>>", 0, 501, "5.1.3"),
	RERR("TO:<user<x>@our.example>", 0, 501, "5.1.3"),
	RERR("TO:<user\x01@our.example>", 0, 501, "5.1.3"),
	RERR("TO:<\"user@our.example>", 0, 501, "5.5.4"),
	RERR("TO:user@our.example", 0, 501, "5.5.4"),
	RERR("TO:<user@our.example", 0, 501, "5.5.4"),
	RERR("TO:user@our.example>", 0, 501, "5.5.4"),
	RERR("TO:<user@our.example>junk", 0, 501, "5.5.4"),
	RERR("TO:  <user@our.example>", 0, 501, "5.5.4"),
	RERR("TO <user@our.example>", 0, 501, "5.5.4"),
	RERR("FROM:<user@our.example>", 0, 501, "5.5.4"),
	RERR("", 0, 501, "5.5.4"),
	/* NOTIFY. */
	RNOTIFY(TO_U "NOTIFY=NEVER", SMTP_NOTIFY_NEVER),
	RNOTIFY(TO_U "NOTIFY=SUCCESS", SMTP_NOTIFY_SUCCESS),
	RNOTIFY(TO_U "NOTIFY=SUCCESS,FAILURE",
	    SMTP_NOTIFY_SUCCESS | SMTP_NOTIFY_FAILURE),
	RNOTIFY(TO_U "notify=delay,failure,success", SMTP_NOTIFY_SUCCESS |
	    SMTP_NOTIFY_FAILURE | SMTP_NOTIFY_DELAY),
	RNOTIFY(TO_U "NOTIFY=DELAY,DELAY", SMTP_NOTIFY_DELAY),
	RERR(TO_U "NOTIFY=NEVER,SUCCESS", 0, 501, "5.5.4"),
	RERR(TO_U "NOTIFY=DELAY,NEVER", 0, 501, "5.5.4"),
	RERR(TO_U "NOTIFY=SUCCESS,", 0, 501, "5.5.4"),
	RERR(TO_U "NOTIFY=,SUCCESS", 0, 501, "5.5.4"),
	RERR(TO_U "NOTIFY=SUCCESS,,DELAY", 0, 501, "5.5.4"),
	RERR(TO_U "NOTIFY=ALWAYS", 0, 501, "5.5.4"),
	RERR(TO_U "NOTIFY=SUCCESSFAILURE", 0, 501, "5.5.4"),
	RERR(TO_U "NOTIFY", 0, 501, "5.5.4"),
	RERR(TO_U "NOTIFY=", 0, 501, "5.5.4"),
	RERR(TO_U "NOTIFY=DELAY NOTIFY=DELAY", 0, 501, "5.5.4"),
	/* ORCPT, kept as sent. */
	RORCPT(TO_U "ORCPT=rfc822;u@our.example", "rfc822;u@our.example"),
	RORCPT(TO_U "ORCPT=RFC822;a+2Bb@our.example",
	    "RFC822;a+2Bb@our.example"),
	RORCPT(TO_U "ORCPT=utf-8;u@our.example", "utf-8;u@our.example"),
	RORCPT(TO_U "ORCPT=UTF-8;j\\x{00F6}ran@our.example",
	    "UTF-8;j\\x{00F6}ran@our.example"),
	RORCPT(TO_U "ORCPT=rfc822;a+20b", "rfc822;a+20b"),
	RERR(TO_U "ORCPT=x400;foo", 0, 501, "5.5.4"),
	RERR(TO_U "ORCPT=rfc822;", 0, 501, "5.5.4"),
	RERR(TO_U "ORCPT=rfc822", 0, 501, "5.5.4"),
	RERR(TO_U "ORCPT=;u@our.example", 0, 501, "5.5.4"),
	RERR(TO_U "ORCPT=rfc822;+zz", 0, 501, "5.5.4"),
	RERR(TO_U "ORCPT=rfc822;a+0Ab", 0, 501, "5.5.4"),
	RERR(TO_U "ORCPT=rfc822;a+00b", 0, 501, "5.5.4"),
	RERR(TO_U "ORCPT=utf-8;j\xc3\xb6ran@our.example", 1, 501, "5.5.4"),
	RERR(TO_U "ORCPT", 0, 501, "5.5.4"),
	RERR(TO_U "ORCPT=rfc822;a ORCPT=rfc822;b", 0, 501, "5.5.4"),
	RERR(TO_U "ORCPT=rfc822;" A100 A100 A100 A100 A100 A100, 0, 501,
	    "5.5.4"),
	/* Both, and what RCPT does not take. */
	{ TO_U "NOTIFY=FAILURE,DELAY ORCPT=rfc822;u@our.example ", 0, 0, 0,
	  NULL, "u@our.example", "our.example",
	  SMTP_NOTIFY_FAILURE | SMTP_NOTIFY_DELAY, "rfc822;u@our.example" },
	RERR(TO_U "SIZE=10", 0, 555, "5.5.4"),
	RERR(TO_U "SMTPUTF8", 0, 555, "5.5.4"),
	RERR(TO_U "FOO", 0, 555, "5.5.4"),
	RERR(TO_U "<x@evil.example>", 0, 501, "5.5.4"),
	RERR(TO_U "NOTIFY=NEVER,", 0, 501, "5.5.4"),
};

START_TEST(test_rcpt)
{
	const struct rcpt_row *r = &rcpt_rows[_i];
	struct smtp_rcpt rc_out;
	struct smtp_reply rep = { 0, NULL };
	int rc;

	memset(&rc_out, 'X', sizeof rc_out);
	rc = smtp_parse_rcpt(r->arg, r->utf8, &rc_out, &rep);
	ck_assert_int_eq(rc, r->rc);
	if (rc == -1)
		check_reply(&rep, r->code, r->enh);
	else
		check_untouched(&rep);
	ck_assert_str_eq(rc_out.rcpt, r->rcpt);
	ck_assert_str_eq(rc_out.domain, r->domain);
	ck_assert_int_eq(rc_out.notify, r->notify);
	ck_assert_str_eq(rc_out.orcpt, r->orcpt);
}
END_TEST

/* ---- smtp_parse_helo -------------------------------------------------- */

struct helo_row {
	const char	*arg;
	size_t		 outsz;	/* 0: VALID_NAME_MAX */
	int		 rc;
	const char	*out;
	const char	*enh;	/* on -1, with code 501 */
};

#define HOK(a, o)	{ a, 0, 0, o, NULL }
#define HERR(a)		{ a, 0, -1, "", "5.5.4" }

static const struct helo_row helo_rows[] = {
	HOK("mx.example", "mx.example"),
	HOK("MX.Example.ORG", "mx.example.org"),
	HOK("localhost", "localhost"),
	HOK("mx.example.", "mx.example"),
	HOK(" mx.example\t ", "mx.example"),
	HOK("b\xc3\xbc" "cher.example", "xn--bcher-kva.example"),
	HOK("[192.0.2.1]", "[192.0.2.1]"),
	HOK("[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]"),
	HOK("[ipv6:::1]", "[ipv6:::1]"),
	HOK(L63 ".example", L63 ".example"),
	{ "mx.example", 5, 0, "mx.e", NULL },	/* cut to outsz */
	{ "mx.example", 1, 0, "", NULL },
	HERR(""),
	HERR("   "),
	HERR("mx example"),
	HERR("mx_host.example"),
	HERR("mx..example"),
	HERR("-mx.example"),
	HERR("."),
	HERR("mx.example.."),
	HERR("192.0.2.1"),
	HERR(L64 ".example"),
	HERR(A1100),
	HERR("[192.0.2.256]"),
	HERR("[2001:db8::1]"),
	HERR("[IPv6:192.0.2.1]"),
	HERR("[IPv6:]"),
	HERR("[IPv6]"),
	HERR("[]"),
	HERR("["),
	HERR("[192.0.2.1"),
	HERR("[192.0.2.1]x"),
	HERR("[x:192.0.2.1]"),
	HERR("mx.example\xff"),
	HERR("<mx.example>"),
};

START_TEST(test_helo)
{
	const struct helo_row *r = &helo_rows[_i];
	size_t sz = r->outsz != 0 ? r->outsz : VALID_NAME_MAX;
	struct smtp_reply rep = { 0, NULL };
	char *out = malloc(sz);
	int rc;

	ck_assert_ptr_nonnull(out);
	memset(out, 'X', sz);
	rc = smtp_parse_helo(r->arg, out, sz, &rep);
	ck_assert_int_eq(rc, r->rc);
	if (rc == -1)
		check_reply(&rep, 501, r->enh);
	else
		check_untouched(&rep);
	ck_assert_str_eq(out, r->out);
	free(out);
}
END_TEST

/* ---- smtp_xtext_decode ------------------------------------------------ */

struct xtext_row {
	const char	*in;
	size_t		 outsz;
	int		 rc;
	const char	*out;
};

static const struct xtext_row xtext_rows[] = {
	{ "", 1, 0, "" },
	{ "abc", 4, 0, "abc" },
	{ "abc", 3, -1, "" },		/* no room for the NUL */
	{ "a+2Bb", 4, 0, "a+b" },
	{ "a+2bb", 4, 0, "a+b" },	/* lower-case hex tolerated */
	{ "+3D", 2, 0, "=" },
	{ "+C3+A4", 3, 0, "\xc3\xa4" },
	{ "~!<>", 5, 0, "~!<>" },
	{ "+zz", 8, -1, "" },
	{ "+2", 8, -1, "" },
	{ "+", 8, -1, "" },
	{ "ab+", 8, -1, "" },
	{ "+g0", 8, -1, "" },
	{ "+00", 8, -1, "" },		/* a NUL cannot be returned */
	{ "a=b", 8, -1, "" },
	{ "a b", 8, -1, "" },
	{ "a\tb", 8, -1, "" },
	{ "\xc3\xa4", 8, -1, "" },
	{ "abcdef+zz", 16, -1, "" },	/* failure clears the partial output */
	{ NULL, 8, -1, "" },
};

START_TEST(test_xtext)
{
	const struct xtext_row *r = &xtext_rows[_i];
	char *out = malloc(r->outsz);

	ck_assert_ptr_nonnull(out);
	memset(out, 'X', r->outsz);
	ck_assert_int_eq(smtp_xtext_decode(r->in, out, r->outsz), r->rc);
	ck_assert_str_eq(out, r->out);
	free(out);
}
END_TEST

/* ---- NULL arguments --------------------------------------------------- */

START_TEST(test_null_args)
{
	struct smtp_command cmd;
	struct smtp_mail m;
	struct smtp_rcpt r;
	struct smtp_reply rep = { 0, NULL };
	char out[8];

	ck_assert_int_eq(smtp_parse_command(NULL, 4, &cmd, &rep), -1);
	check_reply(&rep, 500, "5.5.2");
	ck_assert_int_eq(cmd.verb, SMTP_UNKNOWN);
	ck_assert_str_eq(cmd.arg, "");
	ck_assert_int_eq(smtp_parse_command("QUIT", 4, NULL, &rep), -1);
	ck_assert_int_eq(smtp_parse_command("QUIT", 4, &cmd, NULL), 0);
	ck_assert_int_eq(cmd.verb, SMTP_QUIT);
	ck_assert_int_eq(smtp_parse_command("QU\0T", 4, &cmd, NULL), -1);

	rep.code = 0;
	ck_assert_int_eq(smtp_parse_mail(NULL, &m, &rep), -1);
	check_reply(&rep, 501, "5.5.4");
	ck_assert_str_eq(m.sender, "");
	ck_assert(m.size == -1);
	ck_assert_int_eq(smtp_parse_mail("FROM:<>", NULL, &rep), -1);
	ck_assert_int_eq(smtp_parse_mail("FROM:<>", &m, NULL), 0);
	ck_assert_int_eq(smtp_parse_mail("FROM:<> FOO", &m, NULL), -1);

	rep.code = 0;
	ck_assert_int_eq(smtp_parse_rcpt(NULL, 0, &r, &rep), -1);
	check_reply(&rep, 501, "5.5.4");
	ck_assert_str_eq(r.rcpt, "");
	ck_assert_int_eq(smtp_parse_rcpt("TO:<a@b.example>", 0, NULL, &rep),
	    -1);
	ck_assert_int_eq(smtp_parse_rcpt("TO:<a@b.example>", 0, &r, NULL), 0);
	ck_assert_int_eq(smtp_parse_rcpt("TO:<>", 0, &r, NULL), -1);

	rep.code = 0;
	memset(out, 'X', sizeof out);
	ck_assert_int_eq(smtp_parse_helo(NULL, out, sizeof out, &rep), -1);
	check_reply(&rep, 501, "5.5.4");
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(smtp_parse_helo("mx.example", NULL, 0, NULL), 0);
	ck_assert_int_eq(smtp_parse_helo("mx.example", out, 0, NULL), 0);
	ck_assert_int_eq(smtp_parse_helo("bad_name", NULL, 0, NULL), -1);

	ck_assert_int_eq(smtp_xtext_decode("abc", NULL, 8), -1);
	ck_assert_int_eq(smtp_xtext_decode("abc", out, 0), -1);
}
END_TEST

/* ---- suite ------------------------------------------------------------ */

static void
add_table(Suite *s, const char *name, const TTest *t, int rows)
{
	TCase *tc = tcase_create(name);

	tcase_add_loop_test(tc, t, 0, rows);
	suite_add_tcase(s, tc);
}

static Suite *
smtp_parse_suite(void)
{
	Suite *s = suite_create("smtp_parse");
	TCase *tc;

	add_table(s, "command", test_command, NROWS(cmd_rows));
	add_table(s, "mail", test_mail, NROWS(mail_rows));
	add_table(s, "rcpt", test_rcpt, NROWS(rcpt_rows));
	add_table(s, "helo", test_helo, NROWS(helo_rows));
	add_table(s, "xtext", test_xtext, NROWS(xtext_rows));
	tc = tcase_create("null_args");
	tcase_add_test(tc, test_null_args);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(smtp_parse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
