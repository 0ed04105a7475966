/*
 * adate — the date formats of the AutoDNS API.
 *
 * JSON answers carry "2019-09-19T12:40:02.000+0200" (milliseconds and a
 * numeric zone; we always write UTC, "+0000"); the XML gateway carries
 * "2019-09-19 12:40:02".  adate_parse() reads what clients put in query
 * filters: either of those forms, ISO 8601 with "Z" or "+HH:MM", or a
 * plain date (midnight UTC).
 *
 * Errors: adate_parse() returns 0, or -1 for anything else (out-of-range
 * fields included).  Buffers are the caller's (ADATE_MAX bytes).
 */
#ifndef BMX_ADATE_H
#define BMX_ADATE_H

#include <stdint.h>

#define ADATE_MAX 32

/* "2019-09-19T12:40:02.000+0000" (UTC). */
char	*adate_format(int64_t t, char buf[ADATE_MAX]);
/* "2019-09-19 12:40:02" (UTC), the XML gateway's form. */
char	*adate_format_xml(int64_t t, char buf[ADATE_MAX]);
/* Seconds since the epoch of a date as described above. */
int	 adate_parse(const char *s, int64_t *t);

#endif
