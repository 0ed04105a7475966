/*
 * page_order — the order pages of the panel.
 */
#include "page.h"

const struct page_route page_order_routes[] = {
	{ NULL, 0, NULL }
};
