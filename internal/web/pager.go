package web

import (
	"net/url"
	"strconv"
)

// Pager is where a paged list's other pages are: the same filter, another page. The template
// "web/pager" shows it.
type Pager struct {
	Page, Pages int
	Prev, Next  string // the addresses of the previous and the next page, "" at the ends
}

// NewPager pages total items, per a page, for the list at path with its filter (the query without its
// page; it is not changed). Page 1 goes without a page parameter, so its address is the list's own.
func NewPager(path string, filter url.Values, page int, total int64, per int) Pager {
	pages := max(int((total+int64(per)-1)/int64(per)), 1)
	page = min(max(page, 1), max(pages, page))
	link := func(n int) string {
		q := url.Values{}
		for k, vs := range filter {
			q[k] = vs
		}
		q.Del("page")
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return path
		}
		return path + "?" + q.Encode()
	}
	p := Pager{Page: page, Pages: pages}
	if page > 1 {
		p.Prev = link(min(page-1, pages))
	}
	if page < pages {
		p.Next = link(page + 1)
	}
	return p
}
