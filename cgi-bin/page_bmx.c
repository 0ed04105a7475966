/*
 * page_bmx — the bmx pages of the panel.
 */
#include "page.h"

const struct page_route page_bmx_routes[] = {
	{ NULL, 0, NULL }
};
