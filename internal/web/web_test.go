package web

import (
	"testing"
)

func TestSafeNext(t *testing.T) {
	cases := map[string]string{
		"":                       "/",
		"/appeals/12":            "/appeals/12",
		"/appeals?page=2":        "/appeals?page=2",
		"//evil.example/x":       "/",
		"/\\evil.example":        "/",
		"https://evil.example/":  "/",
		"javascript:alert(1)":    "/",
		"appeals":                "/",
		"/ok\r\nSet-Cookie: x=y": "/",
		"/%2F%2Fevil.example":    "/%2F%2Fevil.example",
		"/\tevil":                "/",
		"http:/\\/evil.example":  "/",
		"/path#frag":             "/path",
	}
	for in, want := range cases {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// Upload routes are found by their path as Fiber would route it: case-insensitive, trailing slash
// ignored, <int> parameters only digits.
func TestRoutePatternMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"/appeals/", "/appeals", true},
		{"/appeals/", "/appeals/", true},
		{"/appeals", "/Appeals", true},
		{"/appeals", "/appeals/new", false},
		{"/admin/appeals/:id<int>/reply", "/admin/appeals/12/reply", true},
		{"/admin/appeals/:id<int>/reply", "/admin/appeals/x/reply", false},
		{"/admin/appeals/:id<int>/reply", "/admin/appeals//reply", false},
		{"/admin/petitions/:id<int>/:action", "/admin/petitions/3/answer", true},
		{"/admin/petitions/:id<int>/:action", "/admin/petitions/3", false},
	} {
		p, err := parseRoutePattern(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.match(c.path); got != c.want {
			t.Errorf("%s matches %s: %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
	if _, err := parseRoutePattern("/files/*"); err == nil {
		t.Error("a wildcard route cannot be an upload route")
	}
}

// Slots are per address, an IPv6 subscriber's /64 counting as one address, and given back once.
func TestAddressLimiter(t *testing.T) {
	l := newAddressLimiter(1)
	release := l.acquire("2001:db8::1")
	if release == nil {
		t.Fatal("the first request of an address is refused")
	}
	if l.acquire("2001:db8::2") != nil {
		t.Error("another address of the same /64 got a second slot")
	}
	if other := l.acquire("2001:db8:0:1::1"); other == nil {
		t.Error("another /64 is refused")
	} else {
		other()
	}
	if v4 := l.acquire("192.0.2.1"); v4 == nil {
		t.Error("an IPv4 address is refused")
	} else {
		v4()
	}
	release()
	release() // a second call gives nothing back twice
	if again := l.acquire("2001:db8::3"); again == nil {
		t.Error("the slot was not given back")
	} else if l.acquire("2001:db8::4") != nil {
		t.Error("releasing twice gave back two slots")
	}
}
