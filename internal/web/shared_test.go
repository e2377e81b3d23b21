package web

import (
	"fmt"
	"testing"
	"time"
)

// The shared renderings never hold more than their cap: the least recently used go first, and one
// larger than the whole cap is not kept at all.
func TestSharedCacheIsBounded(t *testing.T) {
	sc := newSharedCache(10_000)
	now := time.Now()
	page := func(key string, size int) *sharedPage {
		return &sharedPage{key: key, version: "v", size: size, made: now, current: func() bool { return true }}
	}
	for i := range 100 {
		sc.put(page(fmt.Sprint(i), 1_000))
		if sc.bytes > sc.max || len(sc.pages) != sc.order.Len() {
			t.Fatalf("after %d: %d bytes, %d pages, %d in order", i, sc.bytes, len(sc.pages), sc.order.Len())
		}
	}
	if len(sc.pages) != 10 || sc.get("99") == nil || sc.get("89") != nil {
		t.Fatalf("kept %d pages; the newest kept: %v, an old one gone: %v", len(sc.pages), sc.get("99") != nil, sc.get("89") == nil)
	}
	sc.get("90") // used again: it stays, the next oldest goes
	sc.put(page("new", 1_000))
	if sc.get("90") == nil || sc.get("91") != nil {
		t.Fatal("the least recently used page was not the one to go")
	}
	sc.put(page("huge", 20_000))
	if sc.get("huge") != nil || sc.bytes > sc.max {
		t.Fatalf("a page over the cap was kept: %d bytes", sc.bytes)
	}
	// A page with a version is served early only while its data's cache says it is current, and never
	// past sharedMaxAge; one without, only within its window.
	stale := false
	sc.put(&sharedPage{key: "p", version: "v", size: 10, made: now, current: func() bool { return !stale }})
	if sc.fresh("p", now) == nil {
		t.Fatal("a current page is not served")
	}
	stale = true
	if sc.fresh("p", now) != nil || sc.confirm("p", Share{Version: "w"}, now) != nil {
		t.Fatal("a page served after its data changed")
	}
	if sc.confirm("p", Share{Version: "v"}, now) == nil || sc.confirm("p", Share{Version: "v"}, now.Add(sharedMaxAge)) != nil {
		t.Fatal("confirming a version")
	}
	sc.put(&sharedPage{key: "l", size: 10, made: now, fresh: time.Second})
	if sc.fresh("l", now.Add(999*time.Millisecond)) == nil || sc.fresh("l", now.Add(time.Second)) != nil {
		t.Fatal("a list's window")
	}
}
