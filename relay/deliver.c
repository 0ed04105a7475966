/*
 * deliver — see deliver.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "deliver.h"
#include "util.h"

#define CONNECT_TIMEOUT 30L
#define REPLY_TIMEOUT 300L

struct deliver_conn {
	CURL	*h;
	char	 ehlo[256];
};

/* What the protocol trace tells us, command by command. */
enum trace_cmd { T_NONE, T_MAIL, T_RCPT, T_DATA, T_BODY };

struct trace {
	enum trace_cmd		 cmd;
	size_t			 rcpt_sent;	/* RCPT TO: lines seen */
	struct deliver_rcpt	*rcpt;
	size_t			 n;
	int			 mail_code, data_code;
	char			 mail_text[DELIVER_TEXT_MAX];
	char			 data_text[DELIVER_TEXT_MAX];
	char			 last_text[DELIVER_TEXT_MAX];	/* any reply */
};

enum deliver_outcome
deliver_decide(int transport_ok, int code)
{
	if (!transport_ok || code < 200)
		return DELIVER_DEFER;
	if (code < 300)
		return DELIVER_SENT;
	if (code >= 500 && code < 600)
		return DELIVER_BOUNCE;
	return DELIVER_DEFER;
}

/* Copy a reply line without its line end or control characters. */
static void
trace_copy(char *dst, const char *src, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o < DELIVER_TEXT_MAX - 1; i++)
		if (src[i] != '\r' && src[i] != '\n')
			dst[o++] = (unsigned char)src[i] < 0x20 ? ' ' : src[i];
	dst[o] = '\0';
}

static void
trace_out(struct trace *t, const char *p, size_t len)
{
	if (len >= 8 && strncasecmp(p, "RCPT TO:", 8) == 0) {
		t->cmd = T_RCPT;
		t->rcpt_sent++;
	} else if (len >= 10 && strncasecmp(p, "MAIL FROM:", 10) == 0)
		t->cmd = T_MAIL;
	else if (len >= 4 && strncasecmp(p, "DATA", 4) == 0)
		t->cmd = T_DATA;
	else
		t->cmd = T_NONE;
}

/* A final reply line ("250 ..." not "250-..."): give it to its command. */
static void
trace_in(struct trace *t, const char *p, size_t len)
{
	struct deliver_rcpt *r;
	int code;

	if (len < 4 || !isdigit((unsigned char)p[0]) || p[3] == '-')
		return;
	code = atoi(p);
	trace_copy(t->last_text, p, len);
	switch (t->cmd) {
	case T_MAIL:
		t->mail_code = code;
		util_strlcpy(t->mail_text, t->last_text, DELIVER_TEXT_MAX);
		break;
	case T_RCPT:
		if (t->rcpt_sent == 0 || t->rcpt_sent > t->n)
			break;
		r = &t->rcpt[t->rcpt_sent - 1];
		r->code = code;
		util_strlcpy(r->text, t->last_text, DELIVER_TEXT_MAX);
		break;
	case T_DATA:
		if (code == 354)
			t->cmd = T_BODY;
		else {
			t->data_code = code;
			util_strlcpy(t->data_text, t->last_text,
			    DELIVER_TEXT_MAX);
		}
		break;
	case T_BODY:
		t->data_code = code;
		util_strlcpy(t->data_text, t->last_text, DELIVER_TEXT_MAX);
		t->cmd = T_NONE;
		break;
	case T_NONE:
		break;
	}
}

static int
trace_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	(void)h;
	if (type == CURLINFO_HEADER_OUT)
		trace_out(arg, data, size);
	else if (type == CURLINFO_HEADER_IN)
		trace_in(arg, data, size);
	return 0;
}

static size_t
read_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	return fread(buf, 1, size * nmemb, arg);
}

struct deliver_conn *
deliver_conn_new(const char *myhostname)
{
	struct deliver_conn *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->h = curl_easy_init()) == NULL) {
		free(c);
		return NULL;
	}
	util_strlcpy(c->ehlo, myhostname, sizeof(c->ehlo));
	return c;
}

struct deliver_conn *
deliver_conn_free(struct deliver_conn *c)
{
	if (c != NULL) {
		curl_easy_cleanup(c->h);
		free(c);
	}
	return NULL;
}

static void
deliver_url(const struct deliver_target *t, const char *ehlo, char *url,
    size_t urlsz)
{
	snprintf(url, urlsz, strchr(t->ip, ':') != NULL ?
	    "smtp://[%s]:%d/%s" : "smtp://%s:%d/%s", t->ip, t->port, ehlo);
}

static void
deliver_common(CURL *h, const char *url)
{
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, REPLY_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, REPLY_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
}

/* Per-recipient outcomes from the trace; see deliver_message(). */
static void
deliver_settle(struct trace *t, int transport_ok)
{
	struct deliver_rcpt *r;
	const char *text;
	int code;
	size_t i;

	for (i = 0; i < t->n; i++) {
		r = &t->rcpt[i];
		if (!transport_ok) {
			code = 0;		/* what curl said went wrong */
			text = t->last_text;
		} else if (t->mail_code >= 400) {
			code = t->mail_code;	/* sender refused: everyone */
			text = t->mail_text;
		} else if (r->code >= 200 && r->code < 300) {
			code = t->data_code;	/* accepted: the text decides */
			text = t->data_code ? t->data_text : t->last_text;
		} else {
			code = r->code;
			text = r->text;
		}
		r->outcome = deliver_decide(transport_ok && code != 0, code);
		if (text != r->text)
			util_strlcpy(r->text, text, DELIVER_TEXT_MAX);
		if (r->text[0] == '\0')
			util_strlcpy(r->text, "lost connection with the primary",
			    DELIVER_TEXT_MAX);
	}
}

/* The enhanced status code of a reply, or one made from the outcome. */
static void
deliver_dsn(struct deliver_rcpt *r)
{
	const char *p = r->text;
	size_t n;

	if (strlen(p) > 4 && isdigit((unsigned char)p[0]))
		p += 4;
	n = strspn(p, "0123456789.");
	if (n >= 5 && n < sizeof(r->dsn) && (p[0] == '2' || p[0] == '4' ||
	    p[0] == '5') && p[1] == '.') {
		memcpy(r->dsn, p, n);
		r->dsn[n] = '\0';
		/* A 2.x.x text on a deferral would mislead: trust outcome. */
		if ((r->outcome == DELIVER_DEFER && p[0] != '4') ||
		    (r->outcome == DELIVER_BOUNCE && p[0] != '5'))
			r->dsn[0] = r->outcome == DELIVER_DEFER ? '4' : '5';
		return;
	}
	snprintf(r->dsn, sizeof(r->dsn), "%s", r->outcome == DELIVER_SENT ?
	    "2.0.0" : r->outcome == DELIVER_BOUNCE ? "5.0.0" : "4.4.2");
}

int
deliver_message(struct deliver_conn *c, const struct deliver_target *tg,
    const char *sender, const char *path, int64_t size,
    struct deliver_rcpt *rcpt, size_t n, struct deliver_times *tm)
{
	struct curl_slist *rl = NULL;
	struct trace t;
	char url[512], err[CURL_ERROR_SIZE] = "";
	FILE *fp;
	CURLcode rc;
	size_t i;
	int transport_ok;

	memset(&t, 0, sizeof(t));
	t.rcpt = rcpt;
	t.n = n;
	for (i = 0; i < n; i++) {
		rcpt[i].code = 0;
		rcpt[i].text[0] = '\0';
		rl = curl_slist_append(rl, rcpt[i].address);
	}
	if ((fp = fopen(path, "rb")) == NULL) {
		for (i = 0; i < n; i++) {
			rcpt[i].outcome = DELIVER_DEFER;
			snprintf(rcpt[i].text, DELIVER_TEXT_MAX, "cannot read "
			    "the queue file %s", path);
			util_strlcpy(rcpt[i].dsn, "4.3.0", sizeof(rcpt[i].dsn));
		}
		curl_slist_free_all(rl);
		return 0;
	}
	curl_easy_reset(c->h);
	deliver_url(tg, c->ehlo, url, sizeof(url));
	deliver_common(c->h, url);
	curl_easy_setopt(c->h, CURLOPT_MAIL_FROM, sender);
	curl_easy_setopt(c->h, CURLOPT_MAIL_RCPT, rl);
	curl_easy_setopt(c->h, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
	curl_easy_setopt(c->h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)size);
	curl_easy_setopt(c->h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c->h, CURLOPT_READDATA, fp);
	curl_easy_setopt(c->h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c->h, CURLOPT_DEBUGFUNCTION, trace_cb);
	curl_easy_setopt(c->h, CURLOPT_DEBUGDATA, &t);
	curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, err);
	rc = curl_easy_perform(c->h);
	fclose(fp);
	curl_slist_free_all(rl);
	memset(tm, 0, sizeof(*tm));
	curl_easy_getinfo(c->h, CURLINFO_CONNECT_TIME, &tm->connect);
	curl_easy_getinfo(c->h, CURLINFO_PRETRANSFER_TIME, &tm->pretransfer);
	curl_easy_getinfo(c->h, CURLINFO_TOTAL_TIME, &tm->total);
	/* Trust the replies when the transaction ran to its end: curl said
	 * OK, or the primary answered the end of data, or it refused the
	 * sender or every recipient (curl then stops before DATA). */
	transport_ok = rc == CURLE_OK || t.data_code != 0 || t.mail_code >= 400;
	if (!transport_ok && t.rcpt_sent == n && n > 0) {
		transport_ok = 1;
		for (i = 0; i < n; i++)
			if (rcpt[i].code == 0 || (rcpt[i].code >= 200 &&
			    rcpt[i].code < 300))
				transport_ok = 0;
	}
	if (!transport_ok)
		snprintf(t.last_text, sizeof(t.last_text), "%s",
		    err[0] ? err : curl_easy_strerror(rc));
	deliver_settle(&t, transport_ok);
	for (i = 0; i < n; i++)
		deliver_dsn(&rcpt[i]);
	return transport_ok ? 0 : -1;
}

int
deliver_probe(const struct deliver_target *tg, const char *myhostname,
    char *why, size_t whysz)
{
	char url[512], err[CURL_ERROR_SIZE] = "";
	CURL *h;
	CURLcode rc;
	long code = 0;

	if ((h = curl_easy_init()) == NULL) {
		snprintf(why, whysz, "out of memory");
		return -1;
	}
	deliver_url(tg, myhostname, url, sizeof(url));
	deliver_common(h, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "NOOP");
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	if (rc == CURLE_OK && code >= 200 && code < 300)
		return 0;
	snprintf(why, whysz, "%s", err[0] ? err : curl_easy_strerror(rc));
	return -1;
}
