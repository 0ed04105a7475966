/*
 * fuzz_zone — libFuzzer target for core/zone.c's record checks and
 * rules between records and core/zone_render.c's master file.  Input:
 * fields separated by 0x1f (so a field may hold a line break): the
 * zone, the name servers, the hostmaster, then groups of five (name,
 * type, TTL, preference, value) as a customer types a record.
 *
 * Oracle beyond the sanitizers: a checked record has a known type, a
 * TTL in range, a preference 0..65535 for MX only, and no control
 * character anywhere; a refusal names a reason for every bad field.
 * Records that pass zone_rec_conflict() are rendered, and the master
 * file must read back line by line: every line ends in LF, holds no
 * control character but TAB, a record line is "name TAB ttl TAB IN TAB
 * type TAB rdata" with as many record lines as records, and every TXT
 * string is quoted, escaped, and at most 255 octets once unescaped.
 */
#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zone.h"

#define FUZZ_RECS	24
#define FUZZ_FIELDS	(3 + 5 * FUZZ_RECS)

/* One TXT rdata: "..." "..." with escapes; -1 when malformed. */
static int
fuzz_txt(const char *p)
{
	size_t octets;

	for (;;) {
		if (*p++ != '"')
			return -1;
		for (octets = 0; *p != '"'; octets++) {
			if (*p == '\0')
				return -1;
			if (*p == '\\' && isdigit((unsigned char)p[1])) {
				if (!isdigit((unsigned char)p[2]) ||
				    !isdigit((unsigned char)p[3]) ||
				    atoi((char[]){ p[1], p[2], p[3], 0 }) > 255)
					return -1;
				p += 4;
			} else if (*p == '\\') {
				if (p[1] == '\0')
					return -1;
				p += 2;
			} else
				p++;
		}
		if (octets > 255)
			return -1;
		p++;
		if (*p == '\0')
			return 0;
		if (*p++ != ' ')
			return -1;
	}
}

/* One record line: name, ttl, IN, type, rdata. */
static void
fuzz_rec_line(char *line)
{
	char *f[5], *save = NULL;
	int i;

	f[0] = strtok_r(line, "\t", &save);
	for (i = 1; i < 4; i++)
		f[i] = strtok_r(NULL, "\t", &save);
	f[4] = save;
	for (i = 0; i < 4; i++)
		assert(f[i] != NULL && *f[i] != '\0');
	assert(f[4] != NULL && *f[4] != '\0' && strchr(f[4], '\t') == NULL);
	assert(strspn(f[1], "0123456789") == strlen(f[1]));
	assert(strcmp(f[2], "IN") == 0);
	if (strcmp(f[3], "TXT") == 0)
		assert(fuzz_txt(f[4]) == 0);
	else
		assert((strchr(f[4], '"') == NULL && strchr(f[4], ' ') ==
		    NULL) || strcmp(f[3], "MX") == 0 || strcmp(f[3], "SOA")
		    == 0);
}

static void
fuzz_master(char *text, size_t nrecs)
{
	char *line = text, *nl;
	size_t nrr = 0, len = strlen(text);
	const unsigned char *p;

	assert(len > 0 && text[len - 1] == '\n');
	for (p = (const unsigned char *)text; *p != '\0'; p++)
		assert(*p == '\n' || *p == '\t' || (*p >= 0x20 && *p < 0x7f));
	for (; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		if (*line == ';' || *line == '$')
			continue;
		fuzz_rec_line(line);
		nrr++;
	}
	assert(nrr >= nrecs + 2);	/* SOA and at least one NS */
}

static void
fuzz_checked(const struct zone_rec *r)
{
	const unsigned char *p;

	assert(strcmp(r->type, "MX") == 0 || strcmp(r->type, "A") == 0 ||
	    strcmp(r->type, "AAAA") == 0 || strcmp(r->type, "CNAME") == 0 ||
	    strcmp(r->type, "TXT") == 0);
	assert(r->ttl >= ZONE_TTL_MIN && r->ttl <= ZONE_TTL_MAX);
	assert(strcmp(r->type, "MX") == 0 ? r->pref >= 0 && r->pref <= 65535 :
	    r->pref == 0);
	assert(r->name[0] != '\0' && r->value[0] != '\0');
	for (p = (const unsigned char *)r->name; *p != '\0'; p++)
		assert(*p > 0x20 && *p < 0x7f);
	for (p = (const unsigned char *)r->value; *p != '\0'; p++)
		assert(*p >= 0x20 && *p != 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zone_rec recs[FUZZ_RECS];
	char *buf, *f[FUZZ_FIELDS], *p, *text, err[ZONE_MSG_MAX];
	char zone[VALID_NAME_MAX], ulabel[VALID_NAME_MAX * 4];
	char errs[ZONE_NFIELDS][VALID_ERR_MAX], verr[VALID_ERR_MAX];
	struct zone_soa soa;
	struct zone_rec r;
	size_t nf = 0, n = 0, i;
	int bad, k;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = buf; nf < FUZZ_FIELDS; p++) {
		f[nf++] = p;
		if ((p = strchr(p, '\x1f')) == NULL)
			break;
		*p = '\0';
	}
	if (nf < 3 || valid_domain(f[0], zone, ulabel, verr) == -1)
		strcpy(zone, "example.de");
	for (i = 3; i + 5 <= nf; i += 5) {
		struct zone_input in = { f[i], f[i + 1], f[i + 2], f[i + 3],
		    f[i + 4] };

		bad = zone_rec_check(zone, &in, &r, errs);
		for (k = 0; k < ZONE_NFIELDS; k++)
			bad -= errs[k][0] != '\0';
		assert(bad == 0);	/* each bad field has its reason */
		if (errs[0][0] || errs[1][0] || errs[2][0] || errs[3][0] ||
		    errs[4][0])
			continue;
		fuzz_checked(&r);
		err[0] = '\0';
		if (zone_rec_conflict(zone, &r, recs, n, err) == -1) {
			assert(err[0] != '\0');
			continue;
		}
		r.id = (int64_t)n + 1;
		recs[n++] = r;
	}
	soa.origin = zone;
	soa.serial = zone_serial_next((int64_t)size * 7919, (int64_t)size *
	    86399);
	soa.nameservers = nf > 1 ? f[1] : "ns1.example.net ns2.example.net";
	soa.hostmaster = nf > 2 ? f[2] : "hostmaster@example.net";
	if ((text = zone_render(&soa, recs, n)) != NULL) {
		fuzz_master(text, n);
		free(text);
	}
	free(buf);
	return 0;
}
