import { publicOrigin } from "./handle";

export const PAGINATION_TYPE = "application/jupyterhub-pagination+json";

/**
 * JupyterHub's list answer: a plain array, or, for clients that accept
 * application/jupyterhub-pagination+json (the idle culler does), the page with its offset,
 * limit, total and the full URL of the next page.
 */
export function paginatedJson<T>(req: Request, page: { offset: number; limit: number }, list: { items: T[]; total: number }): Response {
  if (!req.headers.get("accept")?.includes(PAGINATION_TYPE)) return Response.json(list.items);
  const nextOffset = page.offset + page.limit;
  let next = null;
  if (nextOffset < list.total) {
    const url = new URL(req.url);
    url.searchParams.set("offset", String(nextOffset));
    url.searchParams.set("limit", String(page.limit));
    next = { offset: nextOffset, limit: page.limit, url: `${publicOrigin(req)}${url.pathname}${url.search}` };
  }
  return Response.json({ items: list.items, _pagination: { offset: page.offset, limit: page.limit, total: list.total, next } });
}
