package web

import (
	"net/url"
	"testing"
)

func TestPager(t *testing.T) {
	filter := url.Values{"q": {"вода"}, "page": {"3"}}
	cases := []struct {
		page  int
		total int64
		want  Pager
		name  string
	}{
		{1, 0, Pager{Page: 1, Pages: 1}, "empty list: one page, no links"},
		{1, 50, Pager{Page: 1, Pages: 1}, "one full page"},
		{1, 51, Pager{Page: 1, Pages: 2, Next: "/list?page=2&q=%D0%B2%D0%BE%D0%B4%D0%B0"}, "first of two"},
		{2, 51, Pager{Page: 2, Pages: 2, Prev: "/list?q=%D0%B2%D0%BE%D0%B4%D0%B0"}, "last: the first page has no number"},
		{3, 160, Pager{Page: 3, Pages: 4, Prev: "/list?page=2&q=%D0%B2%D0%BE%D0%B4%D0%B0", Next: "/list?page=4&q=%D0%B2%D0%BE%D0%B4%D0%B0"}, "middle"},
		{9, 60, Pager{Page: 9, Pages: 2, Prev: "/list?page=2&q=%D0%B2%D0%BE%D0%B4%D0%B0"}, "past the end: back to the last"},
	}
	for _, c := range cases {
		if got := NewPager("/list", filter, c.page, c.total, 50); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	if filter.Get("page") != "3" {
		t.Error("the filter was changed")
	}
	if got := NewPager("/list", nil, 2, 60, 50); got.Prev != "/list" {
		t.Errorf("without a filter the first page is the list's own address: %q", got.Prev)
	}
}
